"""What the insights do when the OKRs change: a closed cycle's scores are added up for the
calibration by the worker, once the closing commits."""

from typing import Any

from django.db import transaction

from cible.insights import tasks
from cible.okrs import signals as okrs_signals
from cible.okrs.models import Cycle


def connect() -> None:
    okrs_signals.cycle_closed.connect(cycle_closed, dispatch_uid="insights.cycle_closed")


def cycle_closed(sender: Any, cycle: Cycle, **kwargs: Any) -> None:
    cycle_id = cycle.pk
    transaction.on_commit(lambda: tasks.tally_closed_cycle.enqueue(cycle_id))
