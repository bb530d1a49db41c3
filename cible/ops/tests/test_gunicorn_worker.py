"""The threaded worker of `cible serve --prod` on PostgreSQL leaves a new connection to a
worker with a free thread: a real gunicorn with two one-thread workers on a loopback port,
serving the small application below."""

import contextlib
import http.client
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from cible.samples.cluster import free_port

pytestmark = pytest.mark.slow

WORKER = "cible.ops.gunicorn_worker.BalancedThreadWorker"
SLOW_SECONDS = 0.6
ROUNDS = 4


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answers with the worker's process id; /slow first takes its time."""
    if environ["PATH_INFO"] == "/slow":
        time.sleep(SLOW_SECONDS)
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


@contextlib.contextmanager
def server(tmp_path: Path, workers: int = 2) -> Iterator[int]:
    port = free_port()
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            f"--worker-class={WORKER}",
            f"--workers={workers}",
            "--threads=1",
            "--keep-alive=5",
            f"--bind=127.0.0.1:{port}",
            f"{__name__}:app",
        ],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(pids_answering(port)) < workers:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield port
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def pids_answering(port: int) -> set[str]:
    """The workers that answer a few new connections (all, once all have started)."""
    found = set()
    for _ in range(10):
        with contextlib.suppress(OSError):
            found.add(get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/"))
    return found


def get(connection: http.client.HTTPConnection, path: str) -> str:
    connection.request("GET", path)
    response = connection.getresponse()
    assert response.status == 200
    return response.read().decode()


def test_a_busy_worker_leaves_a_new_connection_to_an_idle_one(tmp_path: Path) -> None:
    with server(tmp_path) as port:
        for _ in range(ROUNDS):
            slow = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            with ThreadPoolExecutor(max_workers=1) as pool:
                request = pool.submit(get, slow, "/slow")
                time.sleep(SLOW_SECONDS / 3)  # the slow request is being served
                other = get(http.client.HTTPConnection("127.0.0.1", port, timeout=10), "/")
                busy = request.result(timeout=10)

            # The idle worker answered, not the busy one after its slow request (gunicorn's
            # own threaded worker: about one round in two).
            assert other != busy
            # The busy worker still serves the connection it keeps alive.
            assert get(slow, "/") == busy
            slow.close()


def test_a_worker_busy_for_long_still_takes_a_new_connection(tmp_path: Path) -> None:
    """With every worker kept busy by the connections it has, a new one is not left waiting
    until the load stops."""
    with server(tmp_path, workers=1) as port:
        connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in "ab"]

        def keep_busy(connection: http.client.HTTPConnection) -> None:
            # The two connections' requests follow one another on the worker's one thread.
            for _ in range(5):
                get(connection, "/slow")

        with ThreadPoolExecutor(max_workers=2) as pool:
            load = [pool.submit(keep_busy, connection) for connection in connections]
            time.sleep(SLOW_SECONDS)
            get(http.client.HTTPConnection("127.0.0.1", port, timeout=30), "/")
            answered_during_the_load = not all(future.done() for future in load)
            for future in load:
                future.result(timeout=30)
        assert answered_during_the_load
