"""Measure Cible on a large organisation: every main page, the API, check-in throughput.

    .venv/bin/python bench/run.py                 # SQLite, bench/data/bench-10000.sqlite3
    .venv/bin/python bench/run.py --db postgres   # PostgreSQL, database cible_benchmark

The organisation is built once (`cible benchdata`) and reused by later runs. Each page is
requested in-process through Django's test client, signed in as a plain member, a few
times to warm up and then `--repeat` times: the median and 95th percentile server time, the
number of SQL queries, and the ratio to a floor, the time one hand-written SQL query takes
to fetch the same rows through the database driver. The Python CPU of one API check-in
(`time.process_time`) is measured beside the CPU the driver alone spends sending the same
statements. Then a production server (gunicorn,
two workers) takes check-ins from `wrk` for `--duration` seconds. A table is printed and
the numbers are written to bench/results/<date>-<db>.json.
"""

import argparse
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote
from urllib.request import urlopen

import weight  # bench/weight.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "checkin.lua"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/cible_benchmark"
SLOW = 1.0  # seconds: a page slower than this is measured three times only
VERY_SLOW = 10.0  # seconds: and slower than this, once
CHECK_IN_PEOPLE = 40
BUDGET_MS = 100
BUDGET_RPS = 300
WORKERS = 2  # the app server's processes under load


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", help="Overrides the database chosen by --db.")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--duration", type=int, default=20, help="Seconds of load (wrk).")
    parser.add_argument("--no-http", action="store_true", help="Skip the throughput test.")
    parser.add_argument("--only", help="Measure only the pages whose name contains this.")
    parser.add_argument(
        "--no-move-data",
        action="store_true",
        help="Skip timing `cible move-data` into the other kind of database.",
    )
    return parser.parse_args()


