"""gunicorn's threaded worker, leaving a new connection to a worker with a free thread.

All the workers of an app server listen on one socket, and gunicorn's threaded worker
accepts every connection it can while its threads are busy. A connection stays with the
worker that took it for as long as it is kept alive: the few long-lived connections of a
proxy (nginx keeps 32 per upstream) or of a load generator often all ended in one worker
while the others idled. With 8 connections and 2 workers, half the runs sent every
request to one process, and a request could wait behind a slow page in a busy worker while
another worker had nothing to do.

This worker takes a new connection at once while one of its threads is free. While all are
busy, it leaves new connections in the socket's queue for an idle worker, and takes one
itself every `BUSY_GRACE` seconds at most: when every worker is busy, a new connection
waits about that long, not until the load drops.

Imported by gunicorn's arbiter before Django: gunicorn and the standard library only.
"""

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

BUSY_GRACE = 0.5


class BalancedThreadWorker(ThreadWorker):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.in_flight = 0  # connections handed to the threads, not yet finished
        # Since when no thread has been free, or since this worker last took a connection
        # while busy.
        self.busy_since: float | None = None
        super().__init__(*args, **kwargs)

    # gunicorn's loop accepts while `nr_conns < worker_connections`, and reads the limit at
    # each turn: the limit answers whether this worker should take a new connection now,
    # within the configured one.
    @property
    def worker_connections(self) -> int:
        taking = self.nr_conns < self.connections_limit and (
            self.busy_since is None or time.monotonic() - self.busy_since >= BUSY_GRACE
        )
        return int(self.nr_conns) + 1 if taking else int(self.nr_conns)

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self.connections_limit = value

    def accept(self, listener: Any) -> None:
        super().accept(listener)
        if self.busy_since is not None:
            self.busy_since = time.monotonic()  # the next one after another grace

    def enqueue_req(self, conn: Any) -> None:
        self.in_flight += 1
        if self.in_flight >= self.cfg.threads and self.busy_since is None:
            self.busy_since = time.monotonic()
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.in_flight -= 1
        if self.in_flight < self.cfg.threads:
            self.busy_since = None
        super().finish_request(conn, fs)
