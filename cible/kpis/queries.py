"""The reads of guardrails that the pages showing key results start from."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count

from cible.kpis.models import Guardrail
from cible.okrs.models import KeyResult


def breached_guardrails(key_result_ids: Iterable[int]) -> dict[int, list[Guardrail]]:
    """The breached guardrails of these key results, with their KPIs, by key result: one
    query whatever their number."""
    ids = set(key_result_ids)
    found: dict[int, list[Guardrail]] = defaultdict(list)
    if not ids:
        return found
    rows = (
        Guardrail.objects.filter(key_result_id__in=ids, breached_since__isnull=False)
        .select_related("kpi")
        .order_by("kpi__name", "pk")
    )
    for guardrail in rows:
        found[guardrail.key_result_id].append(guardrail)
    return found


def attach_breaches(key_results: Iterable[KeyResult]) -> None:
    """Give each key result its `breached_guardrails` (a list, maybe empty), which the
    partial `kpis/_guardrail_breach.html` shows beside its status."""
    key_results = list(key_results)
    found = breached_guardrails(kr.pk for kr in key_results)
    for kr in key_results:
        kr.breached_guardrails = found.get(kr.pk, [])  # type: ignore[attr-defined]


def guardrail_counts(key_result_ids: Iterable[int]) -> dict[int, int]:
    """How many guardrails each of these key results names: one query."""
    rows = (
        Guardrail.objects.filter(key_result_id__in=set(key_result_ids))
        .values("key_result_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["key_result_id"]: row["n"] for row in rows}
