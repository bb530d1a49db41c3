"""The organisation's dashboard of a large organisation: computed by the worker, stored.

While a cycle has at most `settings.DASHBOARD_LIVE_LIMIT` objectives, its organisation
dashboard is computed at each visit, from what the reader may see. Above, computing it
takes seconds, then minutes (about half a minute at 10,000 people), far beyond what a page
may take: the worker computes it once for everyone, from the objectives the whole
organisation may see (private ones count on their team's dashboard), and stores a compact
copy that the page renders. It computes it from each objective's stored figures, updated
for the objectives that changed since its last refresh (`cible.insights.facts`), where
computing the whole cycle again took minutes at 100,000 people. Active cycles are
recomputed once their copy is older than `settings.DASHBOARD_REFRESH` seconds; another
cycle when someone opens its dashboard and its copy is missing or old. The page says
when its figures were computed.
"""

import logging
import pickle
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cible.insights.dashboard import Dashboard
from cible.insights.models import FORMAT, DashboardSnapshot
from cible.insights.tasks import refresh_dashboard
from cible.okrs.models import Cycle, CycleState, Objective, ObjectiveQuerySet, ObjectiveState
from cible.orgs.models import Organization

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stored:
    board: Dashboard | None  # None: not computed yet
    computed_at: datetime | None
    refresh_seconds: int

    @property
    def refresh_minutes(self) -> int:
        return max(1, round(self.refresh_seconds / 60))


def counted(qs: ObjectiveQuerySet) -> ObjectiveQuerySet:
    """The objectives a dashboard counts: not archived, not cancelled."""
    return qs.active().exclude(state=ObjectiveState.CANCELLED)


def is_large(cycle: Cycle) -> bool:
    """Whether the cycle's organisation dashboard is the stored one: one query."""
    limit = settings.DASHBOARD_LIVE_LIMIT
    return counted(Objective.objects.filter(cycle=cycle))[limit : limit + 1].exists()


def _max_age() -> timedelta:
    return timedelta(seconds=settings.DASHBOARD_REFRESH)


def load(snapshot: DashboardSnapshot | None) -> Dashboard | None:
    """The stored dashboard, or None when there is none or it cannot be read back (older
    format, damaged row): it is then computed again."""
    if snapshot is None or snapshot.version != FORMAT or not snapshot.data:
        return None
    try:
        # Safe to unpickle: the row is written by `tasks.refresh` only, never from input.
        board = pickle.loads(bytes(snapshot.data))
    except Exception:
        logger.warning("Dashboard snapshot %s could not be read; computing it again", snapshot.pk)
        return None
    return board if isinstance(board, Dashboard) else None


def stored(org: Organization, cycle: Cycle, now: datetime | None = None) -> Stored:
    """The stored dashboard of the cycle for the page; queues a refresh when it is missing
    or older than `DASHBOARD_REFRESH`."""
    now = now or timezone.now()
    snapshot = DashboardSnapshot.objects.filter(organization=org, cycle=cycle).first()
    board = load(snapshot)
    if board is None or snapshot is None or not snapshot.computed_at:
        request(org, cycle, now)
        return Stored(None, None, settings.DASHBOARD_REFRESH)
    if snapshot.computed_at < now - _max_age():
        request(org, cycle, now)
    return Stored(board, snapshot.computed_at, settings.DASHBOARD_REFRESH)


def request(org: Organization, cycle: Cycle, now: datetime | None = None) -> bool:
    """Queue a refresh, unless one was queued less than `DASHBOARD_REFRESH` ago (so that a
    thousand readers queue one, and a refresh lost with a stopped worker is queued again
    later). Returns whether this call queued it."""
    now = now or timezone.now()
    DashboardSnapshot.objects.get_or_create(organization=org, cycle=cycle)
    claimed = (
        DashboardSnapshot.objects.filter(organization=org, cycle=cycle)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=now - _max_age()))
        .update(requested_at=now)
    )
    if claimed:
        org_id, cycle_id = org.pk, cycle.pk
        transaction.on_commit(lambda: refresh_dashboard.enqueue(org_id, cycle_id))
    return bool(claimed)


def refresh_due(now: datetime | None = None) -> int:
    """The worker's pass: queue a refresh for each active cycle above the limit whose
    stored dashboard is missing or old. Returns how many were queued."""
    now = now or timezone.now()
    large = (
        counted(Objective.objects.filter(cycle__state=CycleState.ACTIVE))
        .values("organization_id", "cycle_id")
        .annotate(n=Count("id"))
        .filter(n__gt=settings.DASHBOARD_LIVE_LIMIT)
        .order_by()
    )
    fresh = set(
        DashboardSnapshot.objects.filter(computed_at__gte=now - _max_age()).values_list(
            "cycle_id", flat=True
        )
    )
    cycles = Cycle.objects.select_related("organization").filter(
        pk__in=[row["cycle_id"] for row in large if row["cycle_id"] not in fresh]
    )
    return sum(request(cycle.organization, cycle, now) for cycle in cycles)
