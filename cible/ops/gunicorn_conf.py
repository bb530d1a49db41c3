"""gunicorn's configuration for `cible serve --prod`, from CIBLE_* variables.

gunicorn reads it as `--config python:cible.ops.gunicorn_conf`, before any Django import:
only the standard library, Cible's environment helpers and its log formats here.
"""

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from cible.lib.env import env_bool, env_int, env_str
from cible.ops.logs import json_formatter

MAX_DEFAULT_WORKERS = 12
# The folder `cible serve --prod` makes for the metrics of one app server's workers.
METRICS_DIR_PREFIX = "cible-metrics-"


def default_workers() -> int:
    """gunicorn's rule of thumb, 2 x cores + 1, capped: past a dozen processes an app
    server waits on the database, not on its CPU."""
    return min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)


bind = [address.strip() for address in env_str("BIND", "127.0.0.1:8000").split(",")]
workers = env_int("WEB_WORKERS", default_workers())


def default_threads() -> int:
    """Threads (gunicorn's gthread workers) let a process wait on PostgreSQL for one
    request while serving another. SQLite has one writer at a time: a second thread only
    waits for its lock, and halved the check-ins a worker takes (530 a second with one
    thread, 288 with two, on 2 cores)."""
    return 1 if env_str("DATABASE_URL", "sqlite:").startswith("sqlite") else 2


threads = env_int("WEB_THREADS", default_threads())
# With one thread, gunicorn's sync worker: it takes a connection only when idle. With more,
# a threaded worker that leaves a new connection to a worker with a free thread, rather
# than keep it waiting behind its own requests (cible/ops/gunicorn_worker.py).
worker_class = "sync" if threads == 1 else "cible.ops.gunicorn_worker.BalancedThreadWorker"
timeout = env_int("WEB_TIMEOUT", 30)  # a worker silent that long is killed and replaced
graceful_timeout = env_int("WEB_GRACEFUL_TIMEOUT", 30)  # to finish requests on SIGTERM/HUP
keepalive = env_int("WEB_KEEPALIVE", 5)
# Each worker is replaced after so many requests (spread out), so a slow leak never grows.
# A new worker loads the app again, about a second of CPU during which it serves nothing:
# at 1,000 requests, two busy workers spent a fifth of their time starting again.
max_requests = env_int("WEB_MAX_REQUESTS", 10000)
max_requests_jitter = max(max_requests // 10, 1) if max_requests else 0
proc_name = "cible"
# No control socket (gunicornc): at its default path, two app servers of one machine would
# fight over it. Signals do the same: HUP reloads, TERM stops gracefully.
control_socket_disable = True
# The workers' heartbeat files in memory: a busy disk must not get them killed as silent.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
errorlog = "-"
accesslog = "-" if env_bool("ACCESS_LOG", False) else None
loglevel = env_str("LOG_LEVEL", "info").lower()

if env_str("LOG_FORMAT").lower() == "json":
    logconfig_dict: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": json_formatter()},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["console"], "level": loglevel.upper()},
        "loggers": {
            name: {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}
            for name in ("gunicorn.error", "gunicorn.access")
        },
    }


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone: its live gauges no longer count (Prometheus multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    """Remove the metrics folder that `cible serve --prod` made for this server."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if Path(folder).name.startswith(METRICS_DIR_PREFIX) and Path(folder).parent == Path(
        tempfile.gettempdir()
    ):
        shutil.rmtree(folder, ignore_errors=True)
