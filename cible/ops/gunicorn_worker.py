"""gunicorn's threaded worker, taking a new connection only when one of its threads is free.

All the workers of an app server listen on one socket, and gunicorn's threaded worker
accepts every connection it can while its threads are busy. A connection stays with the
worker that took it for as long as it is kept alive: the few long-lived connections of a
proxy (nginx keeps 32 per upstream) or of a load generator often all ended in one worker
while the others idled. With 8 connections and 2 workers, one run in three sent every
request to one process, and a request could wait behind a slow page in a busy worker while
another worker had nothing to do.

This worker leaves a new connection in the socket's queue while all its threads are busy,
for a worker with a free thread to take. Connections already kept alive are still served.
Imported by gunicorn's arbiter before Django: gunicorn and the standard library only.
"""

from typing import Any

from gunicorn.workers.gthread import ThreadWorker


class BalancedThreadWorker(ThreadWorker):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.in_flight = 0  # connections handed to the threads, not yet finished
        super().__init__(*args, **kwargs)

    # gunicorn's loop accepts while `nr_conns < worker_connections`, and reads the limit at
    # each turn: the limit answers whether a thread is free, within the configured one.
    @property
    def worker_connections(self) -> int:
        if self.in_flight < self.cfg.threads and self.nr_conns < self.connections_limit:
            return int(self.nr_conns) + 1
        return int(self.nr_conns)

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self.connections_limit = value

    def enqueue_req(self, conn: Any) -> None:
        self.in_flight += 1
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.in_flight -= 1
        super().finish_request(conn, fs)
