"""Ambition calibration: how the final scores of the closed cycles spread, per team and for
the organisation, which teams always score too high or too low, and the trend.

Only what the reader may see counts: visible, unarchived, not cancelled objectives with a
final score, and their live KRs with a final score. Objectives without a team (company
objectives, personal ones outside a team) count for the organisation only.

A closed cycle's scores move only by an admin's correction, so they are added up once per
cycle (`CalibrationFact`, for the objectives the whole organisation sees) and again when a
recorded change (`okrs.Change`: a score, an edit, a cancellation, an archive) touches the
cycle. The page adds the private objectives the reader may see, read as they are. At
100,000 people a page reads a few small rows instead of every final score of every closed
cycle (`computed_calibration` still does, for the tests and the benchmark).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from cible.insights import score_charts, scores
from cible.insights.models import CalibrationFact
from cible.okrs.models import (
    Change,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveQuerySet,
    ObjectiveState,
    Visibility,
)
from cible.orgs.models import Membership, Organization, Team

NO_TEAM = ""
IDS_PER_QUERY = 5000  # within SQLite's bound on the parameters of one statement


@dataclass
class Group:
    """The organisation (team None) or one team, ready for the page."""

    name: str
    team: Team | None
    stats: scores.GroupStats
    trend: list[Decimal | None]  # the mean objective score of each closed cycle, in order
    cycles: list[Cycle] = field(default_factory=list)
    display: str = ""
    objective_chart: str = ""
    kr_chart: str = ""
    trend_chart: str = ""
    bins: list[tuple[str, int, int, bool]] = field(default_factory=list)
    drawn: bool = False

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
    """Everything the calibration page shows, from the closed cycles' stored tallies and
    the private objectives the reader may see, in a constant number of queries (and one
    computation per closed cycle that changed since its tally)."""
    cycles = closed_cycles(membership)
    org = membership.organization
    facts = stored_facts(org, cycles)
    by_team: dict[int, dict[int, scores.Tally]] = defaultdict(lambda: defaultdict(scores.Tally))
    kr_by_team: dict[int, scores.Tally] = defaultdict(scores.Tally)
    all_objectives: dict[int, scores.Tally] = defaultdict(scores.Tally)
    all_krs = scores.Tally()
    for cycle in cycles:
        fact = facts[cycle.pk]
        for team, (count, total, bins) in fact.objectives.items():
            all_objectives[cycle.pk].merge(count, Decimal(total), bins)
            if team != NO_TEAM:
                by_team[int(team)][cycle.pk].merge(count, Decimal(total), bins)
        for team, bins in fact.key_results.items():
            all_krs.merge(sum(bins), Decimal(0), bins)
            if team != NO_TEAM:
                kr_by_team[int(team)].merge(sum(bins), Decimal(0), bins)
    # The reader's private objectives, read by id first: a join of every closed cycle's key
    # results with the visibility rules took 0.4 s for an owner at 100,000 people.
    team_of: dict[int, int | None] = {}
    for pk, cycle_id, team_id, score in (
        scored_objectives(membership, cycles)
        .filter(visibility=Visibility.PRIVATE)
        .values_list("pk", "cycle_id", "team_id", "score")
    ):
        team_of[pk] = team_id
        if score is None:
            continue
        all_objectives[cycle_id].add(score)
        if team_id is not None:
            by_team[team_id][cycle_id].add(score)
    private_ids = list(team_of)
    for start in range(0, len(private_ids), IDS_PER_QUERY):
        for objective_id, score in (
            KeyResult.objects.live()
            .filter(objective_id__in=private_ids[start : start + IDS_PER_QUERY])
            .filter(score__isnull=False)
            .values_list("objective_id", "score")
        ):
            all_krs.add(score)
            kr_team = team_of[objective_id]
            if kr_team is not None:
                kr_by_team[kr_team].add(score)
    cycles = [cycle for cycle in cycles if all_objectives[cycle.pk].count]
    teams = (
        Team.objects.filter(
            organization_id=membership.organization_id,
            pk__in=by_team.keys() | kr_by_team.keys(),
        )
        .only("pk", "name", "organization_id")
        .order_by("name")
    )
    display = org.score_display
    org_group = _group_of(
        _("The whole organisation"), None, all_objectives, all_krs, cycles, display
    )
    team_groups = [
        _group_of(team.name, team, by_team[team.pk], kr_by_team[team.pk], cycles, display)
        for team in teams
    ]
    return Calibration(cycles, org_group, team_groups)


def stored_facts(org: Organization, cycles: list[Cycle]) -> dict[int, CalibrationFact]:
    """Each closed cycle's tally, computed again first where it is missing or a recorded
    change came after it."""
    facts = {f.cycle_id: f for f in CalibrationFact.objects.filter(cycle__in=cycles)}
    stale = {c.pk for c in cycles} - facts.keys()
    if facts:
        lowest = min(f.change_mark for f in facts.values())
        for cycle_id, last in (
            Change.objects.filter(organization=org, pk__gt=lowest, objective__cycle__in=list(facts))
            .values_list("objective__cycle_id")
            .annotate(last=Max("pk"))
            .order_by()
        ):
            if last > facts[cycle_id].change_mark:
                stale.add(cycle_id)
    for cycle in cycles:
        if cycle.pk in stale:
            facts[cycle.pk] = compute_fact(org, cycle)
    return facts


def compute_fact(org: Organization, cycle: Cycle) -> CalibrationFact:
    """Add one closed cycle's final scores up by team, for the objectives the whole
    organisation sees, and store the tally."""
    mark = Change.objects.filter(organization=org).aggregate(last=Max("pk"))["last"] or 0
    objectives = (
        Objective.objects.filter(organization=org, cycle=cycle, visibility=Visibility.ORGANIZATION)
        .active()
        .exclude(state=ObjectiveState.CANCELLED)
    )
    objective_tallies: dict[str, scores.Tally] = defaultdict(scores.Tally)
    for team_id, score, count in _by_score(objectives, "team_id"):
        objective_tallies[_key(team_id)].add(score, count)
    kr_tallies: dict[str, scores.Tally] = defaultdict(scores.Tally)
    for team_id, score, count in _by_score(
        KeyResult.objects.live().filter(objective__in=objectives), "objective__team_id"
    ):
        kr_tallies[_key(team_id)].add(score, count)
    fact = CalibrationFact(
        cycle=cycle,
        change_mark=mark,
        objectives={k: [t.count, str(t.total), t.bins] for k, t in objective_tallies.items()},
        key_results={k: t.bins for k, t in kr_tallies.items()},
    )
    with transaction.atomic():
        CalibrationFact.objects.filter(cycle=cycle).delete()
        fact.save()
    return fact


def _by_score(rows: QuerySet[Any, Any], team: str) -> Iterable[tuple[int | None, Decimal, int]]:
    """(team, score, how many): scores have two decimals, so a team has at most 101 rows."""
    return (
        rows.filter(score__isnull=False)
        .values(team, "score")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list(team, "score", "count")
    )


def _key(team_id: int | None) -> str:
    return NO_TEAM if team_id is None else str(team_id)


def computed_calibration(membership: Membership) -> Calibration:
    """The calibration computed from every final score, as the stored tallies must give it."""
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


def _group_of(
    name: str,
    team: Team | None,
    objective_tallies: dict[int, scores.Tally],
    kr_tally: scores.Tally,
    cycles: list[Cycle],
    display: str,
) -> Group:
    return _grouped(name, team, scores.tally_stats(objective_tallies, kr_tally), cycles, display)


def _group(
    name: str,
    team: Team | None,
    objective_scores: dict[int, list[Decimal]],
    kr_scores: list[Decimal],
    cycles: list[Cycle],
    display: str,
) -> Group:
    return _grouped(name, team, scores.group_stats(objective_scores, kr_scores), cycles, display)


def _grouped(
    name: str, team: Team | None, stats: scores.GroupStats, cycles: list[Cycle], display: str
) -> Group:
    """A group's figures; its charts and table rows are drawn for the page that shows it
    (`draw`): with 10,000 teams, drawing them all took most of a page's 20 s."""
    trend = [stats.cycle_means.get(cycle.pk) for cycle in cycles]
    return Group(name=name, team=team, stats=stats, trend=trend, cycles=cycles, display=display)


def draw(group: Group) -> Group:
    """Give the group its three charts and its table rows, once."""
    if group.drawn:
        return group
    name, stats, display, cycles = group.name, group.stats, group.display, group.cycles
    suffix = f"team-{group.team.pk}" if group.team else "org"
    group.objective_chart = score_charts.histogram_chart(
        stats.objective_counts,
        _("Final objective scores: %(name)s") % {"name": name},
        f"objectives-{suffix}",
        display,
        _("objectives"),
    )
    group.kr_chart = score_charts.histogram_chart(
        stats.kr_counts,
        _("Final key result scores: %(name)s") % {"name": name},
        f"key-results-{suffix}",
        display,
        _("key results"),
    )
    group.trend_chart = score_charts.means_chart(
        [(cycle.name, value) for cycle, value in zip(cycles, group.trend, strict=True)],
        _("Mean objective score by cycle: %(name)s") % {"name": name},
        f"trend-{suffix}",
        display,
    )
    group.bins = [
        (label, count, kr_count, target)
        for (label, count, target), kr_count in zip(
            score_charts.bin_rows(stats.objective_counts, display), stats.kr_counts, strict=True
        )
    ]
    group.drawn = True
    return group
