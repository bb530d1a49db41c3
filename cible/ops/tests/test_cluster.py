"""The whole production set-up, end to end, on the loopback: two app servers (`cible serve
--prod`) behind nginx, two workers, PostgreSQL and Redis (cible/samples/cluster.py, what
`make cluster` runs).

- A session holds while nginx sends the requests to one app server then the other.
- A check-in posted through one app server is on the other at once.
- With both workers running, each reminder and digest goes out exactly once.
- An app server killed while requests flow: nginx retries them on the other, none fails,
  and every check-in posted before is still there.

The tests share one cluster, in this order; it is stopped at the end whatever happens.
"""

import html
import secrets
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from aiosmtpd.controller import Controller

from cible.front.tests.instance import PICK_KR, postgres_url
from cible.samples.cluster import (
    UPSTREAM_HEADER,
    Cluster,
    drop_database,
    ensure_database,
    free_port,
    nginx_binary,
    postgres_reachable,
    redis_reachable,
)
from cible.samples.demo import DEMO_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.slow

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/6"
HTTP_TIMEOUT = 30
DELIVERY_TIMEOUT = 120
GET_THREADS = 2
GETS_PER_THREAD = 60
KILL_AFTER = 12  # responses before the kill
READ_SECONDS = 90  # a bound on the reading, never reached when things work


def _server_url() -> str:
    """The suite's PostgreSQL server when it runs on one, else the machine's."""
    return postgres_url() or POSTGRES_SERVER


def _missing() -> str | None:
    if nginx_binary() is None:
        return "nginx is not installed (Debian: apt-get install nginx-light)"
    if not postgres_reachable(_server_url()):
        return f"no PostgreSQL server answers at {urlsplit(_server_url()).netloc}"
    if not redis_reachable(REDIS_URL):
        return "no Redis server answers at 127.0.0.1:6379"
    return None


# Mail, as an SMTP server receives it -----------------------------------------------------


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def received(self) -> Counter[tuple[str, str]]:
        with self.lock:
            return Counter((str(m["To"]), str(m["X-Cible-Notification"])) for m in self.messages)


# A browser: cookies, CSRF token, no redirect followed --------------------------------------


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def upstream(self) -> str:
        return self.headers.get(UPSTREAM_HEADER, "")


class Visitor:
    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, url: str, fields: dict[str, str] | None = None) -> Reply:
        headers = {"Accept-Language": "en"}
        data = None
        if fields is not None:
            token = next(c.value for c in self.jar if c.name == "csrftoken" and c.value)
            data = urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": origin,
                    "Referer": url,
                }
            )
        try:
            with self.opener.open(Request(url, data, headers), timeout=HTTP_TIMEOUT) as response:
                return Reply(response.status, dict(response.headers), response.read().decode())
        except HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read().decode(errors="replace"))

    def sign_in(self, base: str) -> None:
        assert self.request(f"{base}/accounts/login/").status == 200
        reply = self.request(
            f"{base}/accounts/login/", {"login": DEMO_EMAIL, "password": DEMO_PASSWORD}
        )
        assert reply.status == 302, (reply.status, reply.body[:2000])
        assert "/accounts/login" not in reply.headers.get("Location", "")


def check_in(visitor: Visitor, base: str, kr: dict[str, Any], value: str, note: str) -> Reply:
    pk = kr["pk"]
    return visitor.request(
        f"{base}{kr['url']}check-in/",
        {
            f"kr-{pk}-value": value,
            f"kr-{pk}-confidence": "6",
            f"kr-{pk}-comment": note,
            # The values are far from the key result's range on purpose: saved all the same.
            f"kr-{pk}-confirm": "on",
        },
    )


def acknowledged(reply: Reply, kr: dict[str, Any]) -> bool:
    return reply.status == 302 and reply.headers.get("Location", "").endswith(kr["url"])


# The cluster ----------------------------------------------------------------------------------


@dataclass
class Setup:
    cluster: Cluster
    inbox: Inbox
    visitor: Visitor
    kr: dict[str, Any]
    posted: list[str]  # values of the check-ins acknowledged so far

    def server(self, index: int) -> str:
        return f"http://127.0.0.1:{self.cluster.servers[index].port}"

    def check_in_values(self) -> set[str]:
        code = (
            "from cible.checkins.models import CheckIn\n"
            f"result = [str(v) for v in CheckIn.objects.filter(key_result_id={self.kr['pk']})"
            ".values_list('value', flat=True)]"
        )
        return set(self.cluster.python(code))


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    if reason := _missing():
        pytest.skip(reason)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # the tests' own Redis database
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    name = f"cible_ops_cluster_{secrets.token_hex(4)}"
    database_url = urlsplit(_server_url())._replace(path=f"/{name}").geturl()
    folder: Path = tmp_path_factory.mktemp("cluster")
    cluster = Cluster(
        folder,
        database_url,
        REDIS_URL,
        worker_interval=1.0,
        extra_env={
            "CIBLE_EMAIL_HOST": "127.0.0.1",
            "CIBLE_EMAIL_PORT": str(smtp.port),
            "CIBLE_EMAIL_USE_TLS": "false",
            "CIBLE_LOG_LEVEL": "WARNING",
        },
    )
    smtp.start()
    try:
        ensure_database(database_url)
        with cluster:
            cluster.start()
            cluster.cible("demo")
            visitor = Visitor()
            visitor.sign_in(cluster.url)
            yield Setup(cluster, inbox, visitor, cluster.python(PICK_KR), [])
    finally:
        smtp.stop()
        drop_database(database_url)


