"""Locks shared by every process of an installation, whichever machine runs them.

On PostgreSQL a session advisory lock (`pg_advisory_lock`): every app server and worker
already reaches the database, and PostgreSQL releases the lock by itself when the holder's
connection dies, so a crashed process never leaves it taken. On SQLite every process runs
on the one machine that holds the database file: a `flock` on a file in the data folder,
released by the kernel when the holder dies.

Advisory locks belong to a database session: behind a pooler in transaction mode
(PgBouncer's default) the unlock may reach another session. Point the app servers and
workers at PostgreSQL directly, or at a pooler in session mode.
"""

import contextlib
import fcntl
import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger("cible.locks")

STARTUP = "startup"  # migrations and static files, when an app server starts
SCHEDULER = "scheduler"  # the planning pass of `cible worker`


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (PostgreSQL's bigint lock keys)."""
    digest = hashlib.blake2b(f"cible:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_path(name: str) -> Path:
    folder = Path(settings.DATA_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.lock"


@contextlib.contextmanager
def exclusive(name: str, *, wait: bool, using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """Hold the lock `name` across processes for the block; yields whether it is held.

    With `wait`, blocks until the lock is free (and yields True); without, yields False at
    once when another process holds it, and the block should then skip its work.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with _advisory(using, name, wait) as held:
            yield held
    else:
        with _file_lock(name, wait) as held:
            yield held


@contextlib.contextmanager
def _advisory(using: str, name: str, wait: bool) -> Iterator[bool]:
    key = advisory_key(name)
    with connections[using].cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
            held = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            _advisory_unlock(using, key)


def _advisory_unlock(using: str, key: int) -> None:
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    except DatabaseError:
        # The connection is gone, and with it the lock: nothing is left to release.
        logger.warning("Could not release a lock: its connection was lost", exc_info=True)


@contextlib.contextmanager
def _file_lock(name: str, wait: bool) -> Iterator[bool]:
    with lock_path(name).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
