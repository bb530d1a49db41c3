"""The cycle review report: one cycle's objectives, key results, scores and
retrospectives, for the organisation or one team, as the reader may see them.

The same `CycleReport` feeds the HTML page, the PDF and the Markdown. Scores are final
once the cycle is closed; before that they are proposed: a KR's confirmed score, else its
progress on 0 to 1, and an objective's weighted mean of those, as closing would set them.

The whole organisation's report of a large cycle (one whose dashboard is the stored one,
`snapshots.is_large`) is not computed over every objective at each request: its figures
(scores, statuses, counts) are added up from each objective's stored figures, which the
worker keeps from what changed (`cible.insights.facts`), for the objectives the whole
organisation sees; its objectives are listed a page at a time (`PAGE_SIZE`), and its
retrospectives are the company's, each team's being in the team's report.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from cible.checkins import scoring
from cible.checkins.models import Decision, Review, ReviewKind
from cible.checkins.reviews import RETRO_FIELDS
from cible.insights import facts, score_charts, scores, snapshots
from cible.insights.models import ObjectiveFact
from cible.kpis.models import GuardrailBreach, Status
from cible.lib import okrmath
from cible.okrs.contexts import objective_rows
from cible.okrs.models import LEVEL_RANK, Cycle, Initiative, InitiativeState, KeyResult, Objective
from cible.okrs.queries import initiatives_by_objective, visible_objectives
from cible.okrs.templatetags.okrs import value
from cible.orgs.models import Membership, Organization, Team

REVIEW_RETRO_FIELDS = ("worked", "did_not_work", "learned", "celebrate")
PAGE_SIZE = 50
BREACHES_SHOWN = 100  # a large cycle's report lists the first guardrail breaches, decisions


@dataclass
class Summary:
    """A large cycle's figures for the whole organisation, added up from the stored figures
    of the objectives everyone sees, as of `computed_at`."""

    objective_count: int
    kr_count: int
    tally: scores.Tally
    statuses: dict[okrmath.Status, int]
    initiative_counts: dict[str, int]
    computed_at: datetime
    team_retrospectives: int


@dataclass
class KRLine:
    kr: KeyResult
    progress: Decimal
    status: okrmath.Status
    score: Decimal


@dataclass
class ObjectiveLine:
    objective: Objective
    progress: Decimal
    status: okrmath.Status
    score: Decimal | None
    key_results: list[KRLine] = field(default_factory=list)
    # Activity, told beside the scores and never counted in them.
    initiatives: list[Initiative] = field(default_factory=list)

    @property
    def retrospective(self) -> list[tuple[str, str]]:
        """The objective's retrospective answers that were written: (question, answer)."""
        return _answers(self.objective, RETRO_FIELDS)


@dataclass
class TeamRetro:
    review: Review
    name: str

    @property
    def answers(self) -> list[tuple[str, str]]:
        return _answers(self.review, REVIEW_RETRO_FIELDS)


@dataclass
class BreachLine:
    """A guardrail breached during the cycle: its key result, its KPI, the worst it got."""

    breach: GuardrailBreach

    @property
    def key_result(self) -> KeyResult:
        return self.breach.guardrail.key_result

    @property
    def kpi(self) -> Any:
        return self.breach.guardrail.kpi

    @property
    def worst_status(self) -> str:
        return str(Status(self.breach.worst_status).label)

    def cells(self) -> list[str]:
        """Key result, KPI, worst status and value, from, until: as text, for the Markdown
        and the PDF."""
        breach, ended = self.breach, self.breach.ended_at
        return [
            self.key_result.title,
            self.kpi.name,
            f"{self.worst_status} ({value(breach.worst_value, self.kpi.unit)})",
            date_format(timezone.localtime(breach.started_at), "SHORT_DATE_FORMAT"),
            date_format(timezone.localtime(ended), "SHORT_DATE_FORMAT")
            if ended
            else _("still breached"),
        ]


