"""Reads of KPIs and of the guardrails of key results for the pages that show them: a
bounded number of queries whatever their number."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.safestring import SafeString

from cible.kpis import charts
from cible.kpis.models import KPI, Guardrail, KPIValue, Status
from cible.okrs.models import KeyResult
from cible.orgs.models import Organization, Team

SPARK_POINTS = 12


def live_kpis(organization: Organization) -> QuerySet[KPI]:
    return KPI.objects.filter(organization=organization, archived=False)


def recent_values(kpi_ids: list[int], count: int = SPARK_POINTS) -> dict[int, list[Decimal]]:
    """The latest `count` values of each KPI, oldest first: one query for them all."""
    if not kpi_ids:
        return {}
    rank = Window(
        RowNumber(), partition_by=[F("kpi_id")], order_by=[F("measured_at").desc(), F("pk").desc()]
    )
    rows = (
        KPIValue.objects.filter(kpi_id__in=kpi_ids)
        .annotate(rank=rank)
        .filter(rank__lte=count)
        .order_by()
        .values_list("kpi_id", "rank", "value")
    )
    found: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for kpi_id, position, value in rows:
        found[kpi_id].append((position, value))
    return {kpi_id: [v for _p, v in sorted(pairs, reverse=True)] for kpi_id, pairs in found.items()}


@dataclass
class KPIRow:
    kpi: KPI
    recent: list[Decimal] = field(default_factory=list)

    @property
    def spark(self) -> SafeString:
        return charts.spark(self.recent)


def kpi_rows(
    organization: Organization, team: Team | None = None, *, org_only: bool = False
) -> list[KPIRow]:
    """The live KPIs of a team (or, `org_only`, the organisation's own), with their recent
    values: two queries."""
    qs = live_kpis(organization).select_related("team")
    if team is not None:
        qs = qs.filter(team=team)
    elif org_only:
        qs = qs.filter(team__isnull=True)
    kpis = list(qs.order_by("name", "pk"))
    recent = recent_values([k.pk for k in kpis])
    for kpi in kpis:
        kpi.organization = organization
    return [KPIRow(kpi, recent.get(kpi.pk, [])) for kpi in kpis]


@dataclass
class Health:
    counts: dict[str, int]
    attention: list[KPI]  # critical first, then warning

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_status(self) -> list[tuple[str, int]]:
        """Critical first, no value yet last."""
        order = [Status.CRITICAL, Status.WARNING, Status.HEALTHY, Status.UNKNOWN]
        return [(str(s.value), self.counts.get(s.value, 0)) for s in order]


ATTENTION_LIMIT = 50


def health(organization: Organization, team: Team | None = None) -> Health:
    """How many of the organisation's KPIs (or a team's) are in each status, and those in
    trouble (the first ATTENTION_LIMIT): two queries."""
    kpis = live_kpis(organization)
    if team is not None:
        kpis = kpis.filter(team=team)
    counts = dict.fromkeys([s.value for s in Status], 0)
    for status, count in kpis.order_by().values_list("status").annotate(n=Count("pk")):
        counts[status] = count
    attention = list(
        kpis.filter(status__in=[Status.CRITICAL, Status.WARNING])
        .select_related("team")
        .order_by("status", "name", "pk")[:ATTENTION_LIMIT]  # "critical" < "warning"
    )
    for kpi in attention:
        kpi.organization = organization
    return Health(counts, attention)


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
