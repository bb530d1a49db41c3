"""A whole production set-up on this machine's loopback: PostgreSQL and Redis (the
machine's), two app servers (`cible serve --prod`), nginx in front of both, and two
workers (`cible worker`). `make cluster` (deploy/local-cluster) runs it until Ctrl-C; the
end-to-end test (cible/ops/tests/test_cluster.py) drives it.

Everything it starts runs in its own process group, is stopped when it stops, and writes
its log into the cluster's folder. It needs no Django settings of its own: each process
gets its configuration from CIBLE_* variables, as on real servers.
"""

import argparse
import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cible.lib import outbound

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 180  # a first start migrates an empty database
STOP_TIMEOUT = 20
COMMAND_TIMEOUT = 120
UPSTREAM_HEADER = "X-Cible-Upstream"  # which app server answered, set by nginx

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cible_cluster"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"

NGINX_CONFIG = """\
# Written by cible/samples/cluster.py for a cluster on the loopback.
{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
daemon off;

events {{
    worker_connections 256;
}}

http {{
    access_log {folder}/nginx-access.log;
    client_body_temp_path {folder}/nginx-temp/body;
    proxy_temp_path {folder}/nginx-temp/proxy;
    fastcgi_temp_path {folder}/nginx-temp/fastcgi;
    uwsgi_temp_path {folder}/nginx-temp/uwsgi;
    scgi_temp_path {folder}/nginx-temp/scgi;

    upstream cible {{
{servers}
        keepalive 16;
    }}

    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 20m;

        location / {{
            proxy_pass http://cible;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
            # A server that fails or is gone: the request goes to the next one. nginx never
            # sends a POST twice (non_idempotent is not listed).
            proxy_next_upstream error timeout http_502 http_503 http_504;
            proxy_next_upstream_tries 2;
            proxy_next_upstream_timeout 15s;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            add_header {header} $upstream_addr always;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
    )


# PostgreSQL and Redis -------------------------------------------------------------------


def _database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise ValueError(f"Not a plain database name: {name!r}")
    return name


def _server_connection(url: str) -> Any:
    import psycopg

    server = urlsplit(url)._replace(path="/postgres").geturl()
    return psycopg.connect(server, autocommit=True, connect_timeout=5)


def ensure_database(url: str) -> None:
    """Create the database of `url` unless it exists."""
    name = _database_name(url)
    with _server_connection(url) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    name = _database_name(url)
    with _server_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_reachable(url: str) -> bool:
    try:
        with _server_connection(url):
            return True
    except Exception:
        return False


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=3).ping())
    except Exception:
        return False


# The processes ------------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    command: list[str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None
    port: int | None = None

    def start(self, env: dict[str, str]) -> None:
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped whole
            )

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, signum: int) -> None:
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signum)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM (a graceful stop), then SIGKILL for whatever is left."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self.signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        self.signal(signal.SIGKILL)  # the group's stragglers too
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass
class Cluster:
    folder: Path
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str = DEFAULT_REDIS_URL
    port: int = 0  # nginx's; a free one when 0
    app_servers: int = 2
    workers: int = 2
    worker_interval: float = 5.0
    extra_env: dict[str, str] = field(default_factory=dict)
    servers: list[Process] = field(default_factory=list, init=False)
    background: list[Process] = field(default_factory=list, init=False)
    nginx: Process | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret_key = secrets.token_urlsafe(50)

    # Configuration, as a server's environment file would give it.

    def env(self, **more: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CIBLE_")}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "cible.settings",
                "PYTHONUNBUFFERED": "1",
                "CIBLE_PRODUCTION": "1",
                "CIBLE_DATA_DIR": str(self.folder / "data"),
                "CIBLE_DATABASE_URL": self.database_url,
                "CIBLE_REDIS_URL": self.redis_url,
                "CIBLE_SECRET_KEY": self.secret_key,
                "CIBLE_SITE_URL": self.url,
                "CIBLE_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "CIBLE_WEB_WORKERS": "2",
                "CIBLE_WEB_THREADS": "2",
            }
        )
        env.update(self.extra_env)
        env.update(more)
        return env

    def cible(self, *args: str, timeout: float = COMMAND_TIMEOUT) -> str:
        """Run `cible ARGS` against the cluster's database; its output."""
        result = subprocess.run(
            [sys.executable, "-m", "cible", *args],
            cwd=ROOT,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"cible {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def python(self, code: str) -> Any:
        """Run `code` with Django set up against the cluster; the value it puts in
        `result`, through JSON."""
        program = (
            "import json, django\ndjango.setup()\nresult = None\n"
            + code
            + "\nprint('RESULT:' + json.dumps(result, default=str))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", program],
            cwd=ROOT,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"Python against the cluster failed:\n{result.stderr}")
        line = [ln for ln in result.stdout.splitlines() if ln.startswith("RESULT:")][-1]
        return json.loads(line.removeprefix("RESULT:"))

    # Starting and stopping.

    def start(self) -> None:
        """The app servers (started together: one migrates, the other waits), then nginx;
        returns once nginx answers with a healthy app server behind it."""
        for number in range(1, self.app_servers + 1):
            port = free_port()
            server = Process(
                f"web{number}",
                [sys.executable, "-m", "cible", "serve", "--prod", f"127.0.0.1:{port}"],
                self.folder / f"web{number}.log",
                port=port,
            )
            # Each app server collects its own copy of the static files, as on its own
            # machine: none rewrites files that another one is serving.
            server.start(self.env(CIBLE_STATIC_ROOT=str(self.folder / f"static-{number}")))
            self.servers.append(server)
        for server in self.servers:
            self.wait_healthy(f"http://127.0.0.1:{server.port}", server)
        self.start_nginx()
        self.wait_healthy(self.url, self.nginx)

    def start_nginx(self) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light).")
        (self.folder / "nginx-temp").mkdir(exist_ok=True)
        config = self.folder / "nginx.conf"
        config.write_text(self.nginx_config())
        self.nginx = Process(
            "nginx",
            [
                binary,
                "-p",
                str(self.folder),
                "-c",
                str(config),
                "-e",
                str(self.folder / "nginx-error.log"),
            ],
            self.folder / "nginx.log",
            port=self.port,
        )
        self.nginx.start(self.env())

    def nginx_config(self) -> str:
        servers = "\n".join(
            f"        server 127.0.0.1:{server.port} max_fails=1 fail_timeout=10s;"
            for server in self.servers
        )
        # Started as root, nginx would hand its workers to an account that cannot reach the
        # cluster's folder: keep them as the user who started it.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
        return NGINX_CONFIG.format(
            user=user,
            folder=self.folder,
            servers=servers,
            port=self.port,
            header=UPSTREAM_HEADER,
        )

    def start_workers(self) -> None:
        for number in range(1, self.workers + 1):
            worker = Process(
                f"worker{number}",
                [
                    sys.executable,
                    "-m",
                    "cible",
                    "worker",
                    "--interval",
                    str(self.worker_interval),
                ],
                self.folder / f"worker{number}.log",
            )
            worker.start(self.env())
            self.background.append(worker)

    def wait_healthy(self, base: str, process: Process | None) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process is not None and not process.running():
                raise RuntimeError(f"{process.name} exited at start:\n{process.log()[-5000:]}")
            try:
                # The cluster's own server on this machine: the guard is off.
                if outbound.request("GET", f"{base}/healthz", timeout=5, guard=False).ok:
                    return
            except outbound.OutboundError:
                pass
            time.sleep(0.3)
        name = process.name if process else base
        log = process.log()[-5000:] if process else ""
        raise RuntimeError(f"{name} was not healthy after {START_TIMEOUT} s:\n{log}")

    def processes(self) -> list[Process]:
        return [*self.background, *([self.nginx] if self.nginx else []), *self.servers]

    def stop(self) -> None:
        for process in self.processes():
            process.stop()

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# `make cluster` ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="deploy/local-cluster",
        description="Two app servers behind nginx and two workers, on PostgreSQL and Redis, "
        "all on this machine's loopback; Ctrl-C stops everything.",
    )
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--folder", type=Path, help="for logs and data (default: a temp dir)")
    options = parser.parse_args(argv)

    if nginx_binary() is None:
        print("nginx is not installed (Debian: apt-get install nginx-light).", file=sys.stderr)
        return 1
    if not postgres_reachable(options.database_url):
        print(f"PostgreSQL does not answer at {options.database_url}.", file=sys.stderr)
        return 1
    if not redis_reachable(options.redis_url):
        print(f"Redis does not answer at {options.redis_url}.", file=sys.stderr)
        return 1
    ensure_database(options.database_url)
    folder = options.folder or Path(tempfile.mkdtemp(prefix="cible-cluster-"))

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    cluster = Cluster(folder, options.database_url, options.redis_url, port=options.port)
    print(f"Starting the cluster; logs in {folder}", flush=True)
    try:
        with cluster:
            cluster.start()
            print(cluster.cible("demo", "--if-empty"), flush=True)
            cluster.start_workers()
            print(_banner(cluster), flush=True)
            while all(process.running() for process in cluster.processes()):
                time.sleep(1)
            stopped = [p.name for p in cluster.processes() if not p.running()]
            print(f"Stopped unexpectedly: {', '.join(stopped)}; see the logs.", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("\nStopping the cluster.", flush=True)
        return 0


def _banner(cluster: Cluster) -> str:
    servers = ", ".join(f"127.0.0.1:{server.port}" for server in cluster.servers)
    return (
        f"\nCible is up at {cluster.url} (nginx in front of {servers}; "
        f"{len(cluster.background)} workers).\n"
        f"Health: {cluster.url}/healthz\n"
        "Ctrl-C stops everything.\n"
    )


if __name__ == "__main__":
    sys.exit(main())