@dataclass
class CycleReport:
    organization: Organization
    cycle: Cycle
    team: Team | None
    objectives: list[ObjectiveLine]
    retrospectives: list[TeamRetro]
    generated_at: datetime
    # A large cycle's whole-organisation report: its figures, and the page of objectives
    # listed (None while the worker has not stored the figures yet).
    summary: Summary | None = None
    page: Page | None = None  # type: ignore[type-arg]
    stored: bool = False
    breaches: list[BreachLine] = field(default_factory=list)
    # What was decided about key results whose plan no longer held, in order.
    decisions: list[Decision] = field(default_factory=list)

    @property
    def final(self) -> bool:
        return self.cycle.is_closed

    @property
    def scope(self) -> str:
        return self.team.name if self.team else self.organization.name

    @property
    def title(self) -> str:
        return _("Review of %(cycle)s: %(scope)s") % {"cycle": self.cycle.name, "scope": self.scope}

    @property
    def display(self) -> str:
        return self.organization.score_display

    @property
    def objective_count(self) -> int:
        if self.summary is not None:
            return self.summary.objective_count
        return len(self.objectives)

    @property
    def kr_count(self) -> int:
        if self.summary is not None:
            return self.summary.kr_count
        return sum(len(line.key_results) for line in self.objectives)

    @property
    def objective_scores(self) -> list[Decimal]:
        return [line.score for line in self.objectives if line.score is not None]

    @property
    def mean_score(self) -> Decimal | None:
        if self.summary is not None:
            return self.summary.tally.mean
        return scores.mean(self.objective_scores)

    @property
    def histogram(self) -> list[int]:
        if self.summary is not None:
            return list(self.summary.tally.bins)
        return scores.histogram(self.objective_scores)

    @property
    def statuses(self) -> dict[okrmath.Status, int]:
        if self.summary is not None:
            return dict(self.summary.statuses)
        counts = Counter(line.status for line in self.objectives)
        return {status: counts.get(status, 0) for status in okrmath.Status}

    @property
    def _initiative_counts(self) -> dict[str, int]:
        if self.summary is not None:
            return self.summary.initiative_counts
        return Counter(i.state for line in self.objectives for i in line.initiatives)

    @property
    def initiative_states(self) -> list[tuple[str, int]]:
        """How many initiatives end in each state (label, count), in the states' order."""
        counts = self._initiative_counts
        return [(str(label), counts.get(value, 0)) for value, label in InitiativeState.choices]

    @property
    def initiative_count(self) -> int:
        return sum(self._initiative_counts.values())

    @property
    def stored_note(self) -> str:
        """What a large cycle's whole-organisation report holds, in words."""
        if not self.stored:
            return ""
        if self.summary is None:
            return _(
                "This cycle is large: its figures are computed by the worker for the whole "
                "organisation and appear here within a few minutes."
            )
        return _(
            "This cycle is large: its figures count the objectives the whole organisation "
            "sees, as of %(time)s. Objectives are listed %(size)s at a time, the company's "
            "first; each team's objectives and retrospective are in the team's report "
            "(%(teams)s team retrospectives)."
        ) % {
            "time": date_format(timezone.localtime(self.summary.computed_at), "DATETIME_FORMAT"),
            "size": PAGE_SIZE,
            "teams": self.summary.team_retrospectives,
        }

    @property
    def score_note(self) -> str:
        if self.final:
            return _("This cycle is closed: its scores are final.")
        return _(
            "This cycle is not closed yet: its scores are proposed, from each key result's "
            "confirmed score or else its progress on 0 to 1."
        )

    def filename(self, extension: str) -> str:
        """ "acme-q2-2026-product.pdf": the organisation, the cycle and the team."""
        parts = [self.organization.slug, slugify(self.cycle.name) or str(self.cycle.pk)]
        if self.team is not None:
            parts.append(slugify(self.team.name) or str(self.team.pk))
        return f"{'-'.join(parts)}.{extension}"


def _answers(obj: Any, names: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        (capfirst(str(obj._meta.get_field(name).verbose_name)), getattr(obj, name).strip())
        for name in names
        if getattr(obj, name).strip()
    ]


def build_report(
    membership: Membership, cycle: Cycle, team: Team | None = None, page: str | None = None
) -> CycleReport:
    """The report of `cycle` (of one `team` when given) as `membership` may see it; for a
    large cycle's whole organisation, its `page` of objectives (`stored_report`)."""
    org = membership.organization
    if team is None and snapshots.is_large(cycle):
        return stored_report(membership, cycle, page)
    objectives = visible_objectives(membership, cycle, with_cancelled=False).order_by(
        "team__name", "position", "id"
    )
    if team is not None:
        objectives = objectives.filter(team=team)
    ordered = sorted(objectives, key=lambda o: LEVEL_RANK.get(o.level, 9))  # type: ignore[call-overload]
    lines = [_line(row, cycle.is_closed) for row in objective_rows(ordered, org)]
    initiatives = initiatives_by_objective(line.objective.pk for line in lines)
    for line in lines:
        line.initiatives = initiatives.get(line.objective.pk, [])
    reviews = (
        Review.objects.filter(cycle=cycle, kind=ReviewKind.QUARTERLY)
        .select_related("team")
        .order_by("team__name", "held_on", "id")
    )
    if team is not None:
        reviews = reviews.filter(team=team)
    retros = [TeamRetro(r, r.team.name if r.team else _("Company")) for r in reviews]
    kr_ids = [kr_line.kr.pk for line in lines for kr_line in line.key_results]
    breaches = [BreachLine(b) for b in breaches_during(cycle, kr_ids)]
    decisions = list(
        Decision.objects.filter(key_result__objective_id__in=[line.objective.pk for line in lines])
        .select_related("key_result", "decided_by")
        .order_by("decided_at", "id")
    )
    return CycleReport(
        org, cycle, team, lines, retros, timezone.now(), breaches=breaches, decisions=decisions
    )


