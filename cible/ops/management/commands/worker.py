"""`cible worker`: the scheduler and the task worker in one process.

Each pass plans the reminders, digests and team chat messages that became due and queues
them (every `--interval` seconds), and in between the worker runs every queued task
(polling every second). With the database backend this one process is all background work
needs; run as many as you like: the queue hands each task to one worker, and a delivery's
claimed row makes sure each mail or chat message goes out once. With another backend
(Redis...), its own workers run the tasks and this command only schedules.
"""

import logging
import os
import signal
import socket
import threading
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from cible.api import idempotency
from cible.collab import mail as inbox_mail
from cible.insights import prompts, snapshots
from cible.lib import dbstats
from cible.notifications import tasks as notifications
from cible.okrs import alignment
from cible.ops import locks
from cible.sources import tasks as sources
from cible.webhooks import tasks as webhooks

logger = logging.getLogger("cible.worker")

POLL_SECONDS = 1.0


def positive_seconds(value: str) -> float:
    seconds = float(value)
    if not 0 < seconds < 24 * 3600:
        raise ValueError(value)
    return seconds


class Command(BaseCommand):
    help = (
        "Send check-in reminders, digests and team chat messages when due, keep the large "
        "organisations' dashboards computed, forget old idempotency keys, and run queued "
        "background tasks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Run one pass, send what is due, then exit."
        )
        parser.add_argument(
            "--interval",
            type=positive_seconds,
            default=60.0,
            metavar="SECONDS",
            help="Seconds between two scheduler passes (default: 60).",
        )

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        if options["verbosity"] < 2:
            # The queue worker logs each poll of an empty queue, every second: keep it quiet.
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        self.stopping = threading.Event()
        self.worker: Worker | None = None
        runs_tasks = isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)
        if not runs_tasks:
            logger.info("Tasks run outside this process: `cible worker` only schedules them.")
        if once:
            if not self.schedule():
                raise CommandError("The scheduler pass failed; see the log.")
            if runs_tasks:
                self.run_tasks()
            return
        self.install_signals()
        logger.info("Worker started: scheduling every %s s.", interval)
        next_pass = time.monotonic()
        while not self.stopping.is_set():
            close_old_connections()
            if time.monotonic() >= next_pass:
                self.schedule()
                next_pass = time.monotonic() + interval
            if runs_tasks:
                self.run_tasks()
            self.stopping.wait(min(POLL_SECONDS, interval))
        logger.info("Worker stopped.")

    def schedule(self) -> bool:
        """One planning pass, made by one worker at a time across the installation: the
        others skip theirs. Each delivery is a claimed row anyway; the lock spares the
        duplicate work and keeps two planners from racing on the same rounds."""
        try:
            with locks.exclusive(locks.SCHEDULER, wait=False) as mine:
                if not mine:
                    logger.debug("Another worker is planning: this pass is skipped.")
                    return True
                return self.plan()
        except Exception:
            logger.exception("Scheduler pass failed: the lock could not be taken")
            return False

    def plan(self) -> bool:
        try:
            queued = notifications.dispatch()
            queued += webhooks.dispatch()
            queued += sources.run_due()
            queued += snapshots.refresh_due()
            prompts.scan_due()
            prompts.scan_checked_in()
            inbox_mail.send_due()
            dbstats.refresh_statistics()
            idempotency.prune()
            alignment.repair()
        except Exception:
            # A database hiccup must not kill the loop: the next pass picks up where it left.
            logger.exception("Scheduler pass failed")
            return False
        if queued:
            logger.info("Queued %d task(s).", queued)
        return True

    def run_tasks(self) -> None:
        """Run every task that is ready, then return (the worker's batch mode)."""
        self.worker = Worker(
            queue_names=["*"],
            interval=POLL_SECONDS,
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=f"{socket.gethostname()[:40]}-{os.getpid()}",
            excluded_queue_names=[],
        )
        try:
            self.worker.run()
        finally:
            self.worker = None

    def install_signals(self) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            if self.stopping.is_set():
                raise KeyboardInterrupt  # A second signal: stop now, mid-task if need be.
            logger.warning("Stopping after the current task (signal again to force).")
            self.stopping.set()
            if self.worker is not None:
                self.worker.running = False

        for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), stop)
