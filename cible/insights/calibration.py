"""Ambition calibration: how the final scores of the closed cycles spread, per team and for
the organisation, which teams always score too high or too low, and the trend.

Only what the reader may see counts: visible, unarchived, not cancelled objectives with a
final score, and their live KRs with a final score. Objectives without a team (company
objectives, personal ones outside a team) count for the organisation only.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from cible.insights import score_charts, scores
from cible.okrs.models import (
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveQuerySet,
    ObjectiveState,
)
from cible.orgs.models import Membership, Team


@dataclass
class Group:
    """The organisation (team None) or one team, ready for the page."""

    name: str
    team: Team | None
    stats: scores.GroupStats
    trend: list[Decimal | None]  # the mean objective score of each closed cycle, in order
    objective_chart: str = ""
    kr_chart: str = ""
    trend_chart: str = ""
    bins: list[tuple[str, int, int, bool]] = field(default_factory=list)

    @property
    def flag_label(self) -> str:
        return flag_label(self.stats.flag)


def flag_label(flag: scores.Flag | None) -> str:
    if flag is scores.Flag.NOT_AMBITIOUS:
        return _("Not ambitious enough")
    if flag is scores.Flag.OVER_REACHING:
        return _("Over-reaching")
    return ""


@dataclass
class Calibration:
    cycles: list[Cycle]
    organization: Group
    teams: list[Group]

    @property
    def groups(self) -> list[Group]:
        return [self.organization, *self.teams]

    @property
    def flagged(self) -> list[Group]:
        return [g for g in self.groups if g.stats.flag is not None]


def closed_cycles(membership: Membership) -> list[Cycle]:
    return list(
        Cycle.objects.filter(
            organization_id=membership.organization_id, state=CycleState.CLOSED
        ).order_by("start", "end", "pk")
    )


def scored_objectives(membership: Membership, cycles: list[Cycle]) -> ObjectiveQuerySet:
    return (
        Objective.objects.visible_to(membership)
        .active()
        .filter(cycle__in=cycles)
        .exclude(state=ObjectiveState.CANCELLED)
    )


def calibration_for(membership: Membership) -> Calibration:
    """Everything the calibration page shows, in a constant number of queries."""
    cycles = closed_cycles(membership)
    objectives = scored_objectives(membership, cycles)
    by_team: dict[int, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    kr_by_team: dict[int, list[Decimal]] = defaultdict(list)
    all_objectives: dict[int, list[Decimal]] = defaultdict(list)
    all_krs: list[Decimal] = []
    for cycle_id, team_id, score in objectives.filter(score__isnull=False).values_list(
        "cycle_id", "team_id", "score"
    ):
        all_objectives[cycle_id].append(score)
        if team_id is not None:
            by_team[team_id][cycle_id].append(score)
    for team_id, score in (
        KeyResult.objects.live()
        .filter(
            objective__in=objectives,
            score__isnull=False,
        )
        .values_list("objective__team_id", "score")
    ):
        all_krs.append(score)
        if team_id is not None:
            kr_by_team[team_id].append(score)
    # A closed cycle without a scored objective (an empty year, say) says nothing.
    cycles = [cycle for cycle in cycles if cycle.pk in all_objectives]
    teams = Team.objects.filter(
        organization_id=membership.organization_id,
        pk__in=by_team.keys() | kr_by_team.keys(),
    ).order_by("name")
    display = membership.organization.score_display
    org_group = _group(_("The whole organisation"), None, all_objectives, all_krs, cycles, display)
    team_groups = [
        _group(team.name, team, by_team[team.pk], kr_by_team[team.pk], cycles, display)
        for team in teams
    ]
    return Calibration(cycles, org_group, team_groups)


def _group(
    name: str,
    team: Team | None,
    objective_scores: dict[int, list[Decimal]],
    kr_scores: list[Decimal],
    cycles: list[Cycle],
    display: str,
) -> Group:
    stats = scores.group_stats(objective_scores, kr_scores)
    trend = [stats.cycle_means.get(cycle.pk) for cycle in cycles]
    suffix = f"team-{team.pk}" if team else "org"
    return Group(
        name=name,
        team=team,
        stats=stats,
        trend=trend,
        objective_chart=score_charts.histogram_chart(
            stats.objective_counts,
            _("Final objective scores: %(name)s") % {"name": name},
            f"objectives-{suffix}",
            display,
            _("objectives"),
        ),
        kr_chart=score_charts.histogram_chart(
            stats.kr_counts,
            _("Final key result scores: %(name)s") % {"name": name},
            f"key-results-{suffix}",
            display,
            _("key results"),
        ),
        trend_chart=score_charts.means_chart(
            [(cycle.name, value) for cycle, value in zip(cycles, trend, strict=True)],
            _("Mean objective score by cycle: %(name)s") % {"name": name},
            f"trend-{suffix}",
            display,
        ),
        bins=[
            (label, count, kr_count, target)
            for (label, count, target), kr_count in zip(
                score_charts.bin_rows(stats.objective_counts, display),
                stats.kr_counts,
                strict=True,
            )
        ],
    )
