"""Page weight: each main page's HTML with the CSS and JavaScript it loads, compressed with
gzip as a server sends them, against a budget of 150 KB a page.

    .venv/bin/python bench/weight.py                # SQLite, the 10,000-person organisation
    .venv/bin/python bench/weight.py --db postgres

`bench/run.py` measures the same rows in its report; this runs them alone. The pages are
requested in-process, signed in as a plain member, on the benchmark organisation (built
once, see bench/run.py). A page's stylesheets (`<link rel="stylesheet">`) and scripts
(`<script src>`) are read from the static files they name. The organisation dashboard of a
large organisation is the stored one: it is computed first, as the worker would.
"""

import argparse
import gzip
import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

BUDGET_KB = 150
ASSET = re.compile(
    r'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"|<script\b[^>]*\bsrc="([^"]+)"'
)


@dataclass
class Weight:
    name: str
    path: str
    status: int
    html_bytes: int
    html_gzip: int
    assets: list[str]
    assets_gzip: int
    total_gzip: int
    within_budget: bool


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def asset_bytes(url: str) -> bytes:
    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = url.split("?", 1)[0].removeprefix(settings.STATIC_URL)
    found = finders.find(path)
    if not found:
        raise SystemExit(f"A page loads {url}, which is no static file")
    with open(found if isinstance(found, str) else found[0], "rb") as f:
        return f.read()


def weigh(client: Any, name: str, path: str) -> Weight:
    response = client.get(path)
    html = response.content
    assets = []
    for stylesheet, script in ASSET.findall(html.decode("utf-8", "replace")):
        url = stylesheet or script
        if url not in assets:
            assets.append(url)
    html_gzip = gzipped(html)
    assets_gzip = sum(gzipped(asset_bytes(url)) for url in assets)
    total = html_gzip + assets_gzip
    return Weight(
        name,
        path,
        response.status_code,
        len(html),
        html_gzip,
        assets,
        assets_gzip,
        total,
        total <= BUDGET_KB * 1024,
    )


def pages(org: Any, reader: Any) -> list[tuple[str, str]]:
    """The main pages: bench/run.py's HTML pages, and the dashboard's sections."""
    import run  # imported here: bench/run.py imports this file too

    chosen = [(t.name, t.path) for t in run.targets(org, reader, None) if not t.headers]
    from cible.insights.views import SECTIONS
    from cible.samples.benchdata import subjects

    team = subjects(org, reader).team
    base = f"/o/{org.slug}"
    for section in list(SECTIONS)[1:]:
        chosen.append((f"dashboard: {section}", f"{base}/dashboard/{section}/"))
    chosen.append(("team dashboard", f"{base}/teams/{team.pk}/dashboard/"))
    for section in list(SECTIONS)[1:]:
        chosen.append(
            (f"team dashboard: {section}", f"{base}/teams/{team.pk}/dashboard/{section}/")
        )
    return chosen


def measure_all(client: Any, org: Any, reader: Any) -> list[Weight]:
    return [weigh(client, name, path) for name, path in pages(org, reader)]


def print_table(rows: list[Weight]) -> None:
    header = f"{'page (gzip)':<42} {'status':>6} {'HTML':>9} {'CSS+JS':>9} {'total':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        mark = "" if row.within_budget else f"  over {BUDGET_KB} KB"
        print(
            f"{row.name:<42} {row.status:>6} {row.html_gzip / 1024:>7.1f}KB"
            f" {row.assets_gzip / 1024:>7.1f}KB {row.total_gzip / 1024:>7.1f}KB{mark}"
        )
    heaviest = max(rows, key=lambda r: r.total_gzip)
    verdict = "every page within" if all(r.within_budget for r in rows) else "OVER"
    print(
        f"{verdict} {BUDGET_KB} KB; the heaviest: {heaviest.name},"
        f" {heaviest.total_gzip / 1024:.1f} KB"
    )


def report(rows: list[Weight]) -> dict[str, Any]:
    return {
        "budget_kb": BUDGET_KB,
        "all_within_budget": all(r.within_budget for r in rows),
        "pages": [asdict(r) for r in rows],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import run

    url = run.database_url(args)
    if args.db == "postgres" and not args.database_url:
        run.ensure_postgres_database(url)
    run.setup_django(url)
    from django.db import connection
    from django.test import Client

    from cible.samples.benchdata import sample_member

    org, _seconds = run.organisation(args.people, args.seed)
    from cible.insights import snapshots
    from cible.okrs.models import Cycle

    cycle = Cycle.objects.current_for(org)
    if (
        cycle is not None
        and snapshots.is_large(cycle)
        and snapshots.stored(org, cycle).board is None
    ):
        run.dashboard_snapshot(org, None)
    reader = sample_member(org)
    client = Client()
    client.force_login(reader.user)
    rows = measure_all(client, org, reader)
    print(f"\n{connection.vendor}, {args.people} people, signed in as {reader.user.email}")
    print_table(rows)
    out = {"date": date.today().isoformat(), "database": connection.vendor}
    out |= {"people": args.people, **report(rows)}
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.people == 10_000 else f"-{args.people}"
    path = run.RESULTS / f"{date.today().isoformat()}-{connection.vendor}-weight{suffix}.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(run.ROOT)}")


if __name__ == "__main__":
    main()
