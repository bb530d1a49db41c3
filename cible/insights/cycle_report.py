"""The cycle review report: one cycle's objectives, key results, scores and
retrospectives, for the organisation or one team, as the reader may see them.

The same `CycleReport` feeds the HTML page, the PDF and the Markdown. Scores are final
once the cycle is closed; before that they are proposed: a KR's confirmed score, else its
progress on 0 to 1, and an objective's weighted mean of those, as closing would set them.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from cible.checkins import scoring
from cible.checkins.models import Decision, Review, ReviewKind
from cible.checkins.reviews import RETRO_FIELDS
from cible.insights import score_charts, scores
from cible.lib import okrmath
from cible.okrs.contexts import objective_rows
from cible.okrs.models import LEVEL_RANK, Cycle, Initiative, InitiativeState, KeyResult, Objective
from cible.okrs.queries import initiatives_by_objective, visible_objectives
from cible.orgs.models import Membership, Organization, Team

REVIEW_RETRO_FIELDS = ("worked", "did_not_work", "learned", "celebrate")


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
class CycleReport:
    organization: Organization
    cycle: Cycle
    team: Team | None
    objectives: list[ObjectiveLine]
    retrospectives: list[TeamRetro]
    generated_at: datetime
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
    def kr_count(self) -> int:
        return sum(len(line.key_results) for line in self.objectives)

    @property
    def objective_scores(self) -> list[Decimal]:
        return [line.score for line in self.objectives if line.score is not None]

    @property
    def mean_score(self) -> Decimal | None:
        return scores.mean(self.objective_scores)

    @property
    def histogram(self) -> list[int]:
        return scores.histogram(self.objective_scores)

    @property
    def statuses(self) -> dict[okrmath.Status, int]:
        counts = Counter(line.status for line in self.objectives)
        return {status: counts.get(status, 0) for status in okrmath.Status}

    @property
    def initiative_states(self) -> list[tuple[str, int]]:
        """How many initiatives end in each state (label, count), in the states' order."""
        counts = Counter(i.state for line in self.objectives for i in line.initiatives)
        return [(str(label), counts.get(value, 0)) for value, label in InitiativeState.choices]

    @property
    def initiative_count(self) -> int:
        return sum(len(line.initiatives) for line in self.objectives)

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


def build_report(membership: Membership, cycle: Cycle, team: Team | None = None) -> CycleReport:
    """The report of `cycle` (of one `team` when given) as `membership` may see it."""
    org = membership.organization
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
    decisions = list(
        Decision.objects.filter(key_result__objective_id__in=[line.objective.pk for line in lines])
        .select_related("key_result", "decided_by")
        .order_by("decided_at", "id")
    )
    return CycleReport(org, cycle, team, lines, retros, timezone.now(), decisions)


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
