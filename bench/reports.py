"""Measure the reports of a large organisation, as they answer now beside the computation
over everything that they replaced, in the same run:

    .venv/bin/python bench/reports.py                  # SQLite, 10,000 people
    .venv/bin/python bench/reports.py --db postgres --people 100000

- the cycle report of the whole organisation (the running quarter): its figures added up
  from each objective's stored figures, its objectives a page at a time, beside the report
  computed over every objective (in a process of its own, with its peak memory);
- the calibration: each closed cycle's stored tallies, beside the calibration computed
  from every final score;
- the exports: the time to the first bytes of a streamed CSV and to its last.

It needs the benchmark organisation (`bench/run.py` builds it). The first run gives the
organisation a scored past: the last closed quarter gets a copy of the running quarter's
objectives and key results, each with a final score. The stored dashboard's figures are
brought up to date first, as the worker keeps them (`bench/refresh.py`, in a process of its
own). Results: a table and bench/results/<date>-<database>-<people>-reports.json.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from run import DATA, POSTGRES_URL, RESULTS, ensure_postgres_database, setup_django

BATCH = 2000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--no-full", action="store_true", help="Skip the computations over everything."
    )
    parser.add_argument("--no-exports", action="store_true", help="Skip the exports.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args()


def database_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return str(args.database_url)
    if args.db == "postgres":
        return POSTGRES_URL
    return f"sqlite:///{DATA / f'bench-{args.people}.sqlite3'}"


def peak_mib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


# A scored past ------------------------------------------------------------------------


def _score(pk: int) -> Decimal:
    """A final score spread over 0-1, the same for the same row in every run."""
    return Decimal((pk * 7919) % 101) / 100


def scored_history(org: Any) -> Any:
    """The last closed quarter, given a copy of the running quarter's objectives and key
    results with final scores unless it has scored objectives already."""
    from django.db import transaction

    from cible.okrs.models import Cycle, CycleState, KeyResult, Objective, ObjectiveState

    current = Cycle.objects.current_for(org)
    closed = (
        Cycle.objects.filter(organization=org, state=CycleState.CLOSED, kind="quarter")
        .order_by("-end")
        .first()
    )
    if closed is None or current is None:
        raise SystemExit("The benchmark organisation has no closed quarter.")
    if Objective.objects.filter(cycle=closed, score__isnull=False).exists():
        return closed
    print(f"  giving {closed.name} the running quarter's objectives, scored (once)...", flush=True)
    started = time.perf_counter()
    names = ["title", "level", "team_id", "owner_id", "visibility", "origin", "position"]
    copies: dict[int, int] = {}
    with transaction.atomic():
        rows = Objective.objects.filter(cycle=current).order_by("pk").values("pk", *names)
        batch: list[tuple[int, Objective]] = []

        def flush_objectives() -> None:
            made = Objective.objects.bulk_create([o for _pk, o in batch])
            copies.update({pk: o.pk for (pk, _o), o in zip(batch, made, strict=True)})
            batch.clear()

        for row in rows.iterator(chunk_size=BATCH):
            pk = row.pop("pk")
            batch.append(
                (
                    pk,
                    Objective(
                        organization=org,
                        cycle=closed,
                        state=ObjectiveState.CLOSED,
                        score=_score(pk),
                        **row,
                    ),
                )
            )
            if len(batch) == BATCH:
                flush_objectives()
        if batch:
            flush_objectives()
        kr_names = ["title", "kind", "start", "target", "target_max", "current", "unit"]
        kr_names += ["weight", "owner_id", "position"]
        krs = (
            KeyResult.objects.live()
            .filter(objective__cycle=current)
            .order_by("pk")
            .values("pk", "objective_id", *kr_names)
        )
        kr_batch: list[KeyResult] = []
        for row in krs.iterator(chunk_size=BATCH):
            pk, objective_id = row.pop("pk"), row.pop("objective_id")
            kr_batch.append(KeyResult(objective_id=copies[objective_id], score=_score(pk), **row))
            if len(kr_batch) == BATCH * 2:
                KeyResult.objects.bulk_create(kr_batch)
                kr_batch.clear()
        KeyResult.objects.bulk_create(kr_batch)
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    return closed


# Measuring ----------------------------------------------------------------------------


def timed(call: Any, repeat: int) -> dict[str, Any]:
    """The first call, then the median of `repeat` more (fewer for a slow call)."""
    started = time.perf_counter()
    result = call()
    first = time.perf_counter() - started
    samples = []
    for _ in range(repeat if first < 1 else min(repeat, 3) if first < 10 else 0):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return {
        "first_ms": round(first * 1000, 1),
        "median_ms": round(statistics.median(samples or [first]) * 1000, 1),
        "requests": len(samples) or 1,
        "status": getattr(result, "status_code", None),
    }


def streamed(client: Any, path: str) -> dict[str, Any]:
    """A streamed file: the time to its first bytes and to its last, and its size."""
    started = time.perf_counter()
    response = client.get(path)
    chunks = iter(response.streaming_content)
    size = len(next(chunks, b""))
    first = time.perf_counter() - started
    for chunk in chunks:
        size += len(chunk)
    return {
        "status": response.status_code,
        "first_bytes_ms": round(first * 1000, 1),
        "whole_s": round(time.perf_counter() - started, 2),
        "mib": round(size / 2**20, 1),
    }


def in_child(url: str, slug: str, what: str) -> dict[str, Any]:
    """A computation over everything, in a process of its own (its own peak memory)."""
    child = subprocess.run(
        [sys.executable, __file__, "--database-url", url, "--child", f"{slug}:{what}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode:
        raise SystemExit(f"bench/reports.py {what} failed:\n{child.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def child(what: str) -> None:
    """Run in the child: the report or the calibration computed over everything."""
    from django.conf import settings

    from cible.insights.calibration import computed_calibration
    from cible.insights.cycle_report import build_report
    from cible.okrs.models import Cycle
    from cible.orgs.models import Membership, Role

    slug, name = what.split(":")
    owner = (
        Membership.objects.select_related("organization", "user")
        .filter(organization__slug=slug, role=Role.OWNER)
        .order_by("pk")
        .first()
    )
    assert owner is not None
    started = time.perf_counter()
    if name == "report":
        settings.DASHBOARD_LIVE_LIMIT = 10**9  # the report as computed before: everything
        cycle = Cycle.objects.current_for(owner.organization)
        assert cycle is not None
        report = build_report(owner, cycle)
        figures = {"objectives": report.objective_count, "mean": str(report.mean_score)}
    else:
        calibration = computed_calibration(owner)
        figures = {"teams": len(calibration.teams), "cycles": len(calibration.cycles)}
    seconds = round(time.perf_counter() - started, 2)
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib(), **figures}))


def main() -> None:
    args = parse_args()
    url = database_url(args)
    if args.db == "postgres" and not args.database_url:
        ensure_postgres_database(url)
    setup_django(url)
    if args.child:
        child(args.child)
        return
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from cible.insights.calibration import calibration_for, computed_calibration
    from cible.insights.models import CalibrationFact
    from cible.okrs.models import Cycle
    from cible.orgs.models import Membership, Organization, Role
    from cible.samples.benchdata import analyze

    call_command("migrate", verbosity=0)
    org = Organization.objects.filter(slug=f"bench-{args.people}").first()
    if org is None:
        raise SystemExit("No benchmark organisation: run bench/run.py first.")
    closed = scored_history(org)
    analyze()
    owner = (
        Membership.objects.select_related("organization", "user")
        .filter(organization=org, role=Role.OWNER)
        .order_by("pk")
        .first()
    )
    assert owner is not None
    cycle = Cycle.objects.current_for(org)
    assert cycle is not None
    print("  the stored dashboard's figures brought up to date (bench/refresh.py)...", flush=True)
    refresh = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "refresh.py"), url, org.slug, "kept"],
        capture_output=True,
        text=True,
        check=True,
    )
    kept = json.loads(refresh.stdout.strip().splitlines()[-1])
    print(f"  {kept}", flush=True)
    client = Client()
    client.force_login(owner.user)
    base = f"/o/{org.slug}/cycles/{cycle.pk}"
    results: dict[str, Any] = {"refresh": kept}
    pages = {
        "cycle report, whole organisation (page 1)": f"{base}/report/",
        "cycle report, whole organisation (page 100)": f"{base}/report/?page=100",
        "cycle report PDF, whole organisation": f"{base}/report.pdf",
        "cycle report Markdown, whole organisation": f"{base}/report.md",
    }
    team_id = (
        org.teams.filter(parent__parent__isnull=False).order_by("pk").values_list("pk", flat=True)
    ).first()
    pages["cycle report, one team"] = f"{base}/report/?team={team_id}"
    for name, path in pages.items():
        print(f"  {name}...", flush=True)
        results[name] = timed(lambda path=path: client.get(path), args.repeat)
    CalibrationFact.objects.filter(cycle=closed).delete()
    print("  calibration...", flush=True)
    results["calibration, first visit after a cycle closed"] = timed(
        lambda: client.get(f"/o/{org.slug}/calibration/"), 0
    )
    results["calibration (stored tallies)"] = timed(
        lambda: client.get(f"/o/{org.slug}/calibration/"), args.repeat
    )
    results["calibration figures (stored tallies, no page)"] = timed(
        lambda: calibration_for(owner), args.repeat
    )
    if not args.no_full:
        print("  calibration computed from every final score...", flush=True)
        results["calibration figures computed from every final score"] = timed(
            lambda: computed_calibration(owner), 2
        )
        results["calibration computed, own process"] = in_child(url, org.slug, "calibration")
    for what in () if args.no_exports else ("okrs", "check-ins"):
        print(f"  {what}.csv...", flush=True)
        results[f"export {what}.csv"] = streamed(client, f"{base}/export/{what}.csv")
    if not args.no_full:
        print("  the report computed over every objective (before)...", flush=True)
        results["cycle report computed over every objective"] = in_child(url, org.slug, "report")
    for name, row in results.items():
        print(f"{name}: {row}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    partial = "-partial" if args.no_full or args.no_exports else ""
    name = f"{date.today().isoformat()}-{connection.vendor}-{args.people}-reports{partial}.json"
    path = RESULTS / name
    path.write_text(json.dumps({"people": args.people, "results": results}, indent=2) + "\n")
    print(f"Written to {path}")


if __name__ == "__main__":
    main()
