"""Concurrency and faults, against a real server (`cible serve`, threaded) over HTTP.

- Many people check in the same KR at once: no check-in lost, no error (on SQLite, no
  "database is locked"), and the KR's current value is the newest check-in's.
- The server is killed (SIGKILL) in the middle of writes: the database stays consistent,
  every acknowledged check-in is kept, no KR is left half-updated, and the server starts
  again.
"""

import html
import sqlite3
import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from cible.checkins import services as checkin_services
from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.front.tests.instance import (
    Browser,
    Instance,
    Poster,
    backend,
    join,
    run_posters,
    state,
)
from cible.okrs.models import KeyResult

pytestmark = pytest.mark.slow

THREADS = 8
CHECK_INS_PER_THREAD = 10
KILL_AFTER_SECONDS = 1.0
KILL_THREADS = 6
KILL_MAX_PER_THREAD = 500  # bounded, whatever happens


def test_parallel_check_ins_on_one_kr_are_all_kept(instance: Instance) -> None:
    kr = instance.kr
    with instance.server() as server:
        barrier = threading.Barrier(THREADS)
        posters = [
            Poster(server.base, kr, n, CHECK_INS_PER_THREAD, start=barrier) for n in range(THREADS)
        ]
        join(run_posters(posters), timeout=60)
        log = server.log()

    assert not [p.failure for p in posters if p.failure], [p.failure for p in posters]
    posted = [post for poster in posters for post in poster.posts]
    assert len(posted) == THREADS * CHECK_INS_PER_THREAD
    failed = [
        (post.value, post.error)
        if post.response is None
        else (post.value, post.response.status, post.response.body[:500])
        for poster in posters
        for post in poster.posts
        if post.response is None or not poster.is_success(post.response)
    ]
    assert not failed, failed
    assert "database is locked" not in log, log[-5000:]
    assert "Traceback" not in log, log[-5000:]

    after = state(instance, kr["pk"])
    assert len(after.values) == kr["check_ins"] + len(posted)
    assert {Decimal(post.value) for post in posted} <= set(after.values)
    assert not after.drift, after.drift


def test_a_server_killed_mid_write_leaves_a_consistent_database(instance: Instance) -> None:
    kr = instance.kr
    stop = threading.Event()
    with instance.server() as server:
        posters = [
            Poster(server.base, kr, n, KILL_MAX_PER_THREAD, stop=stop) for n in range(KILL_THREADS)
        ]
        threads = run_posters(posters)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and sum(len(p.acknowledged()) for p in posters) < 5:
            time.sleep(0.05)
        time.sleep(KILL_AFTER_SECONDS)
        server.kill()  # SIGKILL, to the whole process group, while the threads post
        stop.set()
        join(threads, timeout=30)

    acknowledged = {Decimal(value) for poster in posters for value in poster.acknowledged()}
    attempted = {Decimal(post.value) for poster in posters for post in poster.posts}
    assert len(acknowledged) >= 5, [p.failure for p in posters]
    assert any(post.error for poster in posters for post in poster.posts), (
        "the kill came after every post: nothing was interrupted"
    )

    if backend() == "sqlite":
        database = sqlite3.connect(instance.sqlite_path)  # recovers the WAL, as a restart does
        try:
            assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert database.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            database.close()

    after = state(instance, kr["pk"])
    new = [value for value in after.values if value in attempted]
    assert acknowledged <= set(new), "an acknowledged check-in was lost"
    assert len(new) == len(set(new)), "a check-in was stored twice"
    assert len(after.values) == kr["check_ins"] + len(new)
    assert not after.drift, f"KRs left half-updated: {after.drift}"

    with instance.server() as server:
        browser = Browser(server.base)
        browser.sign_in()
        page = browser.request(kr["url"])
        assert page.status == 200, page.body[:2000]
        assert kr["title"] in html.unescape(page.body)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    backend() != "postgresql", reason="SQLite runs one writer at a time (BEGIN IMMEDIATE)"
)
def test_a_slower_check_in_never_overwrites_a_newer_one(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The interleaving that once left a KR on an older value under PostgreSQL's READ
    COMMITTED: the first check-in reads the newest reading (its own), the second one is
    recorded and committed meanwhile, then the first writes its stale "newest" into the KR.
    The KR's row lock makes the second wait for the first instead."""
    first_has_read, go_on = threading.Event(), threading.Event()
    prepared = checkin_services._newest_check_in

    class SlowNewest:
        """`record_check_in`'s read of the newest check-in, held once it has read."""

        def __init__(self) -> None:
            self.query = prepared()

        def queryset(self, *args: Any) -> list[Any]:
            rows = list(self.query.queryset(*args))
            if threading.current_thread().name == "first":
                first_has_read.set()
                go_on.wait(timeout=10)
            return rows

    monkeypatch.setattr(checkin_services, "_newest_check_in", SlowNewest)
    errors: list[BaseException] = []

    def check_in(value: int) -> None:
        try:
            kr = KeyResult.objects.select_related("objective__cycle__organization").get(
                pk=world.kr.pk
            )
            record_check_in(kr, world.bob, Decimal(value), confidence=value % 11)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=check_in, args=(10,), name="first")
    second = threading.Thread(target=check_in, args=(20,), name="second")
    first.start()
    assert first_has_read.wait(timeout=10)
    second.start()
    second.join(timeout=1.5)  # done already without the lock; waiting on it with the lock
    go_on.set()
    first.join(timeout=20)
    second.join(timeout=20)

    assert not errors, errors
    kr = KeyResult.objects.get(pk=world.kr.pk)
    newest = CheckIn.objects.filter(key_result=kr).latest()
    assert newest.value == Decimal(20)
    assert (kr.current, kr.confidence) == (newest.value, newest.confidence)
