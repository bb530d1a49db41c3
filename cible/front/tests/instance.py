"""A real Cible installation for the backup and fault tests: its own data folder, its own
database (an SQLite file, or a throwaway PostgreSQL database when the suite runs on
PostgreSQL), driven through the `cible` command in subprocesses, and a real server
(`cible serve`) reached over HTTP on the loopback with the standard library only.

pytest-django's test database cannot serve here: on SQLite it lives in memory, and these
tests need separate processes (a server to kill, a backup taken from outside) sharing it.
"""

import contextlib
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import dj_database_url

from cible.lib.backup import pg_environment
from cible.samples.demo import DEMO_EMAIL, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[3]
COMMAND_TIMEOUT = 120
HTTP_TIMEOUT = 15
SERVER_START_TIMEOUT = 30

PRELUDE = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cible.settings")
django.setup()
result = None
"""
DUMP = """
import io
from django.core.management import call_command
out = io.StringIO()
call_command("dumpdata", stdout=out)
result = json.loads(out.getvalue())
"""
EPILOGUE = "\nprint('RESULT:' + json.dumps(result, default=str))\n"


def postgres_url() -> str | None:
    """The suite's PostgreSQL server, when it runs on PostgreSQL."""
    url = os.environ.get("CIBLE_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def backend() -> str:
    return "postgresql" if postgres_url() else "sqlite"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# PostgreSQL throwaway databases ----------------------------------------------------------


def _pg_admin_env() -> dict[str, str]:
    url = postgres_url()
    assert url is not None
    settings = dict(dj_database_url.parse(url))
    settings.pop("NAME", None)
    env = pg_environment(settings)
    env.pop("PGDATABASE", None)
    return env


def pg_url_for(name: str) -> str:
    url = postgres_url()
    assert url is not None
    return urlsplit(url)._replace(path="/" + name).geturl()


def create_pg_database(name: str, template: str | None = None) -> None:
    command = ["createdb", *(["--template", template] if template else []), name]
    subprocess.run(
        command, env=_pg_admin_env(), check=True, capture_output=True, timeout=COMMAND_TIMEOUT
    )


def drop_pg_database(name: str) -> None:
    subprocess.run(
        ["dropdb", "--if-exists", "--force", name],
        env=_pg_admin_env(),
        check=False,
        capture_output=True,
        timeout=COMMAND_TIMEOUT,
    )


def throwaway_name(purpose: str) -> str:
    return f"cible_{purpose}_test_{secrets.token_hex(4)}"


# An installation ---------------------------------------------------------------------------


@dataclass
class Instance:
    data_dir: Path
    pg_name: str | None = None  # the throwaway PostgreSQL database, if any
    kr: dict[str, Any] = field(default_factory=dict)  # a KR to check in (PICK_KR)
    env: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CIBLE_")}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "cible.settings",
                "CIBLE_DATA_DIR": str(self.data_dir),
                "CIBLE_LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.pg_name:
            env["CIBLE_DATABASE_URL"] = pg_url_for(self.pg_name)
        self.env = env

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "cible.sqlite3"

    def cible(
        self, *args: str, check: bool = True, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        """Run `cible ARGS` with standard input that is no terminal."""
        result = subprocess.run(
            [sys.executable, "-m", "cible", *args],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"cible {' '.join(args)} exited with {result.returncode}:\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    def query(self, code: str) -> Any:
        """Run Python with Django set up against this installation; `result` comes back."""
        completed = subprocess.run(
            [sys.executable, "-c", PRELUDE + code + EPILOGUE],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        if completed.returncode != 0:
            raise AssertionError(f"query failed:\n{completed.stdout}\n{completed.stderr}")
        line = next(
            line for line in completed.stdout.splitlines()[::-1] if line.startswith("RESULT:")
        )
        return json.loads(line.removeprefix("RESULT:"))

    def dump(self, code: str = "") -> list[dict[str, Any]]:
        """Every row of every model (`cible dumpdata`), in a stable order, after running
        `code` (in the same process: each process costs a Django start)."""
        rows = self.query(code + DUMP)
        return sorted(rows, key=lambda row: (row["model"], json.dumps(row["pk"])))

    def copy_to(self, data_dir: Path, pg_name: str | None = None) -> "Instance":
        """A copy of this installation (its database, not its backups)."""
        data_dir.mkdir(parents=True, exist_ok=True)
        for name in ("secret_key",):
            (data_dir / name).write_bytes((self.data_dir / name).read_bytes())
        if self.pg_name:
            assert pg_name is not None
            create_pg_database(pg_name, template=self.pg_name)
        else:
            source = sqlite3.connect(self.sqlite_path)
            target = sqlite3.connect(data_dir / "cible.sqlite3")
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        return Instance(data_dir, pg_name, self.kr)

    def destroy(self) -> None:
        if self.pg_name:
            drop_pg_database(self.pg_name)

    @contextlib.contextmanager
    def server(self) -> Iterator["Server"]:
        """`cible serve` on a free loopback port; always killed at the end."""
        server = Server(self)
        try:
            server.start()
            yield server
        finally:
            server.kill()


def new_instance(data_dir: Path) -> Instance:
    """A migrated installation with the demo organisation."""
    pg_name = throwaway_name("template") if postgres_url() else None
    if pg_name:
        create_pg_database(pg_name)
    instance = Instance(data_dir, pg_name)
    try:
        instance.cible("migrate", "--noinput", "-v", "0")
        instance.cible("demo")
        instance.kr = instance.query(PICK_KR)
    except BaseException:
        instance.destroy()
        raise
    return instance


# The server ----------------------------------------------------------------------------------


class Server:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = instance.data_dir / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cible", "serve", f"127.0.0.1:{self.port}"],
                cwd=ROOT,
                env=self.instance.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, to kill it whole
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"The server exited at start:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"The server did not start in {SERVER_START_TIMEOUT} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL to the server's whole process group: no chance to clean up."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


# An HTTP client --------------------------------------------------------------------------------


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect comes back as a response, to be checked


@dataclass
class Response:
    status: int
    location: str
    body: str


class Browser:
    """A signed-in visitor with a cookie jar, that sends its CSRF token as a form does."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, path: str, fields: dict[str, str] | None = None) -> Response:
        headers = {"Accept-Language": "en"}
        data = None
        if fields is not None:
            token = self.csrf_token()
            fields = {**fields, "csrfmiddlewaretoken": token}
            data = urlencode(fields).encode()
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.base,
                    "Referer": self.base + path,
                    "X-CSRFToken": token,
                }
            )
        request = Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=HTTP_TIMEOUT) as response:
                body = response.read().decode(errors="replace")
                return Response(response.status, response.headers.get("Location", ""), body)
        except HTTPError as error:
            body = error.read().decode(errors="replace")
            return Response(error.code, error.headers.get("Location", ""), body)

    def csrf_token(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken" and cookie.value:
                return cookie.value
        raise AssertionError("No csrftoken cookie: GET a page with a form first.")

    def sign_in(self, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> None:
        page = self.request("/accounts/login/")
        assert page.status == 200, page
        response = self.request("/accounts/login/", {"login": email, "password": password})
        assert response.status == 302, (response.status, response.body[:2000])
        assert "/accounts/login" not in response.location, response.location


# Check-ins over HTTP, from threads ---------------------------------------------------------

PICK_KR = """
from cible.okrs.models import CycleState, KeyResult, KRKind
kr = (
    KeyResult.objects.filter(
        archived_at__isnull=True, cancelled_at__isnull=True, driven_by__isnull=True,
        objective__archived_at__isnull=True, objective__cycle__state=CycleState.ACTIVE,
        kind=KRKind.INCREASE,
    )
    .select_related("objective__organization")
    .order_by("pk")
    .first()
)
result = {"pk": kr.pk, "url": kr.get_absolute_url(), "title": kr.title,
          "check_ins": kr.check_ins.count()}
"""

# The values of one KR's check-ins, and every KR whose current value and confidence are
# not its newest check-in's.
STATE = """
from cible.checkins.models import CheckIn
from cible.okrs.models import KeyResult
values = CheckIn.objects.filter(key_result_id={pk}).values_list("value", flat=True)
drift = {}
for kr in KeyResult.objects.all():
    newest = CheckIn.objects.filter(key_result=kr).order_by("-created_at", "-id").first()
    if newest and (kr.current, kr.confidence) != (newest.value, newest.confidence):
        drift[kr.pk] = [str(kr.current), kr.confidence, str(newest.value), newest.confidence]
result = {"values": [str(value) for value in values], "drift": drift}
"""


@dataclass
class State:
    values: list[Decimal]  # of the KR's check-ins
    drift: dict[str, Any]  # KRs whose current value is not the newest check-in's


def state(instance: Instance, pk: int) -> State:
    found = instance.query(STATE.replace("{pk}", str(pk)))
    return State([Decimal(v) for v in found["values"]], found["drift"])


def check_in_fields(pk: int, value: str, confidence: int) -> dict[str, str]:
    return {
        f"kr-{pk}-value": value,
        f"kr-{pk}-confidence": str(confidence),
        f"kr-{pk}-comment": f"Reading {value}",
        # The values are far from the KR's range on purpose (unlike any demo value): they
        # are meant, past the page's "check the value" question.
        f"kr-{pk}-confirm": "on",
    }


@dataclass
class Post:
    value: str
    response: Response | None = None
    error: str = ""


@dataclass
class Poster:
    """One person's browser posting check-ins, each with a value of its own."""

    base: str
    kr: dict[str, Any]
    number: int
    count: int
    stop: threading.Event = field(default_factory=threading.Event)
    start: threading.Barrier | None = None
    posts: list[Post] = field(default_factory=list)
    failure: str = ""

    def __post_init__(self) -> None:
        # One after the other: allauth counts concurrent sign-ins to one account as
        # failed attempts until they succeed ("login_failed", 5 per 5 minutes).
        self.browser = Browser(self.base)
        self.browser.sign_in()

    def run(self) -> None:
        browser = self.browser
        try:
            if self.start is not None:
                self.start.wait(timeout=30)
            path = self.kr["url"].removesuffix("/") + "/check-in/"
            for i in range(self.count):
                if self.stop.is_set():
                    break
                value = f"{(self.number + 1) * 100_000 + i}.0625"  # unlike any demo value
                post = Post(value)
                self.posts.append(post)
                try:
                    post.response = browser.request(
                        path, check_in_fields(self.kr["pk"], value, (self.number + i) % 11)
                    )
                except OSError as error:  # the server is gone (the kill test)
                    post.error = repr(error)
                    break
        except Exception as error:
            self.failure = repr(error)

    def acknowledged(self) -> list[str]:
        return [p.value for p in self.posts if p.response and self.is_success(p.response)]

    def is_success(self, response: Response) -> bool:
        return response.status == 302 and response.location.endswith(self.kr["url"])


def run_posters(posters: list[Poster]) -> list[threading.Thread]:
    threads = [threading.Thread(target=poster.run, daemon=True) for poster in posters]
    for thread in threads:
        thread.start()
    return threads


def join(threads: list[threading.Thread], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.1, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "posting threads still running"
