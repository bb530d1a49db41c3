"""A cycle's OKRs and check-ins as rows, and the CSV files made of them (the XLSX ones:
xlsx.py).

Rows come from what the reader may see (``Objective.objects.visible_to``), read in chunks
so that a big cycle never sits in memory whole. A spreadsheet must not run what a person
typed: in CSV, text starting with =, +, -, @, a tab or a carriage return gets a leading
apostrophe; in XLSX every text is written as a string cell, never a formula, and numbers
as numbers.
"""

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cible.checkins.models import CheckIn
from cible.kpis.models import KPI, Guardrail
from cible.lib import okrmath
from cible.okrs.contexts import kr_row, objective_status
from cible.okrs.models import Cycle, KeyResult, Objective, ObjectiveQuerySet, thresholds_for
from cible.okrs.queries import visible_objectives
from cible.okrs.services import objective_progress
from cible.okrs.templatetags.okrs import status_label
from cible.orgs.models import Membership, Organization

CHUNK = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | Decimal | int | datetime | date | None


@dataclass(frozen=True)
class Column:
    header: str | Promise
    number_format: str = ""  # XLSX only
    width: float = 14


@dataclass(frozen=True)
class Table:
    name: str | Promise  # the sheet's name
    columns: list[Column]
    rows: Iterable[list[Cell]]


# Text ----------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """Text that a spreadsheet shows as text rather than computing it (OWASP's advice for
    CSV injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | int):
        return str(value)
    return neutralise(str(value))