def database_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return str(args.database_url)
    if args.db == "postgres":
        return POSTGRES_URL
    DATA.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA / f'bench-{args.people}.sqlite3'}"


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark database on first use."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["CIBLE_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cible.settings")
    os.environ.setdefault("CIBLE_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's host in, mail stays in memory


# Building ------------------------------------------------------------------------------


def organisation(people: int, seed: int) -> tuple[Any, float | None]:
    """The benchmark organisation, built on first use: (organisation, seconds to build)."""
    from django.core.management import call_command

    from cible.orgs.models import Organization
    from cible.samples.benchdata import generate

    call_command("migrate", verbosity=0)
    slug = f"bench-{people}"
    org = Organization.objects.filter(slug=slug).first()
    if org is not None:
        return org, None
    print(f"Building an organisation of {people} people (once)...", flush=True)
    started = time.perf_counter()
    result = generate(people, seed=seed, slug=slug)
    elapsed = time.perf_counter() - started
    print(f"  built in {elapsed:.1f} s: {result.counts}", flush=True)
    print(f"  sign in as {result.email} / {result.password}", flush=True)
    return result.organization, elapsed


# The pages -----------------------------------------------------------------------------


@dataclass
class Target:
    """One page or API call: how to request it and the hand-written query for its floor."""

    name: str
    path: str
    floor_sql: str
    floor_params: list[Any]
    method: str = "get"
    data: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None


@dataclass
class Row:
    name: str
    path: str
    status: int
    requests: int
    median_ms: float
    p95_ms: float
    queries: int
    floor_ms: float
    ratio: float | None
    within_budget: bool
    kib: float = 0.0  # the answer's size, plain and as gzip sends it (Accept-Encoding)
    gzip_kib: float = 0.0


OBJECTIVES_WITH_KRS = """
SELECT o.id, o.title, o.level, o.state, o.visibility, u.name, k.id, k.title, k.kind,
       k.start, k.target, k.target_max, k.current, k.confidence, k.weight, ku.name
FROM okrs_objective o
JOIN accounts_user u ON u.id = o.owner_id
LEFT JOIN okrs_keyresult k
  ON k.objective_id = o.id AND k.archived_at IS NULL AND k.cancelled_at IS NULL
LEFT JOIN accounts_user ku ON ku.id = k.owner_id
WHERE o.organization_id = %s AND o.cycle_id = %s AND o.archived_at IS NULL AND {where}
ORDER BY o.position, o.id, k.position, k.id
"""


def objectives_floor(where: str) -> str:
    return OBJECTIVES_WITH_KRS.replace("{where}", where)


def targets(org: Any, reader: Any, api: "ApiAccess | None") -> list[Target]:
    from cible.checkins.models import CheckIn
    from cible.kpis.models import KPIValue
    from cible.samples.benchdata import commented_objective, subjects

    chosen = subjects(org, reader)  # the same pages as the query-count test
    commented = commented_objective(org, reader)
    cycle, team, objective = chosen.cycle, chosen.team, chosen.objective
    kr, root, user = chosen.key_result, chosen.root, reader.user
    checkin_count = CheckIn.objects.filter(key_result=kr).count()
    kpi_values = KPIValue.objects.filter(kpi=chosen.kpi).count() if chosen.kpi else 0
    slug, o, c = org.slug, org.pk, cycle.pk
    base = f"/o/{slug}"
    pages = [
        Target("organisation home", f"{base}/", objectives_floor("o.level = 'company'"), [o, c]),
        Target(
            "team page with its KPIs",
            f"{base}/teams/{team.pk}/",
            objectives_floor("o.team_id = %s"),
            [o, c, team.pk],
        ),
        Target(
            "person page",
            f"{base}/people/{user.pk}/",
            objectives_floor("o.owner_id = %s"),
            [o, c, user.pk],
        ),
        Target(
            "objective page",
            f"{base}/objectives/{objective.pk}/",
            objectives_floor(
                "(o.id = %s OR o.id IN (SELECT from_objective_id FROM okrs_objective_parents"
                " WHERE to_objective_id = %s))"
            ),
            [o, c, objective.pk, objective.pk],
        ),
        Target(
            "objective page, 50 comments",
            f"{base}/objectives/{commented.pk}/",
            "SELECT c.id, c.body, c.created_at, u.name, u.email FROM collab_comment c"
            " LEFT JOIN accounts_user u ON u.id = c.author_id"
            " WHERE c.objective_id = %s AND c.key_result_id IS NULL"
            " ORDER BY c.created_at, c.id",
            [commented.pk],
        ),
        Target(
            "inbox",
            f"{base}/inbox/",
            "SELECT i.id, i.kind, i.created_at, i.read_at, o.title, c.body, u.name"
            " FROM collab_inboxitem i JOIN okrs_objective o ON o.id = i.objective_id"
            " LEFT JOIN collab_comment c ON c.id = i.comment_id"
            " LEFT JOIN accounts_user u ON u.id = i.actor_id"
            " WHERE i.recipient_id = %s AND i.organization_id = %s"
            " ORDER BY i.created_at DESC, i.id DESC LIMIT 50",
            [user.pk, o],
        ),
        Target(
            "objective page with forecasts (company objective)",
            f"{base}/objectives/{root.pk}/",
            # Its key results and their check-ins: what the forecast reads.
            "SELECT k.id, k.kind, k.start, k.target, k.current, k.weight, c.created_at, c.value"
            " FROM okrs_keyresult k LEFT JOIN checkins_checkin c ON c.key_result_id = k.id"
            " WHERE k.objective_id = %s AND k.archived_at IS NULL AND k.cancelled_at IS NULL"
            " ORDER BY k.id, c.created_at",
            [root.pk],
        ),
        Target(
            "dependency chain",
            f"{base}/objectives/{objective.pk}/dependencies/chain/",
            "SELECT d.id, d.from_objective_id, d.to_objective_id FROM okrs_dependency d"
            " JOIN okrs_objective o ON o.id = d.from_objective_id"
            " WHERE d.organization_id = %s AND o.cycle_id = %s AND d.state <> 'declined'",
            [o, c],
        ),
        *(
            [
                Target(
                    f"KPI page + chart ({kpi_values} weekly values)",
                    f"{base}/kpis/{chosen.kpi.pk}/",
                    "SELECT v.id, v.value, v.measured_at, v.status, v.origin, u.name"
                    " FROM kpis_kpivalue v LEFT JOIN accounts_user u ON u.id = v.author_id"
                    " WHERE v.kpi_id = %s ORDER BY v.measured_at DESC, v.id DESC LIMIT 750",
                    [chosen.kpi.pk],
                )
            ]
            if chosen.kpi
            else []
        ),
        Target(
            f"KR page + chart ({checkin_count} check-ins)",
            f"{base}/key-results/{kr.pk}/",
            "SELECT c.id, c.value, c.confidence, c.comment, c.created_at, u.name"
            " FROM checkins_checkin c LEFT JOIN accounts_user u ON u.id = c.author_id"
            " WHERE c.key_result_id = %s ORDER BY c.created_at DESC, c.id DESC LIMIT 200",
            [kr.pk],
        ),
        Target(
            "alignment tree, first render",
            f"{base}/tree/",
            objectives_floor("o.level = 'company'"),  # the unaligned ones come after
            [o, c],
        ),
        Target(
            "alignment tree, unaligned objectives (htmx)",
            f"{base}/tree/orphans/?cycle={c}&orphans=1",
            objectives_floor(
                "o.id IN (SELECT x.id FROM okrs_objective x"
                " WHERE x.cycle_id = %s AND x.level <> 'company' AND NOT x.aligned"
                " AND x.archived_at IS NULL ORDER BY x.level, x.position, x.id LIMIT 20)"
            ),
            [o, c, c],
            headers={"HX-Request": "true"},
        ),
        Target(
            "alignment tree, one expansion (htmx)",
            f"{base}/tree/{root.pk}/children/",
            objectives_floor(
                "o.id IN (SELECT from_objective_id FROM okrs_objective_parents"
                " WHERE to_objective_id = %s)"
            ),
            [o, c, root.pk],
            headers={"HX-Request": "true"},
        ),
        Target(
            "alignment map, first render",
            f"{base}/map/",
            objectives_floor("o.level = 'company'"),
            [o, c],
        ),
        Target(
            "alignment map, one card open",
            f"{base}/map/?cycle={c}&open={root.pk}",
            objectives_floor(
                "(o.level = 'company' OR o.id IN (SELECT from_objective_id"
                " FROM okrs_objective_parents WHERE to_objective_id = %s))"
            ),
            [o, c, root.pk],
        ),
        Target(
            "dashboard",
            f"{base}/dashboard/",
            # The dashboard's numbers come from the whole cycle: the floor reads what they
            # need, aggregated by the database.
            "SELECT o.level, o.origin, count(DISTINCT o.id), count(k.id), avg(k.current)"
            " FROM okrs_objective o LEFT JOIN okrs_keyresult k ON k.objective_id = o.id"
            " WHERE o.organization_id = %s AND o.cycle_id = %s AND o.archived_at IS NULL"
            " GROUP BY o.level, o.origin",
            [o, c],
        ),
        Target(
            "my check-in page",
            f"{base}/check-in/",
            "SELECT k.id, k.title, k.kind, k.start, k.target, k.current, k.confidence,"
            " (SELECT c.value FROM checkins_checkin c WHERE c.key_result_id = k.id"
            " ORDER BY c.created_at DESC LIMIT 1)"
            " FROM okrs_keyresult k JOIN okrs_objective o ON o.id = k.objective_id"
            " WHERE o.organization_id = %s AND o.cycle_id = %s AND k.owner_id = %s"
            " AND k.archived_at IS NULL AND k.cancelled_at IS NULL",
            [o, c, user.pk],
        ),
        Target(
            "search",
            f"{base}/search/?q=growth",
            "SELECT o.id, o.title FROM okrs_objective o WHERE o.organization_id = %s"
            " AND o.cycle_id = %s AND lower(o.title) LIKE %s ORDER BY o.title LIMIT 50",
            [o, c, "%growth%"],
        ),
        Target(
            "command palette",
            f"{base}/palette/?q=growth",
            "SELECT o.id, o.title FROM okrs_objective o WHERE o.organization_id = %s"
            " AND UPPER(o.title::text) LIKE UPPER(%s) ORDER BY o.title LIMIT 10",
            [o, "%growth%"],
        ),
    ]
    if api is not None:
        pages += api.targets(org, cycle, kr, objective)
        pages += api.bulk_targets(reader)
    return pages


# The API -------------------------------------------------------------------------------


@dataclass
class ApiAccess:
    token: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def targets(self, org: Any, cycle: Any, kr: Any, objective: Any) -> list[Target]:
        api = f"/api/v1/orgs/{org.slug}"
        return [
            Target(
                "API: list objectives",
                f"{api}/objectives?cycle={cycle.pk}",
                objectives_floor("1 = 1") + " LIMIT 200",
                [org.pk, cycle.pk],
                headers=self.headers(),
            ),
            Target(
                "API: get one objective",
                f"{api}/objectives/{objective.pk}",
                objectives_floor("o.id = %s"),
                [org.pk, cycle.pk, objective.pk],
                headers=self.headers(),
            ),
            Target(
                "API: target suggestion",
                f"{api}/target-suggestion?team={objective.team_id or ''}&kind=increase&start=0"
                f"&target=100&unit={kr.unit}&title={quote(kr.title)}",
                # The team's mean score in closed cycles: what the calibration reads.
                "SELECT avg(o.score), count(DISTINCT o.cycle_id) FROM okrs_objective o"
                " JOIN okrs_cycle c ON c.id = o.cycle_id WHERE o.organization_id = %s"
                " AND o.team_id = %s AND c.state = 'closed' AND o.score IS NOT NULL",
                [org.pk, objective.team_id],
                headers=self.headers(),
            ),
            Target(
                "API: post a check-in",
                f"{api}/key-results/{kr.pk}/check-ins",
                "INSERT INTO checkins_checkin (key_result_id, author_id, value, confidence,"
                " comment, blockers, created_at) VALUES (%s, NULL, 1, NULL, '', '',"
                " CURRENT_TIMESTAMP)",
                [kr.pk],
                method="post",
                data=json.dumps({"value": str(kr.current)}),
                content_type="application/json",
                headers=self.headers(),
            ),
        ]

    def bulk_targets(self, membership: Any) -> list[Target]:
        """The reader's weekly check-in in one request: every key result of theirs."""
        from django.urls import Resolver404, resolve

        from cible.checkins.services import key_results_to_check_in

        slug = membership.organization.slug
        try:
            resolve(f"/api/v1/orgs/{slug}/check-ins/bulk")
        except Resolver404:
            return []
        krs = list(key_results_to_check_in(membership)[:500])
        if not krs:
            return []
        lines = [{"key_result": kr.pk, "value": str(kr.current)} for kr in krs]
        row = "(%s, NULL, 1, NULL, '', '', CURRENT_TIMESTAMP)"
        return [
            Target(
                f"API: bulk check-in ({len(krs)} key results)",
                f"/api/v1/orgs/{slug}/check-ins/bulk",
                "INSERT INTO checkins_checkin (key_result_id, author_id, value, confidence,"
                " comment, blockers, created_at) VALUES " + ", ".join([row] * len(krs)),
                [kr.pk for kr in krs],
                method="post",
                data=json.dumps({"check_ins": lines}),
                content_type="application/json",
                headers=self.headers(),
            )
        ]


def api_access(user: Any, org: Any) -> ApiAccess | None:
    """A write token for `user` when the API answers at its paths, else None."""
    from django.urls import Resolver404, resolve

    try:
        resolve(f"/api/v1/orgs/{org.slug}/objectives")
        resolve(f"/api/v1/orgs/{org.slug}/key-results/1/check-ins")
    except Resolver404:
        return None
    from cible.api.models import Scope
    from cible.api.tokens import create_token

    token = create_token(user, name="benchmark", scope=Scope.WRITE)
    secret = token[1] if isinstance(token, tuple) else token
    return ApiAccess(str(secret))


# Measuring -----------------------------------------------------------------------------


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def raw_floor(sql: str, params: list[Any], repeat: int) -> float:
    """Median seconds for the driver alone to run `sql` and fetch every row."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        sql = sql.replace("%s", "?")
    writes = sql.lstrip().upper().startswith("INSERT")
    samples = []
    for index in range(repeat + 2):
        cursor = raw.cursor()
        if writes:
            cursor.execute("BEGIN")  # the driver is in autocommit mode: undo it by hand
        started = time.perf_counter()
        cursor.execute(sql, params)
        if not writes:
            cursor.fetchall()
        elapsed = time.perf_counter() - started
        if writes:
            cursor.execute("ROLLBACK")
        cursor.close()
        if index >= 2:
            samples.append(elapsed)
    return statistics.median(samples)


def measure(client: Any, target: Target, warmup: int, repeat: int) -> Row:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def call(gzip: bool = False) -> Any:
        request: Callable[..., Any] = getattr(client, target.method)
        extra = {"Accept-Encoding": "gzip"} if gzip else {}
        options: dict[str, Any] = {"headers": {**target.headers, **extra}}
        if target.data is not None:
            options["data"] = target.data
        if target.content_type:
            options["content_type"] = target.content_type
        return request(target.path, **options)

    connection.queries_log.clear()  # a full log (9,000 entries) would count nothing
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = call()
    first = time.perf_counter() - started
    queries = len(captured)  # now: the log is emptied by the next request
    samples = []
    if first > VERY_SLOW:
        samples = [first]  # one more would only confirm it, minutes later
    else:
        if first > SLOW:
            warmup, repeat = 0, min(repeat, 3)
        for _ in range(warmup):
            call()
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
    median = statistics.median(samples)
    floor = raw_floor(target.floor_sql, target.floor_params, min(repeat, 15))
    plain, packed = len(body(response)), len(body(call(gzip=True)))
    return Row(
        name=target.name,
        path=target.path,
        status=response.status_code,
        requests=len(samples),
        median_ms=round(median * 1000, 2),
        p95_ms=round(percentile(samples, 0.95) * 1000, 2),
        queries=queries,
        floor_ms=round(floor * 1000, 3),
        ratio=round(median / floor, 1) if floor > 0 else None,
        within_budget=median * 1000 <= BUDGET_MS and response.status_code < 400,
        kib=round(plain / 1024, 1),
        gzip_kib=round(packed / 1024, 1),
    )


def body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


# Check-in CPU -----------------------------------------------------------------------------

CPU_REPEAT = 200  # check-ins measured, under the API's rate limit (API_RATE) with the rest


def statements_floor(statements: list[str], repeat: int) -> dict[str, float]:
    """The driver alone sending the very statements of one check-in, in one transaction
    rolled back rather than committed (the benchmark's data stays as it is): the Python CPU
    and the time it takes, per check-in (medians)."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    cpu, wall = [], []
    for index in range(repeat + 5):
        cursor = raw.cursor()
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        cursor.execute("BEGIN")
        for sql in (s for s in statements if s not in ("BEGIN", "COMMIT")):
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
        cursor.execute("ROLLBACK")
        cpu_spent = time.process_time() - cpu_started
        wall_spent = time.perf_counter() - wall_started
        cursor.close()
        if index >= 5:
            cpu.append(cpu_spent)
            wall.append(wall_spent)
    return {"cpu_ms": statistics.median(cpu) * 1000, "ms": statistics.median(wall) * 1000}


def check_in_cpu(org: Any, reader: Any, api: ApiAccess, repeat: int = CPU_REPEAT) -> dict[str, Any]:
    """The Python CPU one API check-in costs in-process (the test client: every middleware,
    authentication, the rate limit, the service, the answer), beside its floor: the same
    SQL statements sent by the driver alone (`statements_floor`)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cible.samples.benchdata import subjects

    kr = subjects(org, reader).key_result
    client = Client()
    path = f"/api/v1/orgs/{org.slug}/key-results/{kr.pk}/check-ins"
    body = json.dumps({"value": str(kr.current)})

    def post() -> Any:
        return client.post(path, data=body, content_type="application/json", headers=api.headers())

    for _ in range(10):
        post()
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        response = post()
    statements = [query["sql"] for query in captured.captured_queries]
    cpu, wall = [], []
    for _ in range(repeat):
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        post()
        cpu.append(time.process_time() - cpu_started)
        wall.append(time.perf_counter() - wall_started)
    floor = statements_floor(statements, repeat)
    cpu_ms = statistics.median(cpu) * 1000
    return {
        "what": "API check-in in-process (test client), Python CPU per request (process_time)",
        "status": response.status_code,
        "requests": repeat,
        "queries": len(statements),
        "cpu_ms": round(cpu_ms, 3),
        "cpu_p95_ms": round(percentile(cpu, 0.95) * 1000, 3),
        "ms": round(statistics.median(wall) * 1000, 3),
        "floor_cpu_ms": round(floor["cpu_ms"], 3),
        "floor_ms": round(floor["ms"], 3),
        "cpu_ratio": round(cpu_ms / floor["cpu_ms"], 1) if floor["cpu_ms"] > 0 else None,
        "statements": statements,
    }


# Check-in throughput over HTTP ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, seconds: float = 60) -> None:
    """Until the server answers its health check: gunicorn's socket takes connections
    before a worker is ready to serve them."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The server did not answer on port {port}.")


def worker_peak_kib(master: int) -> int:
    """The largest peak resident memory (VmHWM) among the server's workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]))
    return max(peaks, default=0)


def check_in_targets(org: Any, api: ApiAccess | None) -> tuple[list[str], dict[str, str], str]:
    """Lines "path<TAB>authorization<TAB>body" for the load generator, the headers common to
    every request, and what is measured. Through the API, many people each post to their
    own key results with their own token, as scripts would: one token alone would meet its
    rate limit (API_RATE) long before the server's."""
    from django.conf import settings
    from django.test import Client

    from cible.api.models import Scope
    from cible.checkins.services import key_results_to_check_in
    from cible.orgs.models import Membership, Role

    people = list(
        Membership.objects.select_related("user", "organization")
        .filter(organization=org, role=Role.MEMBER)
        .order_by("user_id")[:CHECK_IN_PEOPLE]
    )
    lines = []
    if api is not None:
        from cible.api.tokens import create_token

        for member in people:
            _token, secret = create_token(member.user, name="benchmark", scope=Scope.WRITE)
            for kr in key_results_to_check_in(member)[:2]:
                path = f"/api/v1/orgs/{org.slug}/key-results/{kr.pk}/check-ins"
                lines.append(f'{path}\tBearer {secret}\t{{"value": "{kr.current}"}}')
        headers = {"Content-Type": "application/json"}
        return lines, headers, f"API check-in (POST JSON, Bearer tokens of {len(people)} people)"
    # No API yet: the check-in form of the key result's page, as htmx posts it.
    member = people[0]
    client = Client()
    client.force_login(member.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = secrets.token_hex(16)  # a 32-character secret: Django accepts it unmasked
    for kr in key_results_to_check_in(member)[:50]:
        path = f"/o/{org.slug}/key-results/{kr.pk}/check-in/"
        lines.append(f"{path}\t\tkr-{kr.pk}-value={kr.current}")
    headers = {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return lines, headers, "HTML check-in form (POST, session cookie + CSRF; no API yet)"


def throughput(
    url: str, org: Any, reader: Any, api: ApiAccess | None, duration: int
) -> dict[str, Any]:
    wrk = Path("/usr/bin/wrk")
    if not wrk.exists():
        return {"skipped": "wrk is not installed (/usr/bin/wrk)"}
    from django.db import connection

    lines, headers, what = check_in_targets(org, api)
    connection.close()  # no snapshot of ours may hold back SQLite's checkpoints
    port = free_port()
    # gunicorn as `cible serve --prod` configures it (threads, keep-alive, recycling),
    # with two workers.
    env = {
        **os.environ,
        "CIBLE_DATABASE_URL": url,
        "CIBLE_LOG_LEVEL": "WARNING",
        "CIBLE_WEB_WORKERS": str(WORKERS),
        "CIBLE_BIND": f"127.0.0.1:{port}",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config=python:cible.ops.gunicorn_conf",
            "cible.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(DATA / "server.log").open("w"),  # warnings of 4xx answers, errors
        start_new_session=True,
    )
    try:
        wait_for(port)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
            handle.write("\n".join(lines) + "\n")
        wrk_env = {
            **os.environ,
            "BENCH_TARGETS": handle.name,
            "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in headers.items()),
        }
        # Three warm-up seconds (each worker's first requests open its connection to the
        # database and prepare its statements), then the measured run.
        base = [str(wrk), "-t1", "-c8", "--timeout=10s", "-s", str(LUA), f"http://127.0.0.1:{port}"]
        subprocess.run(
            [*base[:1], "-d3s", *base[1:]], env=wrk_env, capture_output=True, check=False
        )
        run = subprocess.run(
            [*base[:1], f"-d{duration}s", *base[1:]],
            env=wrk_env,
            capture_output=True,
            text=True,
            check=False,
        )
        os.unlink(handle.name)
        summary = next(
            (json.loads(line[5:]) for line in run.stdout.splitlines() if line.startswith("JSON ")),
            None,
        )
        if summary is None:
            return {"what": what, "error": run.stdout + run.stderr}
        summary["what"] = what
        summary["worker_peak_mib"] = round(worker_peak_kib(server.pid) / 1024, 1)
        summary["within_budget"] = summary["rps"] >= BUDGET_RPS and summary["errors"] == 0
        return summary
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


# Reporting -----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(memory / 1024 / 1024, 1),
        "python": platform.python_version(),
    }


MOVE_TARGET = "cible_benchmark_move"


def move_data_timing() -> dict[str, Any]:
    """`cible move-data` of the whole benchmark instance into a new database of the other
    kind (a temporary SQLite file, or PostgreSQL's cible_benchmark_move, dropped after),
    every table checked."""
    import psycopg
    from django.db import connection

    from cible.ops.movedata import move

    admin = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
    with tempfile.TemporaryDirectory() as folder:
        if connection.vendor == "sqlite":
            try:
                server = psycopg.connect(admin, autocommit=True, connect_timeout=3)
            except psycopg.OperationalError as error:
                return {"skipped": f"PostgreSQL unreachable: {error}"}
            server.execute(f'DROP DATABASE IF EXISTS "{MOVE_TARGET}" WITH (FORCE)')
            server.execute(f'CREATE DATABASE "{MOVE_TARGET}"')
            target = POSTGRES_URL.rsplit("/", 1)[0] + f"/{MOVE_TARGET}"
        else:
            server = None
            target = f"sqlite:///{Path(folder) / 'moved.sqlite3'}"
        try:
            started = time.perf_counter()
            checks = move("default", target)
            seconds = time.perf_counter() - started
        finally:
            if server is not None:
                server.execute(f'DROP DATABASE IF EXISTS "{MOVE_TARGET}" WITH (FORCE)')
                server.close()
    return {
        "to": "sqlite" if server is None else "postgresql",
        "seconds": round(seconds, 1),
        "tables": len(checks),
        "rows": sum(c.rows for c in checks),
        "identical": True,  # move() raises when a table's rows or checksum differ
    }


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'page':<42} {'status':>6} {'median':>9} {'p95':>9} {'queries':>7}"
        f" {'floor':>9} {'ratio':>6} {'KiB':>6} {'gzip':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        mark = "" if row.within_budget else "  over budget"
        ratio = f"{row.ratio:.1f}x" if row.ratio is not None else "-"
        print(
            f"{row.name:<42} {row.status:>6} {row.median_ms:>7.1f}ms {row.p95_ms:>7.1f}ms"
            f" {row.queries:>7} {row.floor_ms:>7.2f}ms {ratio:>6}"
            f" {row.kib:>6.1f} {row.gzip_kib:>6.1f}{mark}"
        )


REFRESH_CHECK_INS = 1000  # check-ins between two refreshes of the stored dashboard


def refresh_in_child(url: str, org: Any, mode: str) -> dict[str, Any]:
    """One refresh of the stored dashboard in a process of its own (bench/refresh.py), with
    that process's own peak memory."""
    script = Path(__file__).resolve().parent / "refresh.py"
    child = subprocess.Popen(
        [sys.executable, str(script), url, org.slug, mode], stdout=subprocess.PIPE, text=True
    )
    output, _errors = child.communicate()
    if child.returncode:
        raise SystemExit(f"bench/refresh.py {mode} failed ({child.returncode})")
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def record_check_ins(org: Any, count: int, seed: int) -> None:
    """`count` check-ins through the check-in service, on KRs of the current cycle that the
    whole organisation sees, by their owners."""
    import random
    from decimal import Decimal

    from cible.checkins.services import record_check_in
    from cible.insights import facts
    from cible.okrs.models import Cycle, KeyResult

    cycle = Cycle.objects.current_for(org)
    ids = list(
        KeyResult.objects.live()
        .filter(objective__in=facts.counted(org, cycle), kind="increase")
        .values_list("pk", flat=True)
    )
    chosen = random.Random(seed).sample(ids, min(count, len(ids)))
    for kr in KeyResult.objects.filter(pk__in=chosen).select_related("objective__cycle", "owner"):
        step = (kr.target - kr.start) / 20 or Decimal(1)
        record_check_in(kr, kr.owner, min(kr.current + step, kr.target), 7)


def dashboard_snapshot(
    url: str, org: Any, only: str | None, built_seconds_ago: float | None
) -> dict[str, Any] | None:
    """The worker's refresh of the stored organisation dashboard (`cible.insights`), each in
    a process of its own: computed over the whole cycle as before, then from each
    objective's stored figures (all of them: the day's first refresh), then again after
    `REFRESH_CHECK_INS` check-ins (the figures of what changed). The page measured is then
    the stored one."""
    from cible.insights import facts, snapshots
    from cible.okrs.models import Cycle

    if only and only not in "dashboard":
        return None
    cycle = Cycle.objects.current_for(org)
    if cycle is None or not snapshots.is_large(cycle):
        return None
    margin = facts.LAG.total_seconds()
    if built_seconds_ago is not None and built_seconds_ago < margin:
        # Objectives saved within the margin are computed again on every refresh, as any
        # change of the last few minutes is: wait as long as a real organisation would.
        time.sleep(margin - built_seconds_ago)
    print("  the stored dashboard, computed over the whole cycle...", flush=True)
    full = refresh_in_child(url, org, "full")
    print(f"  {full}\n  from each objective's stored figures, all of them...", flush=True)
    first = refresh_in_child(url, org, "kept")
    print(f"  {first}\n  {REFRESH_CHECK_INS} check-ins, then a refresh...", flush=True)
    record_check_ins(org, REFRESH_CHECK_INS, seed=1)
    after = refresh_in_child(url, org, "kept")
    print(f"  {after}", flush=True)
    return {"full": full, "all_figures": first, "after_check_ins": after}


def main() -> None:
    args = parse_args()
    url = database_url(args)
    if args.db == "postgres" and not args.database_url:
        ensure_postgres_database(url)
    setup_django(url)
    from django.db import connection
    from django.test import Client

    from cible.samples.benchdata import analyze, sample_member

    org, build_seconds = organisation(args.people, args.seed)
    built = time.monotonic()
    analyze()  # what the worker (SQLite) or autovacuum (PostgreSQL) keeps up to date
    ago = None if build_seconds is None else time.monotonic() - built
    snapshot = dashboard_snapshot(url, org, args.only, ago)
    reader = sample_member(org)
    api = api_access(reader.user, org)
    client = Client()
    client.force_login(reader.user)
    rows = []
    for target in targets(org, reader, api):
        if args.only and args.only not in target.name:
            continue
        print(f"  measuring {target.name}...", flush=True)
        rows.append(measure(client, target, args.warmup, args.repeat))
    print()
    print(f"{connection.vendor}, {args.people} people, signed in as a member ({reader.user.email})")
    if api is None:
        print("API: not there yet (no /api/v1/orgs/<slug>/objectives): its rows are skipped.")
    print_table(rows)
    cpu: dict[str, Any] = {"skipped": "no API" if api is None else "--only"}
    if api is not None and (not args.only or args.only in "check-in CPU"):
        cpu = check_in_cpu(org, reader, api)
        print(
            f"\nCheck-in CPU: {cpu['cpu_ms']:.2f} ms of Python a request (p95"
            f" {cpu['cpu_p95_ms']:.2f} ms, {cpu['ms']:.2f} ms in all, {cpu['queries']} queries);"
            f" the same SQL by the driver alone: {cpu['floor_cpu_ms']:.3f} ms of CPU,"
            f" {cpu['floor_ms']:.3f} ms in all ({cpu['cpu_ratio']}x)"
        )
    print("\nPage weight: HTML + CSS + JS, gzip-compressed (bench/weight.py)")
    weights = weight.measure_all(client, org, reader)
    weight.print_table(weights)
    load: dict[str, Any] = {"skipped": "--no-http"}
    if not args.no_http:
        print(
            f"\nCheck-in throughput: gunicorn, {WORKERS} workers, wrk for {args.duration} s...",
            flush=True,
        )
        load = throughput(url, org, reader, api, args.duration)
        print(json.dumps(load, indent=2))
    moved: dict[str, Any] = {"skipped": "--no-move-data"}
    if not args.no_move_data:
        print("\nMoving the whole instance to the other kind of database...", flush=True)
        moved = move_data_timing()
        print(json.dumps(moved, indent=2))
    report = {
        "date": date.today().isoformat(),
        "database": connection.vendor,
        "people": args.people,
        "build_seconds": build_seconds,
        "dashboard_snapshot": snapshot,
        "reader": reader.user.email,
        "machine": machine(),
        "budget_ms": BUDGET_MS,
        "pages": [asdict(row) for row in rows],
        "page_weight": weight.report(weights),
        "api": "measured" if api is not None else "skipped: the API is not there yet",
        "check_in_cpu": cpu,
        "check_in_throughput": load,
        "move_data": moved,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.people == 10_000 else f"-{args.people}"
    if args.only or args.no_http or args.no_move_data:
        suffix += "-partial"  # never in place of a complete run's results
    path = RESULTS / f"{date.today().isoformat()}-{connection.vendor}{suffix}.json"
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
