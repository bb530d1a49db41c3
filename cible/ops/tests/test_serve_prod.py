"""`cible serve --prod` as an administrator runs it: a real process on a free loopback port
that migrates, collects the static files and serves through gunicorn."""

import contextlib
import gzip
import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

import pytest

from cible.front.tests.instance import (
    ROOT,
    Instance,
    create_pg_database,
    postgres_url,
    throwaway_name,
)
from cible.samples.cluster import free_port

pytestmark = pytest.mark.slow

START_TIMEOUT = 180
HEALTH_REQUESTS = 7


@contextlib.contextmanager
def installation(folder: Path) -> Iterator[Instance]:
    """An empty installation: its own data folder and database (nothing migrated)."""
    pg_name = throwaway_name("serve") if postgres_url() else None
    if pg_name:
        create_pg_database(pg_name)
    instance = Instance(folder, pg_name)
    try:
        yield instance
    finally:
        instance.destroy()


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urlopen(Request(url, headers=headers), timeout=15) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited:\n{log.read_text()[-5000:]}"
        with contextlib.suppress(URLError, OSError):
            if get(f"{base}/healthz")[0] == 200:
                return
        time.sleep(0.3)
    raise AssertionError(f"not healthy after {START_TIMEOUT} s:\n{log.read_text()[-5000:]}")


def test_serve_prod_serves_hashed_static_files_through_gunicorn(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    with installation(tmp_path / "data") as instance:
        env = {
            **instance.env,
            "CIBLE_WEB_WORKERS": "2",
            "CIBLE_METRICS": "1",
            "CIBLE_LOG_FORMAT": "json",
            "CIBLE_LOG_LEVEL": "INFO",
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "cible", "serve", "--prod", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until_healthy(base, process, log)
            status, headers, page = get(f"{base}/accounts/login/")
            assert status == 200
            assert headers["Server"] == "gunicorn"
            stylesheet = re.search(
                r'href="(/static/cible/cible\.[0-9a-f]{12}\.css)"', page.decode()
            )
            assert stylesheet, "no hashed stylesheet in the page"

            status, headers, body = get(base + stylesheet.group(1), **{"Accept-Encoding": "gzip"})
            assert status == 200
            assert "immutable" in headers["Cache-Control"]
            assert headers.get("Content-Encoding") == "gzip"
            assert b"{" in gzip.decompress(body)

            for _ in range(HEALTH_REQUESTS):
                assert get(f"{base}/healthz")[0] == 200
            status, _headers, metrics = get(f"{base}/metrics")
            assert status == 200
            # Both workers' counts, added up through the multiprocess folder.
            line = 'cible_http_requests_total{method="GET",status="200",view="healthz"}'
            [count] = [
                row.split()[-1] for row in metrics.decode().splitlines() if row.startswith(line)
            ]
            assert float(count) >= HEALTH_REQUESTS
            metrics_folder = _metrics_folder(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)  # a graceful stop, as systemd does
            try:
                code = process.wait(timeout=60)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()

    output = log.read_text()
    assert code == 0, output[-5000:]
    records = [json.loads(row) for row in output.splitlines() if row.startswith("{")]
    assert any(
        r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records
    )
    assert not metrics_folder.exists(), "the metrics folder outlived its server"


def _metrics_folder(pid: int) -> Path:
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    [value] = [v for v in environ if v.startswith(b"PROMETHEUS_MULTIPROC_DIR=")]
    return Path(value.split(b"=", 1)[1].decode())