class _Echo:
    """A file that hands back what is written to it: csv.writer without a buffer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV, one line at a time, with a byte-order mark so that spreadsheet
    programs read it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(c.header) for c in table.columns])
    for row in table.rows:
        yield writer.writerow([_csv_value(value) for value in row])


# OKRs ----------------------------------------------------------------------------------

NUMBER = "#,##0.####"
FRACTION = "0%"
SCORE = "0.00"

OKR_COLUMNS = [
    Column(gettext_lazy("Type"), width=12),
    Column(gettext_lazy("Objective"), width=40),
    Column(gettext_lazy("Key result"), width=40),
    Column(gettext_lazy("Level"), width=10),
    Column(gettext_lazy("Team"), width=20),
    Column(gettext_lazy("Owner"), width=20),
    Column(gettext_lazy("Kind"), width=16),
    Column(gettext_lazy("Start"), NUMBER),
    Column(gettext_lazy("Target"), NUMBER),
    Column(gettext_lazy("Upper bound"), NUMBER),
    Column(gettext_lazy("Current"), NUMBER),
    Column(gettext_lazy("Unit"), width=10),
    Column(gettext_lazy("Weight"), NUMBER, width=8),
    Column(gettext_lazy("Progress (0-1)"), FRACTION, width=10),
    Column(gettext_lazy("Status"), width=12),
    Column(gettext_lazy("Score (0-1)"), SCORE, width=10),
]


def _visible(membership: Membership, cycle: Cycle) -> ObjectiveQuerySet:
    return visible_objectives(
        membership, cycle, with_cancelled=False, related=(), key_results=False
    )


def _progress_of(objectives: list[Objective]) -> dict[int, Decimal]:
    """The progress of these objectives (their live KRs prefetched) and of the objectives
    that drive one of their KRs, as the OKR pages show it."""
    progress = objective_progress(objectives, prefetched=True)
    driven = {
        kr.driven_by_id
        for objective in objectives
        for kr in objective.key_results.all()
        if kr.driven_by_id is not None
    } - progress.keys()
    if driven:
        progress.update(
            objective_progress(
                Objective.objects.filter(pk__in=driven).only("pk", "organization_id", "cycle_id")
            )
        )
    return progress


def _in_chunks(objectives: ObjectiveQuerySet) -> Iterator[list[Objective]]:
    """The objectives `CHUNK` at a time, their KRs prefetched with each chunk: a file's
    first rows are sent before the last objective is read, and memory stays bounded."""
    chunk: list[Objective] = []
    for objective in objectives.iterator(chunk_size=CHUNK):
        chunk.append(objective)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"))


def okr_rows(membership: Membership, cycle: Cycle) -> Iterator[list[Cell]]:
    org = membership.organization
    today = timezone.localdate()
    objectives = visible_objectives(membership, cycle, with_cancelled=False).order_by(
        "level", "team__name", "position", "id"
    )
    objective_type, kr_type = _("Objective"), _("Key result")
    thresholds = thresholds_for(org)
    for chunk in _in_chunks(objectives):
        progress = _progress_of(chunk)
        yield from _okr_lines(chunk, progress, org, today, thresholds, objective_type, kr_type)


def _okr_lines(
    chunk: list[Objective],
    progress: dict[int, Decimal],
    org: Organization,
    today: date,
    thresholds: okrmath.Thresholds,
    objective_type: str,
    kr_type: str,
) -> Iterator[list[Cell]]:
    for objective in chunk:
        rows = [kr_row(kr, org, today, progress, thresholds) for kr in objective.key_results.all()]
        objective_progress = progress.get(objective.pk, Decimal(0))
        status = objective_status(objective_progress, rows, thresholds)
        level, team = objective.get_level_display(), objective.team.name if objective.team else ""
        yield [
            objective_type,
            objective.title,
            "",
            level,
            team,
            objective.owner.display_name,
            "",
            None,
            None,
            None,
            None,
            "",
            None,
            _round(objective_progress),
            status_label(status),
            objective.score,
        ]
        for row in rows:
            kr = row.kr
            yield [
                kr_type,
                objective.title,
                kr.title,
                level,
                team,
                kr.owner.display_name,
                kr.get_kind_display(),
                kr.start,
                kr.target,
                kr.target_max,
                kr.current,
                kr.unit,
                kr.weight,
                _round(row.progress),
                status_label(row.status),
                kr.score,
            ]


def okr_table(membership: Membership, cycle: Cycle) -> Table:
    return Table(gettext_lazy("OKRs"), OKR_COLUMNS, okr_rows(membership, cycle))


# Check-ins -----------------------------------------------------------------------------

CHECK_IN_COLUMNS = [
    Column(gettext_lazy("Key result"), width=40),
    Column(gettext_lazy("Objective"), width=40),
    Column(gettext_lazy("Author"), width=20),
    Column(gettext_lazy("Date"), "yyyy-mm-dd hh:mm", width=17),
    Column(gettext_lazy("Value"), NUMBER),
    Column(gettext_lazy("Unit"), width=10),
    Column(gettext_lazy("Confidence (0-10)"), width=10),
    Column(gettext_lazy("Comment"), width=40),
    Column(gettext_lazy("Blockers"), width=40),
]


def check_in_rows(membership: Membership, cycle: Cycle) -> Iterator[list[Cell]]:
    """Each key result's check-ins in order, the key results in their objectives' order:
    read `CHUNK` objectives at a time, their check-ins by key result (the index on a key
    result's check-ins), so that no sort of the whole cycle's check-ins comes before the
    first row (6.7 million of them at 100,000 people)."""
    zone = _zone(membership.organization.time_zone)
    objectives = (
        _visible(membership, cycle)
        .order_by("position", "id")
        .only("pk", "title")
        .prefetch_related(
            Prefetch(
                "key_results",
                queryset=KeyResult.objects.live()
                .order_by("position", "id")
                .only("pk", "title", "unit", "objective_id"),
            )
        )
    )
    for chunk in _in_chunks(objectives):
        key_results = [kr for objective in chunk for kr in objective.key_results.all()]
        by_kr: dict[int, list[CheckIn]] = defaultdict(list)
        for check_in in (
            CheckIn.objects.filter(key_result__in=[kr.pk for kr in key_results])
            .select_related("author")
            .order_by("created_at", "id")
        ):
            by_kr[check_in.key_result_id].append(check_in)
        for objective in chunk:
            for kr in objective.key_results.all():
                for check_in in by_kr.get(kr.pk, ()):
                    yield [
                        kr.title,
                        objective.title,
                        check_in.author.display_name if check_in.author else "",
                        timezone.localtime(check_in.created_at, zone).replace(tzinfo=None),
                        check_in.value,
                        kr.unit,
                        check_in.confidence,
                        check_in.comment,
                        check_in.blockers,
                    ]


def check_in_table(membership: Membership, cycle: Cycle) -> Table:
    return Table(gettext_lazy("Check-ins"), CHECK_IN_COLUMNS, check_in_rows(membership, cycle))


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return None


# KPIs and guardrails --------------------------------------------------------------------

KPI_COLUMNS = [
    Column(gettext_lazy("KPI"), width=30),
    Column(gettext_lazy("Team"), width=20),
    Column(gettext_lazy("Unit"), width=10),
    Column(gettext_lazy("Direction"), width=16),
    Column(gettext_lazy("Latest value"), NUMBER),
    Column(gettext_lazy("Measured at"), "yyyy-mm-dd hh:mm", width=17),
    Column(gettext_lazy("Status"), width=12),
]


def kpi_rows(membership: Membership, cycle: Cycle) -> Iterator[list[Cell]]:
    """The organisation's KPIs that are not archived: they span cycles, so every cycle's
    export lists them all, with their latest value."""
    zone = _zone(membership.organization.time_zone)
    kpis = (
        KPI.objects.filter(organization=membership.organization, archived=False)
        .select_related("team")
        # The organisation's first, then by team, on every database.
        .order_by(F("team__name").asc(nulls_first=True), "name", "pk")
    )
    for kpi in kpis.iterator(chunk_size=CHUNK):
        measured = kpi.last_measured_at
        yield [
            kpi.name,
            kpi.team.name if kpi.team else "",
            kpi.unit,
            kpi.get_direction_display(),
            kpi.last_value,
            timezone.localtime(measured, zone).replace(tzinfo=None) if measured else None,
            kpi.get_status_display() if kpi.status else "",
        ]


def kpi_table(membership: Membership, cycle: Cycle) -> Table:
    return Table(gettext_lazy("KPIs"), KPI_COLUMNS, kpi_rows(membership, cycle))


GUARDRAIL_COLUMNS = [
    Column(gettext_lazy("Key result"), width=40),
    Column(gettext_lazy("Objective"), width=40),
    Column(gettext_lazy("KPI"), width=30),
    Column(gettext_lazy("KPI status"), width=12),
    Column(gettext_lazy("Breached since"), "yyyy-mm-dd hh:mm", width=17),
    Column(gettext_lazy("Breaches during the cycle"), width=10),
]


def guardrail_rows(membership: Membership, cycle: Cycle) -> Iterator[list[Cell]]:
    """The guardrails of the cycle's live key results the reader may see, with how many
    breaches overlapped the cycle."""
    zone = _zone(membership.organization.time_zone)
    during = Q(breaches__ended_at__isnull=True) | Q(breaches__ended_at__date__gte=cycle.start)
    guardrails = (
        Guardrail.objects.filter(
            key_result__objective__in=_visible(membership, cycle),
            key_result__archived_at__isnull=True,
            key_result__cancelled_at__isnull=True,
        )
        .select_related("kpi", "key_result__objective")
        .annotate(
            during=Count("breaches", filter=during & Q(breaches__started_at__date__lte=cycle.end))
        )
        .order_by(
            "key_result__objective__position",
            "key_result__objective_id",
            "key_result__position",
            "key_result_id",
            "kpi__name",
        )
    )
    for guardrail in guardrails.iterator(chunk_size=CHUNK):
        kr, kpi, since = guardrail.key_result, guardrail.kpi, guardrail.breached_since
        yield [
            kr.title,
            kr.objective.title,
            kpi.name,
            kpi.get_status_display() if kpi.status else "",
            timezone.localtime(since, zone).replace(tzinfo=None) if since else None,
            guardrail.during,  # type: ignore[attr-defined]
        ]


def guardrail_table(membership: Membership, cycle: Cycle) -> Table:
    return Table(gettext_lazy("Guardrails"), GUARDRAIL_COLUMNS, guardrail_rows(membership, cycle))


TABLES: dict[str, Callable[[Membership, Cycle], Table]] = {
    "okrs": okr_table,
    "check-ins": check_in_table,
    "kpis": kpi_table,
    "guardrails": guardrail_table,
}