def test_a_session_holds_while_requests_alternate_between_app_servers(setup: Setup) -> None:
    replies = [setup.visitor.request(setup.cluster.url + setup.kr["url"]) for _ in range(6)]

    assert [reply.status for reply in replies] == [200] * 6  # signed in on both
    assert all(setup.kr["title"] in html.unescape(reply.body) for reply in replies)
    servers = {f"127.0.0.1:{server.port}" for server in setup.cluster.servers}
    assert {reply.upstream for reply in replies} == servers


def test_a_check_in_through_one_server_is_at_once_on_the_other(setup: Setup) -> None:
    note = f"Seen everywhere {secrets.token_hex(4)}"

    reply = check_in(setup.visitor, setup.server(0), setup.kr, "4242.5", note)
    assert acknowledged(reply, setup.kr), (reply.status, reply.body[:2000])
    setup.posted.append("4242.5")
    page = setup.visitor.request(setup.server(1) + setup.kr["url"])

    assert page.status == 200
    assert note in html.unescape(page.body)


def test_with_two_workers_each_reminder_goes_out_once(setup: Setup) -> None:
    setup.cluster.python(DUE_NOW)
    setup.cluster.start_workers()

    sent = wait_for_deliveries(setup)
    time.sleep(3)  # a few more passes of both schedulers: nothing more may go out

    assert {kind for _email, kind in sent} == {"reminder", "digest"}
    received = setup.inbox.received()
    assert received == Counter(sent), "a mail went out twice, or not at all"
    assert all(worker.running() for worker in setup.cluster.background)


# Every organisation's check-in slot is today at midnight, its time, so it has passed; and
# nobody checked in for a month, so every owner of a key result gets a reminder.
DUE_NOW = """
import datetime
from django.db.models import F
from django.utils import timezone
from cible.checkins.models import CheckIn
from cible.notifications.services import org_zone
from cible.orgs.models import Organization
for org in Organization.objects.all():
    org.checkin_weekday = timezone.now().astimezone(org_zone(org)).weekday()
    org.checkin_time = datetime.time(0, 0)
    org.save()
CheckIn.objects.update(created_at=F("created_at") - datetime.timedelta(days=30))
"""

DELIVERIES = """
from django_tasks_db.models import DBTaskResult
from cible.notifications.models import Delivery
rows = Delivery.objects.select_related("user").order_by("pk")
result = {
    "pending": rows.filter(status="pending").count(),
    "sent": [[d.user.email, d.kind] for d in rows.filter(status="sent")],
    "other": [
        [d.kind, d.status, d.last_error] for d in rows.exclude(status__in=["pending", "sent"])
    ],
    "tasks": DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count(),
}
"""


def wait_for_deliveries(setup: Setup) -> list[tuple[str, str]]:
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while time.monotonic() < deadline:
        state = setup.cluster.python(DELIVERIES)
        assert not state["other"], state["other"]
        done = state["sent"] and not state["pending"] and not state["tasks"]
        if done and len(setup.inbox.messages) >= len(state["sent"]):
            return [(email, kind) for email, kind in state["sent"]]
        time.sleep(1)
    logs = "\n".join(worker.log()[-3000:] for worker in setup.cluster.background)
    raise AssertionError(f"the deliveries were not all sent in time:\n{logs}")


class Reader(threading.Thread):
    """GETs a page through nginx, a bounded number of times."""

    def __init__(self, setup: Setup, seen: threading.Semaphore) -> None:
        super().__init__(daemon=True)
        self.setup = setup
        self.seen = seen
        self.replies: list[Reply | str] = []

    def run(self) -> None:
        url = self.setup.cluster.url + self.setup.kr["url"]
        deadline = time.monotonic() + READ_SECONDS
        for _ in range(GETS_PER_THREAD):
            if time.monotonic() > deadline:
                break
            try:
                self.replies.append(self.setup.visitor.request(url))
            except (URLError, OSError) as error:
                self.replies.append(repr(error))
            self.seen.release()


def test_an_app_server_killed_mid_run_loses_no_request_and_no_data(setup: Setup) -> None:
    for n in range(6):
        value = f"{7000 + n}.25"
        reply = check_in(setup.visitor, setup.cluster.url, setup.kr, value, f"Before {n}")
        assert acknowledged(reply, setup.kr), (reply.status, reply.body[:2000])
        setup.posted.append(value)
    seen = threading.Semaphore(0)
    readers = [Reader(setup, seen) for _ in range(GET_THREADS)]
    for reader in readers:
        reader.start()
    for _ in range(KILL_AFTER):
        assert seen.acquire(timeout=HTTP_TIMEOUT)
    victim = setup.cluster.servers[0]

    victim.signal(signal.SIGKILL)  # SIGKILL to the whole app server: its requests in flight are cut
    for reader in readers:
        reader.join(timeout=READ_SECONDS + 2 * HTTP_TIMEOUT)

    assert not any(reader.is_alive() for reader in readers)
    replies = [reply for reader in readers for reply in reader.replies]
    assert len(replies) == GET_THREADS * GETS_PER_THREAD, "the reading took too long"
    failed = [r if isinstance(r, str) else r.status for r in replies if not _ok(r)]
    assert not failed, failed
    survivor = f"127.0.0.1:{setup.cluster.servers[1].port}"
    last = [reader.replies[-1] for reader in readers]  # nginx has given up on the victim
    assert all(isinstance(r, Reply) and r.upstream.endswith(survivor) for r in last), last
    assert not victim.running()
    stored = {Decimal(value) for value in setup.check_in_values()}
    assert {Decimal(value) for value in setup.posted} <= stored, "a check-in was lost"


def _ok(reply: Reply | str) -> bool:
    return isinstance(reply, Reply) and reply.status == 200
