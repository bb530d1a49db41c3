"""The refresh of a large organisation's stored dashboard, as a task (`snapshots.py` reads
the stored copy and queues the refresh)."""

import logging
import pickle
import time
from datetime import datetime

from django.tasks import task
from django.utils import timezone

from cible.insights import calibration, facts
from cible.insights.dashboard import Dashboard, build
from cible.insights.models import FORMAT, DashboardSnapshot
from cible.okrs.models import Cycle
from cible.orgs.models import Membership, Organization

logger = logging.getLogger(__name__)


@task()
def refresh_dashboard(org_id: int, cycle_id: int) -> str:
    """Compute and store the organisation dashboard of a large cycle."""
    snapshot = refresh(org_id, cycle_id)
    return "gone" if snapshot is None else f"{snapshot.seconds:.1f} s"


def refresh(
    org_id: int, cycle_id: int, now: datetime | None = None, full: bool = False
) -> DashboardSnapshot | None:
    """Compute and store the cycle's organisation dashboard (None when the cycle is gone):
    from the stored figures of each objective, updated from what changed
    (`cible.insights.facts`), or, `full`, from the whole cycle read again."""
    cycle = (
        Cycle.objects.filter(pk=cycle_id, organization_id=org_id)
        .select_related("organization")
        .first()
    )
    if cycle is None:
        return None
    org = cycle.organization
    now = now or timezone.now()
    started = time.perf_counter()
    if full:
        board = build(Membership(organization=org), cycle, now=now, public=True).compact()
    else:
        board = facts.refresh(org, cycle, now)
    return store(org, cycle, board, time.perf_counter() - started, now)


def store(
    org: Organization, cycle: Cycle, board: Dashboard, seconds: float, now: datetime
) -> DashboardSnapshot:
    """Keep the computed dashboard for the page."""
    data = pickle.dumps(board, protocol=pickle.HIGHEST_PROTOCOL)
    snapshot, _created = DashboardSnapshot.objects.update_or_create(
        organization=org,
        cycle=cycle,
        defaults={
            "data": data,
            "version": FORMAT,
            "computed_at": now,
            "seconds": seconds,
            "requested_at": None,
        },
    )
    logger.info(
        "Dashboard of %s, %s computed in %.1f s (%d bytes)", org.slug, cycle, seconds, len(data)
    )
    return snapshot


@task()
def tally_closed_cycle(cycle_id: int) -> str:
    """Add a just-closed cycle's final scores up for the calibration page, so that its first
    reader does not wait for it (`calibration.compute_fact`)."""
    cycle = Cycle.objects.filter(pk=cycle_id).select_related("organization").first()
    if cycle is None or not cycle.is_closed:
        return "gone"
    calibration.compute_fact(cycle.organization, cycle)
    return "tallied"