def breaches_during(
    cycle: Cycle, key_result_ids: list[int] | None = None, limit: int | None = None
) -> list[GuardrailBreach]:
    """The guardrail breaches of these key results (None: of the key results of the
    cycle's objectives the whole organisation sees) that overlap the cycle's dates (begun
    by its end, not ended before its start), in the order they began; the first `limit`."""
    breaches = GuardrailBreach.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__date__gte=cycle.start),
        started_at__date__lte=cycle.end,
    )
    if key_result_ids is None:
        breaches = breaches.filter(
            guardrail__key_result__objective__in=facts.counted(cycle.organization, cycle)
        )
    else:
        breaches = breaches.filter(guardrail__key_result_id__in=key_result_ids)
    ordered = breaches.select_related("guardrail__kpi", "guardrail__key_result").order_by(
        "started_at", "pk"
    )
    return list(ordered if limit is None else ordered[:limit])


def stored_report(membership: Membership, cycle: Cycle, page: str | None) -> CycleReport:
    """A large cycle's whole-organisation report: the stored figures added up, one page of
    the objectives the reader sees, the company's retrospectives."""
    org = membership.organization
    # The page's ids first, sorted on narrow rows (a sort of the whole cycle's objectives
    # with their owners and teams took 0.36 s at 100,000 people), then those 50 in full.
    ordered = (
        visible_objectives(membership, cycle, with_cancelled=False, related=(), key_results=False)
        .annotate(rank=Case(*_RANKS, default=Value(9), output_field=IntegerField()))
        .order_by("rank", "team__name", "position", "id")
        .values_list("pk", flat=True)
    )
    listed = Paginator(ordered, PAGE_SIZE).get_page(page)
    ids = list(listed)
    loaded = {o.pk: o for o in visible_objectives(membership, cycle).filter(pk__in=ids)}
    in_order = [loaded[pk] for pk in ids if pk in loaded]
    lines = [_line(row, cycle.is_closed) for row in objective_rows(in_order, org)]
    initiatives = initiatives_by_objective(line.objective.pk for line in lines)
    for line in lines:
        line.initiatives = initiatives.get(line.objective.pk, [])
    reviews = Review.objects.filter(cycle=cycle, kind=ReviewKind.QUARTERLY)
    company = reviews.filter(team=None).order_by("held_on", "id")
    retros = [TeamRetro(r, _("Company")) for r in company]
    breaches = [BreachLine(b) for b in breaches_during(cycle, limit=BREACHES_SHOWN)]
    decisions = list(
        Decision.objects.filter(key_result__objective__in=facts.counted(org, cycle))
        .select_related("key_result", "decided_by")
        .order_by("decided_at", "id")[:BREACHES_SHOWN]
    )
    report = CycleReport(
        org,
        cycle,
        None,
        lines,
        retros,
        timezone.now(),
        page=listed,
        stored=True,
        breaches=breaches,
        decisions=decisions,
    )
    board = snapshots.stored(org, cycle)
    if board.computed_at is not None:
        report.summary = _summary(org, cycle, board.computed_at)
        report.summary.team_retrospectives = reviews.exclude(team=None).count()
    return report


_RANKS = [When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()]


def _summary(org: Organization, cycle: Cycle, computed_at: datetime) -> Summary:
    tally = scores.Tally()
    statuses: Counter[str] = Counter()
    objective_count = kr_count = 0
    rows = (
        ObjectiveFact.objects.filter(cycle=cycle)
        .values("score", "status")
        .annotate(n=Count("pk"), krs=Sum("kr_count"))
        .order_by()
        .values_list("score", "status", "n", "krs")
    )
    for score, status, n, krs in rows:
        objective_count += n
        kr_count += krs or 0
        statuses[status] += n
        if score:
            tally.add(Decimal(score), n)
    initiatives = (
        Initiative.objects.filter(objective__in=facts.counted(org, cycle))
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("state", "n")
    )
    return Summary(
        objective_count=objective_count,
        kr_count=kr_count,
        tally=tally,
        statuses={status: statuses.get(status.value, 0) for status in okrmath.Status},
        initiative_counts=dict(initiatives),
        computed_at=computed_at,
        team_retrospectives=0,
    )


def _line(row: Any, final: bool) -> ObjectiveLine:
    kr_lines = []
    for kr_row in row.key_results:
        kr = kr_row.kr
        kr_lines.append(KRLine(kr, kr_row.progress, kr_row.status, scoring.shown(kr_row)))
    objective = row.objective
    if final:
        objective_score = objective.score
    else:
        objective_score = scoring.objective_score((line.kr.weight, line.score) for line in kr_lines)
    return ObjectiveLine(objective, row.progress, row.status, objective_score, kr_lines)


def report_charts(report: CycleReport) -> dict[str, SafeString]:
    """The HTML report's two charts: the score histogram and the status distribution."""
    return {
        "histogram": score_charts.histogram_chart(
            report.histogram,
            _("Objective scores"),
            "report-scores",
            report.display,
            _("objectives"),
        ),
        "statuses": score_charts.status_chart(
            report.statuses, _("Objectives by status"), "report-statuses"
        ),
    }
