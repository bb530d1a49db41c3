"""The refresh of a large organisation's stored dashboard, as a task (`snapshots.py` reads
the stored copy and queues the refresh)."""

import logging
import pickle
import time
from datetime import datetime

from django.tasks import task
from django.utils import timezone

from cible.insights.dashboard import build
from cible.insights.models import FORMAT, DashboardSnapshot
from cible.okrs.models import Cycle
from cible.orgs.models import Membership

logger = logging.getLogger(__name__)


@task()
def refresh_dashboard(org_id: int, cycle_id: int) -> str:
    """Compute and store the organisation dashboard of a large cycle."""
    snapshot = refresh(org_id, cycle_id)
    return "gone" if snapshot is None else f"{snapshot.seconds:.1f} s"


def refresh(org_id: int, cycle_id: int, now: datetime | None = None) -> DashboardSnapshot | None:
    """Compute and store the cycle's organisation dashboard (None when the cycle is gone)."""
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
    board = build(Membership(organization=org), cycle, now=now, public=True).compact()
    data = pickle.dumps(board, protocol=pickle.HIGHEST_PROTOCOL)
    seconds = time.perf_counter() - started
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
