"""The run of a data source as a task, and the scheduler's pass that queues the due ones."""

from datetime import datetime

from django.tasks import task
from django.utils import timezone

from cible.sources import services
from cible.sources.models import DataSource


@task()
def run_source(source_id: int, runs: int) -> str:
    """Run one data source; a copy of this task that lost the race does nothing."""
    return services.run_claimed(source_id, runs)


def run_due(now: datetime | None = None) -> int:
    """Queue a run of every source that is due and that no queued task owns yet. Returns
    how many were queued."""
    now = now or timezone.now()
    queued = 0
    due = services.due_sources(now).order_by("next_run_at", "pk").values_list("pk", "runs")
    for pk, runs in due[: services.BATCH]:
        leased = (
            DataSource.objects.filter(pk=pk, runs=runs)
            .filter(services.lease_free(now))
            .update(leased_until=now + services.QUEUE_LEASE)
        )
        if leased:
            run_source.enqueue(pk, runs)
            queued += 1
    return queued
