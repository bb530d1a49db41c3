"""`cible serve --prod`: make the installation ready, then hand over to gunicorn.

Several app servers may start at once against one database: the first to take the start-up
lock migrates and collects the static files, the others wait for it, then find nothing
left to do.
"""

import os
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

from django.conf import settings
from django.core.management import call_command
from django.db import connections

from cible.ops import locks
from cible.ops.gunicorn_conf import METRICS_DIR_PREFIX

GUNICORN_CONFIG = "python:cible.ops.gunicorn_conf"


def serve(address: str | None, verbosity: int = 1) -> NoReturn:
    env = dict(os.environ)
    if address:
        env["CIBLE_BIND"] = address
    if not settings.PRODUCTION:
        # The settings are read once per process: start again with production mode on, so
        # that collectstatic and gunicorn's workers all see the production storage.
        env["CIBLE_PRODUCTION"] = "1"
        command = [sys.executable, "-m", "cible", "serve", "--prod", "-v", str(verbosity)]
        os.execve(sys.executable, command, env)
    prepare(verbosity)
    if settings.METRICS:
        env["PROMETHEUS_MULTIPROC_DIR"] = metrics_folder(env.get("PROMETHEUS_MULTIPROC_DIR"))
    connections.close_all()  # gunicorn's workers open their own
    command = [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG, "cible.wsgi"]
    os.execve(sys.executable, command, env)


def prepare(verbosity: int = 1) -> None:
    """Migrate and collect the static files, one app server at a time."""
    with locks.exclusive(locks.STARTUP, wait=True):
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("collectstatic", interactive=False, verbosity=min(verbosity, 1))


def metrics_folder(given: str | None) -> str:
    """The folder where gunicorn's workers keep their counters, emptied: what it holds
    is from an earlier run of this server. One per app server; made when not given."""
    if not given:
        return tempfile.mkdtemp(prefix=METRICS_DIR_PREFIX)
    folder = Path(given)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    return given
