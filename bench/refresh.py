"""One refresh of the stored organisation dashboard, in a process of its own, so that its
peak memory is its own:

    .venv/bin/python bench/refresh.py DATABASE_URL ORGANISATION_SLUG full|kept

`full` computes the dashboard over the whole cycle, as the worker did before; `kept`
updates the stored figures of what changed and adds them up (`cible.insights.facts`).
Prints the seconds, what was computed and the peak memory, as JSON.
"""

import json
import sys
import time
from pathlib import Path

from run import setup_django  # bench/run.py, beside this file


def peak_mib() -> int:
    """This process's peak resident memory since it started (VmHWM: unlike the peak that
    getrusage tells, not inherited from the process that started it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    url, slug, mode = sys.argv[1:4]
    setup_django(url)
    from django.utils import timezone

    from cible.insights import facts, tasks
    from cible.okrs.models import Cycle
    from cible.orgs.models import Organization

    org = Organization.objects.get(slug=slug)
    cycle = Cycle.objects.current_for(org)
    assert cycle is not None
    now = timezone.now()
    started = time.perf_counter()
    if mode == "full":
        snapshot = tasks.refresh(org.pk, cycle.pk, now, full=True)
        assert snapshot is not None
        result: dict[str, object] = {"seconds": round(time.perf_counter() - started, 2)}
    else:
        everything, count = facts.update(org, cycle, now)
        updated = time.perf_counter()
        board = facts.assemble(org, cycle, now)
        snapshot = tasks.store(org, cycle, board, time.perf_counter() - started, now)
        result = {
            "seconds": round(time.perf_counter() - started, 2),
            "update_seconds": round(updated - started, 2),
            "everything": everything,
            "objectives_computed": count,
        }
    result["bytes"] = len(snapshot.data)
    result["peak_mib"] = peak_mib()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
