"""Small query helpers."""

from django.db.models import Model, QuerySet


def one_or_none[M: Model](qs: QuerySet[M]) -> M | None:
    """The row of a lookup by a unique key, or None. Unlike `first()`, it asks for no
    ordering: for one row, the ORDER BY that `first()` builds from the model's ordering
    at every call is wasted work on the hottest paths (a check-in through the API)."""
    return next(iter(qs.order_by()[:1]), None)
