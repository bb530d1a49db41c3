"""The dashboard's numbers, for the organisation or one team, in one cycle.

Everything comes from a fixed handful of queries (the visible objectives with their key
results, the teams and their members, the parent links, the week's check-ins, the
check-ins for the chart and the forecasts) and is aggregated in Python, so the page costs
the same number of queries whatever the organisation's size. A team's dashboard reads
that team's objectives (and those driving their KRs) only, not the whole cycle. Only what
the reader may see counts: ``Objective.objects.visible_to(membership).active()``.

Which objectives belong to a team: its team objectives, and the personal objectives of
its members (or the personal objectives set on the team). Company objectives belong to no
team. Formulas, each a share of a count (None when there is nothing to count):

- status: objectives reached / on track / at risk / off track / not started (an
  objective's own status: its progress against its key results' pace, docs/status.md),
  over the objectives in scope; average progress: their mean;
- check-in discipline (an active cycle only): among the KRs to check in (live, not driven
  by another objective), those with a check-in since the week began: the last check-in
  weekday of the organisation, at midnight in its time zone;
- alignment: team and personal objectives with a parent the reader may see;
- balance: top-down objectives among all, against the method's 60/40 (balanced within
  ten points of 60 % top-down);
- focus: team objectives per team, personal objectives per person (people who have
  some), live KRs per objective, each against 3 to 5;
- progress over time: at the end of each week, each objective's progress rolled up from
  its KRs' values at that date (the latest check-in up to then, else the start value),
  averaged over the objectives in scope.
"""

import copy
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone

from cible.accounts.models import User
from cible.checkins.models import CheckIn
from cible.insights.forecasts import (
    Attention,
    forecasts,
    is_forecast,
    needs_attention,
    objective_forecasts,
)
from cible.lib import okrmath
from cible.okrs.contexts import ObjectiveRow, objective_rows
from cible.okrs.models import (
    Cycle,
    CycleState,
    KeyResult,
    Level,
    Objective,
    ObjectiveQuerySet,
    ObjectiveState,
    Origin,
    Visibility,
)
from cible.orgs.models import Membership, Organization, Team, TeamMember, org_zone

FOCUS_RANGE = (3, 5)
TOP_DOWN_TARGET = Decimal("0.6")
BALANCE_TOLERANCE = Decimal("0.1")
ATTENTION_SHOWN = 15
ATTENTION_CANDIDATES = 300  # the KRs with the lowest progress, forecast for the list
DRIVER_LEVELS = 4  # how deep a team dashboard follows the objectives driving its KRs
LIST_SHOWN = 50  # the long lists (people behind, orphans, outside 3 to 5) show this many
PENDING_SHOWN = 5  # the KRs named for each person behind
STATUSES = list(okrmath.Status)

type Readings = dict[int, tuple[list[datetime], list[Decimal]]]  # check-in times, values
NO_READINGS: tuple[list[datetime], list[Decimal]] = ([], [])


def shortlist[T](items: list[T], worst_first: Callable[[T], Any]) -> list[T]:
    """All the items when they fit in `LIST_SHOWN`, else the `LIST_SHOWN` worst: a breakdown
    by team of a thousand teams shows those that most need a look."""
    if len(items) <= LIST_SHOWN:
        return items
    return sorted(items, key=worst_first)[:LIST_SHOWN]


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def fraction(self) -> Decimal | None:
        return Decimal(self.count) / Decimal(self.total) if self.total else None


@dataclass(frozen=True)
class StatusShare:
    status: okrmath.Status
    share: Share


@dataclass(frozen=True)
class GroupShare:
    """One row of a breakdown: a team (or a person) and its share."""

    label: str
    share: Share
    team: Team | None = None
    person: User | None = None

    @property
    def is_no_team(self) -> bool:
        """The row of the objectives that belong to no team."""
        return self.team is None and self.person is None


@dataclass
class Behind:
    person: User
    pending: list[KeyResult] = field(default_factory=list)
    total: int = 0
    pending_total: int | None = None  # set by `Dashboard.compact`

    @property
    def pending_count(self) -> int:
        return len(self.pending) if self.pending_total is None else self.pending_total

    @property
    def pending_shown(self) -> list[KeyResult]:
        return self.pending[:PENDING_SHOWN]

    @property
    def pending_more(self) -> int:
        return self.pending_count - len(self.pending_shown)


@dataclass
class Discipline:
    week_start: date  # in the organisation's time zone
    since: datetime
    overall: Share
    groups: list[GroupShare]
    behind: list[Behind]
    # Set by `Dashboard.compact`, which keeps only what the page shows of the lists.
    groups_total: int | None = None
    behind_total: int | None = None

    @property
    def groups_shown(self) -> list[GroupShare]:
        """The lowest shares first when the teams (or people) do not all fit; the objectives
        of no team stay in the list, last, and are not counted among the ones left out."""
        named = [g for g in self.groups if not g.is_no_team]
        worst_first = shortlist(named, lambda g: (g.share.fraction is None, g.share.fraction))
        return worst_first + [g for g in self.groups if g.is_no_team]

    @property
    def groups_more(self) -> int:
        total = len(self.groups) if self.groups_total is None else self.groups_total
        return total - len(self.groups_shown)

    @property
    def behind_shown(self) -> list[Behind]:
        return self.behind[:LIST_SHOWN]

    @property
    def behind_more(self) -> int:
        total = len(self.behind) if self.behind_total is None else self.behind_total
        return total - len(self.behind_shown)


@dataclass
class Alignment:
    share: Share
    orphans: list[Objective]
    orphans_total: int | None = None  # set by `Dashboard.compact`

    @property
    def orphans_shown(self) -> list[Objective]:
        return self.orphans[:LIST_SHOWN]

    @property
    def orphans_more(self) -> int:
        total = len(self.orphans) if self.orphans_total is None else self.orphans_total
        return total - len(self.orphans_shown)


@dataclass(frozen=True)
class Balance:
    label: str
    top_down: int
    bottom_up: int
    team: Team | None = None

    @property
    def share(self) -> Share:
        return Share(self.top_down, self.top_down + self.bottom_up)

    @property
    def gap(self) -> Decimal | None:
        """Top-down share minus the method's 60 %, in points of 0-1."""
        fraction = self.share.fraction
        return None if fraction is None else fraction - TOP_DOWN_TARGET

    @property
    def gap_points(self) -> int | None:
        gap = self.gap
        return None if gap is None else round(gap * 100)

    @property
    def verdict(self) -> str:
        gap = self.gap
        if gap is None:
            return "none"
        if abs(gap) <= BALANCE_TOLERANCE:
            return "balanced"
        return "top_down" if gap > 0 else "bottom_up"


@dataclass(frozen=True)
class FocusCount:
    label: str
    count: int
    team: Team | None = None
    person: User | None = None
    objective: Objective | None = None

    @property
    def within(self) -> bool:
        return in_focus(self.count)


def in_focus(count: int) -> bool:
    """Whether a count is within the method's 3 to 5."""
    return FOCUS_RANGE[0] <= count <= FOCUS_RANGE[1]


def _within(counts: Sequence[FocusCount]) -> Share:
    return Share(sum(c.within for c in counts), len(counts))


@dataclass
class Focus:
    """The counts against 3 to 5, and their summary, worked out once: `Dashboard.compact`
    drops the counts (one per objective and person) and keeps the summary."""

    teams: list[FocusCount]
    people: list[FocusCount]
    objectives: list[FocusCount]  # KRs per objective
    teams_share: Share = field(init=False)
    people_share: Share = field(init=False)
    objectives_share: Share = field(init=False)
    krs_per_objective: Decimal | None = field(init=False)
    outside_shown: dict[str, list[FocusCount]] = field(init=False)
    outside_more: int = field(init=False)

    def __post_init__(self) -> None:
        self.teams_share = _within(self.teams)
        self.people_share = _within(self.people)
        self.objectives_share = _within(self.objectives)
        self.krs_per_objective = (
            Decimal(sum(c.count for c in self.objectives)) / len(self.objectives)
            if self.objectives
            else None
        )
        # The first of those outside 3 to 5, teams first, then people, then objectives:
        # `LIST_SHOWN` in all.
        outside = {
            "teams": [c for c in self.teams if not c.within],
            "people": [c for c in self.people if not c.within],
            "objectives": [c for c in self.objectives if not c.within],
        }
        left = LIST_SHOWN
        self.outside_shown = {}
        for key, counts in outside.items():
            self.outside_shown[key] = counts[: max(left, 0)]
            left -= len(self.outside_shown[key])
        total = sum(len(counts) for counts in outside.values())
        self.outside_more = total - sum(len(c) for c in self.outside_shown.values())


@dataclass(frozen=True)
class HistoryPoint:
    day: date
    progress: Decimal | None
    expected: Decimal


@dataclass
class Dashboard:
    cycle: Cycle
    team: Team | None
    rows: list[ObjectiveRow]  # every objective in scope
    listed: list[ObjectiveRow]  # those the page lists: company ones, or the team's
    statuses: list[StatusShare]
    discipline: Discipline | None
    alignment: Alignment
    balance: list[Balance]
    overall_balance: Balance
    focus: Focus
    attention: list[Attention]
    history: list[HistoryPoint]
    # The listed objectives' forecasts at the cycle's end, by objective id: (progress,
    # low, high), numbers only, so a stored dashboard stays small.
    forecasts: dict[int, tuple[Decimal, Decimal, Decimal]] = field(default_factory=dict)
    candidates: int = 0  # how many KRs were forecast for "needs attention"
    forecastable: int = 0  # how many KRs in scope have a forecast
    objective_count: int = field(init=False)
    average_progress: Decimal | None = field(init=False)
    # Set by `compact`, which keeps only what the page shows of the long lists.
    balance_total: int | None = None
    attention_total: int | None = None

    def __post_init__(self) -> None:
        self.objective_count = len(self.rows)
        self.average_progress = (
            sum((row.progress for row in self.rows), Decimal(0)) / len(self.rows)
            if self.rows
            else None
        )

    @property
    def attention_capped(self) -> bool:
        """Whether only the KRs with the lowest progress were forecast."""
        return self.candidates < self.forecastable

    @property
    def attention_shown(self) -> list[Attention]:
        return self.attention[:ATTENTION_SHOWN]

    @property
    def attention_count(self) -> int:
        return len(self.attention) if self.attention_total is None else self.attention_total

    @property
    def balance_shown(self) -> list[Balance]:
        """The teams furthest from the method's 60 % first when they do not all fit."""
        return shortlist(self.balance, lambda b: -abs(b.gap or Decimal(0)))

    @property
    def balance_more(self) -> int:
        total = len(self.balance) if self.balance_total is None else self.balance_total
        return total - len(self.balance_shown)

    def compact(self) -> "Dashboard":
        """A copy that keeps what the page shows and the totals it prints, without the
        rows of every objective, person and KR, and whose objects hold only what the page
        reads of them: small enough to store (`cible.insights.snapshots`, about 180 KB
        at 10,000 people) and rendered exactly like the original, without a query."""
        slim = _Slimmer()
        board = copy.copy(self)
        board.rows = []
        board.listed = [
            ObjectiveRow(slim.objective(row.objective), row.progress, row.status)
            for row in self.listed
        ]
        board.attention = [
            Attention(slim.key_result(item.kr), item.forecast) for item in self.attention_shown
        ]
        board.attention_total = self.attention_count
        board.balance = [replace(b, team=slim(b.team)) for b in self.balance_shown]
        board.balance_total = len(self.balance)
        board.focus = copy.copy(self.focus)
        board.focus.teams = board.focus.people = board.focus.objectives = []
        board.focus.outside_shown = {
            key: [
                replace(
                    c,
                    team=slim(c.team),
                    person=slim(c.person),
                    objective=slim(c.objective, *OBJECTIVE_READS),
                )
                for c in counts
            ]
            for key, counts in self.focus.outside_shown.items()
        }
        board.alignment = Alignment(
            self.alignment.share,
            [slim.objective(o) for o in self.alignment.orphans_shown],
            len(self.alignment.orphans),
        )
        if self.discipline is not None:
            discipline = board.discipline = copy.copy(self.discipline)
            discipline.groups = [
                replace(g, team=slim(g.team), person=slim(g.person))
                for g in self.discipline.groups_shown
            ]
            discipline.groups_total = len(self.discipline.groups)
            discipline.behind = [
                Behind(
                    slim.one(b.person),
                    [slim.key_result(kr) for kr in b.pending_shown],
                    b.total,
                    b.pending_count,
                )
                for b in self.discipline.behind_shown
            ]
            discipline.behind_total = len(self.discipline.behind)
        return board


OBJECTIVE_READS = ("organization", "team", "owner")  # what the page reads of an objective


class _Slimmer:
    """Copies of model instances with their own fields and only the related objects the
    dashboard's page reads, without the prefetched lists that would drag whole objectives
    along; one copy per row."""

    def __init__(self) -> None:
        self.copies: dict[tuple[type, object, tuple[str, ...]], object] = {}

    def __call__[M: Model](self, instance: M | None, *related: str) -> M | None:
        if instance is None:
            return None
        key = (type(instance), instance.pk, related)
        if key not in self.copies:
            clone = copy.copy(instance)
            clone._state = copy.copy(instance._state)
            clone._state.fields_cache = {}
            clone.__dict__.pop("_prefetched_objects_cache", None)
            deeper: dict[str, list[str]] = defaultdict(list)  # "objective__cycle": cycle
            for path in related:
                name, _, rest = path.partition("__")
                deeper[name] += [rest] if rest else []
            for name, paths in deeper.items():
                setattr(clone, name, self(getattr(instance, name), *paths))
            self.copies[key] = clone
        return self.copies[key]  # type: ignore[return-value]

    def one[M: Model](self, instance: M, *related: str) -> M:
        slim = self(instance, *related)
        assert slim is not None
        return slim

    def objective(self, objective: Objective) -> Objective:
        return self.one(objective, *OBJECTIVE_READS)

    def key_result(self, kr: KeyResult) -> KeyResult:
        return self.one(kr, "owner", "objective__organization", "objective__cycle")


# Loading ------------------------------------------------------------------------------


def readable(membership: Membership, public: bool = False) -> ObjectiveQuerySet:
    """The objectives the member may see or, `public`, those the whole organisation may
    see (the organisation's stored dashboard, the same for everyone)."""
    if public:
        return Objective.objects.filter(
            organization_id=membership.organization_id, visibility=Visibility.ORGANIZATION
        )
    return Objective.objects.visible_to(membership)


PERSON_FIELDS = ("id", "name", "email")  # what a dashboard shows of a person
# What a dashboard never reads of an objective or a KR: loading the long texts of every
# objective of a large cycle cost memory and time for nothing.
UNREAD_TEXTS = (
    "description",
    "retro_worked",
    "retro_did_not_work",
    "retro_learned",
    "retro_celebrate",
)
UNREAD_KR_TEXTS = ("score_note", "cancel_reason")


def visible_objectives(
    membership: Membership, cycle: Cycle, public: bool = False
) -> QuerySet[Objective]:
    """The cycle's objectives the member may see (or, `public`, everyone may see), not
    archived or cancelled, with their live KRs: two queries. `attach` gives them their
    cycle, organisation and owners."""
    krs = KeyResult.objects.live().defer(*UNREAD_KR_TEXTS).order_by("position", "id")
    return (
        readable(membership, public)
        .active()
        .filter(cycle=cycle)
        .exclude(state=ObjectiveState.CANCELLED)
        .select_related("team")
        .defer(*UNREAD_TEXTS)
        .prefetch_related(Prefetch("key_results", queryset=krs))
        .order_by("position", "id")
    )


def attach(
    org: Organization, cycle: Cycle, objectives: Sequence[Objective], everyone: bool
) -> None:
    """Give the objectives and their KRs their cycle, organisation and owners, one object
    each: a person who owns ten KRs is one `User`, not ten (at 100,000 people, 880,000
    KRs would otherwise load 880,000 people). `everyone`: the owners are read as the
    organisation's members (one query), else by id; those who left the organisation
    since, by id. One or two queries."""
    wanted = {o.owner_id for o in objectives}
    wanted |= {kr.owner_id for o in objectives for kr in o.key_results.all()}
    people = User.objects.only(*PERSON_FIELDS)
    if everyone:
        found = {u.pk: u for u in people.filter(memberships__organization=org)}
    else:
        found = people.in_bulk(wanted)
    found |= people.in_bulk(wanted - found.keys())
    for objective in objectives:
        objective.cycle, objective.organization = cycle, org
        objective.owner = found[objective.owner_id]
        for kr in objective.key_results.all():
            kr.owner = found[kr.owner_id]


def team_objectives(membership: Membership, cycle: Cycle, team: Team) -> QuerySet[Objective]:
    """The objectives of one team (`Teams.of`, in SQL): its team objectives, and the
    personal objectives without a team of its members."""
    members = TeamMember.objects.filter(team=team).values("user_id")
    return visible_objectives(membership, cycle).filter(
        Q(team=team) | Q(team__isnull=True, level=Level.PERSON, owner_id__in=members)
    )


def with_drivers(
    membership: Membership, cycle: Cycle, objectives: list[Objective]
) -> list[Objective]:
    """`objectives` and the visible objectives of the cycle that drive their KRs, level by
    level (two queries a level, `DRIVER_LEVELS` at most): the progress over time rolls a
    driven KR up from its driver, as on the organisation's dashboard."""
    loaded = list(objectives)
    known = {o.pk for o in loaded}
    added = loaded
    for _level in range(DRIVER_LEVELS):
        drivers = (kr.driven_by_id for o in added for kr in o.key_results.all())
        wanted = {pk for pk in drivers if pk is not None} - known
        if not wanted:
            break
        added = list(visible_objectives(membership, cycle).filter(pk__in=wanted))
        known |= {o.pk for o in added}
        loaded += added
    return loaded


class Teams:
    """The organisation's teams and who is in which: two queries. A team's dashboard
    needs that team alone: one query, its members (not the whole organisation's)."""

    def __init__(self, membership: Membership, team: Team | None = None) -> None:
        org_id = membership.organization_id
        members = TeamMember.objects.filter(team__organization_id=org_id)
        if team is None:
            self.all = list(Team.objects.filter(organization_id=org_id).order_by("name", "id"))
        else:
            self.all = [team]
            members = members.filter(team=team)
        self.of_user: dict[int, set[int]] = defaultdict(set)
        for team_id, user_id in members.values_list("team_id", "user_id"):
            self.of_user[user_id].add(team_id)

    def of(self, objective: Objective) -> set[int]:
        """The teams an objective belongs to."""
        if objective.team_id is not None:
            return {objective.team_id}
        if objective.level == Level.PERSON:
            return set(self.of_user.get(objective.owner_id, ()))
        return set()


def _aligned_ids(
    membership: Membership, objectives: Sequence[Objective], public: bool = False
) -> set[int]:
    """Those of `objectives` with a parent the member may see: one query."""
    if not objectives:
        return set()
    visible = readable(membership, public).active()
    return set(
        Objective.parents.through.objects.filter(
            from_objective_id__in=[o.pk for o in objectives], to_objective__in=visible
        ).values_list("from_objective_id", flat=True)
    )


# Computing ----------------------------------------------------------------------------


def week_start(org_weekday: int, today: date) -> date:
    """The latest day on or before `today` that falls on the check-in weekday."""
    return today - timedelta(days=(today.weekday() - org_weekday) % 7)


def _statuses(rows: Sequence[ObjectiveRow]) -> list[StatusShare]:
    counts = {status: 0 for status in STATUSES}
    for row in rows:
        counts[okrmath.Status(row.status)] += 1
    return [StatusShare(status, Share(counts[status], len(rows))) for status in STATUSES]


def _discipline(
    objectives: Sequence[Objective],
    teams: Teams,
    team: Team | None,
    checked_in: set[int],
    since: datetime,
) -> Discipline:
    to_check: list[tuple[Objective, KeyResult, bool]] = [
        (o, kr, kr.pk in checked_in)
        for o in objectives
        for kr in o.key_results.all()
        if kr.driven_by_id is None
    ]
    overall = Share(sum(done for _o, _kr, done in to_check), len(to_check))
    tally: dict[object, list[int]] = defaultdict(lambda: [0, 0])
    people: dict[int, Behind] = {}
    for objective, kr, done in to_check:
        keys: Iterable[object] = [kr.owner_id] if team else teams.of(objective) or [None]
        for key in keys:
            tally[key][0] += done
            tally[key][1] += 1
        behind = people.setdefault(kr.owner_id, Behind(kr.owner))
        behind.total += 1
        if not done:
            behind.pending.append(kr)
    groups = []
    if team is None:
        groups = [
            GroupShare(t.name, Share(*tally[t.pk]), team=t) for t in teams.all if t.pk in tally
        ]
        if None in tally:
            groups.append(GroupShare("", Share(*tally[None])))  # no team: the template names it
    else:
        owners = sorted((b.person for b in people.values()), key=lambda u: u.display_name)
        groups = [GroupShare(u.display_name, Share(*tally[u.pk]), person=u) for u in owners]
    late = [b for b in people.values() if b.pending]
    late.sort(key=lambda b: (-len(b.pending), b.person.display_name.casefold()))
    return Discipline(since.date(), since, overall, groups, late)


def _check_ins(cycle: Cycle, krs: list[int] | None) -> QuerySet[CheckIn]:
    """The check-ins of these KRs, or of all the cycle's KRs when `krs` is None."""
    if krs is None:
        return CheckIn.objects.filter(key_result__objective__cycle=cycle)
    return CheckIn.objects.filter(key_result_id__in=krs)


def _checked_in_since(cycle: Cycle, krs: list[int] | None, since: datetime) -> set[int]:
    """The KRs with a check-in since `since`: one query, a week's check-ins at most,
    rather than every check-in of the cycle."""
    return set(
        _check_ins(cycle, krs)
        .filter(created_at__gte=since)
        .order_by()
        .values_list("key_result_id", flat=True)
        .distinct()
    )


def _balance(objectives: Sequence[Objective], teams: Teams, team: Team | None) -> list[Balance]:
    tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for objective in objectives:
        for team_id in teams.of(objective):
            tally[team_id][objective.origin != Origin.TOP_DOWN] += 1
    chosen = [team] if team else [t for t in teams.all if t.pk in tally]
    return [Balance(t.name, tally[t.pk][0], tally[t.pk][1], team=t) for t in chosen]


def _focus(objectives: Sequence[Objective], teams: Teams, team: Team | None) -> Focus:
    per_team: dict[int, int] = defaultdict(int)
    per_person: dict[int, int] = defaultdict(int)
    owners: dict[int, User] = {}
    for objective in objectives:
        if objective.level == Level.TEAM and objective.team_id is not None:
            per_team[objective.team_id] += 1
        elif objective.level == Level.PERSON:
            per_person[objective.owner_id] += 1
            owners[objective.owner_id] = objective.owner
    chosen = [team] if team else teams.all
    people = sorted(owners.values(), key=lambda u: u.display_name.casefold())
    return Focus(
        teams=[FocusCount(t.name, per_team[t.pk], team=t) for t in chosen],
        people=[FocusCount(u.display_name, per_person[u.pk], person=u) for u in people],
        objectives=[FocusCount(o.title, len(o.key_results.all()), objective=o) for o in objectives],
    )


def _attention(
    rows: Sequence[ObjectiveRow], today: date, readings: Readings
) -> tuple[list[Attention], int, int]:
    """The "needs attention" list, forecast for the KRs with the lowest progress only:
    forecasting every KR of a large organisation (76,000) to show a few took seconds.
    Also returns how many were forecast, of how many."""
    forecastable = [r for row in rows for r in row.key_results if is_forecast(r.kr)]
    forecastable.sort(key=lambda r: (r.progress, r.kr.pk))
    krs = [r.kr for r in forecastable[:ATTENTION_CANDIDATES]]
    return attention_of(krs, today, readings), len(krs), len(forecastable)


def attention_of(krs: list[KeyResult], today: date, readings: Readings) -> list[Attention]:
    """The "needs attention" list of these candidates, the lowest progress first."""
    history = {
        kr.pk: [(timezone.localtime(m), v) for m, v in zip(*moments_values, strict=True)]
        for kr in krs
        for moments_values in [readings.get(kr.pk, NO_READINGS)]
    }
    return needs_attention(krs, today, forecasts(krs, today, history))


class _History(Mapping[int, list[tuple[datetime, Decimal]]]):
    """The readings of a key result as forecasts take them (local times), converted when
    a forecast asks: the listed objectives reach a few of the cycle's key results."""

    def __init__(self, readings: Readings) -> None:
        self.readings = readings

    def __getitem__(self, kr_id: int) -> list[tuple[datetime, Decimal]]:
        moments, values = self.readings[kr_id]
        return [(timezone.localtime(m), v) for m, v in zip(moments, values, strict=True)]

    def __iter__(self) -> Iterator[int]:
        return iter(self.readings)

    def __len__(self) -> int:
        return len(self.readings)


def _objective_forecasts(
    listed: Sequence[ObjectiveRow], loaded: Sequence[Objective], today: date, readings: Readings
) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """The listed objectives' forecasts, from the objectives and check-ins the dashboard
    read already (a driven objective it did not read costs two queries a level)."""
    result = objective_forecasts(
        [row.objective for row in listed], today, _History(readings), loaded=loaded
    )
    return {pk: (f.progress, f.low, f.high) for pk, f in result.items()}


def week_ends(cycle: Cycle, org_weekday: int, today: date) -> list[date]:
    """The last day of each week (the day before the check-in weekday) from the cycle's
    start to today or its end, whichever comes first; that last day closes the list."""
    last = min(today, cycle.end)
    days = []
    day = cycle.start
    while day <= last:
        if (day + timedelta(days=1)).weekday() == org_weekday:
            days.append(day)
        day += timedelta(days=1)
    if last >= cycle.start and (not days or days[-1] != last):
        days.append(last)
    return days


def _end_of(day: date) -> datetime:
    """The first moment after `day` in the current time zone: a check-in made before it
    was made on or before that day, locally."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0)))


def _readings(cycle: Cycle, krs: list[int] | None) -> Readings:
    """The check-ins of these KRs (or of all the cycle's), by KR, oldest first: one query
    for the chart and the forecasts. Times stay as stored: the chart compares them with
    the end of each day rather than converting each one."""
    readings: Readings = {}
    rows = (
        _check_ins(cycle, krs)
        .order_by("created_at", "id")
        .values_list("key_result_id", "created_at", "value")
    )
    for kr_id, created_at, value in rows.iterator(chunk_size=5000):
        moments, values = readings.setdefault(kr_id, ([], []))
        moments.append(created_at)
        values.append(value)
    return readings


def _history(
    cycle: Cycle,
    loaded: Sequence[Objective],
    scope: Sequence[Objective],
    ends: Sequence[date],
    by_kr: Readings,
) -> list[HistoryPoint]:
    by_day = progress_by_day(loaded, ends, by_kr)
    points = []
    for day, progress in zip(ends, by_day, strict=True):
        values = [progress[o.pk] for o in scope]
        average = sum(values, Decimal(0)) / len(values) if values else None
        expected = okrmath.expected_progress(cycle.start, cycle.end, day)
        points.append(HistoryPoint(day, average, expected))
    return points


def progress_by_day(
    loaded: Sequence[Objective],
    ends: Sequence[date],
    by_kr: Readings,
    drivers: Callable[[int, date], Decimal | None] | None = None,
) -> list[dict[int, Decimal]]:
    """Each loaded objective's progress at the end of each day of `ends`, rolled up from
    its KRs' values at that date (the latest check-in up to then, else the start value); a
    KR driven by a loaded objective counts with that objective's progress, one driven by
    another with `drivers`' answer for that objective and day, when it has one (the stored
    figures of `cible.insights.facts`), else with its own value."""
    loaded_ids = {o.pk for o in loaded}

    def value_at(kr: KeyResult, until: datetime) -> Decimal:
        moments, values = by_kr.get(kr.pk, NO_READINGS)
        index = bisect_left(moments, until)  # the check-ins made before `until`
        return values[index - 1] if index else kr.start

    def progress_of(kr: KeyResult, until: datetime) -> Decimal:
        try:
            return okrmath.progress(
                kr.kind, kr.start, kr.target, value_at(kr, until), kr.target_max
            )
        except okrmath.MathError:
            return Decimal(0)

    def driven(kr: KeyResult, day: date, until: datetime) -> okrmath.KRInput:
        if kr.driven_by_id in loaded_ids:
            return okrmath.KRInput(kr.weight, driven_by=kr.driven_by_id)
        stored = None
        if drivers is not None and kr.driven_by_id is not None:
            stored = drivers(kr.driven_by_id, day)
        if stored is not None:
            return okrmath.KRInput(kr.weight, stored)
        return okrmath.KRInput(kr.weight, progress_of(kr, until))

    by_day = []
    for day in ends:
        until = _end_of(day)
        inputs = {o.pk: [driven(kr, day, until) for kr in o.key_results.all()] for o in loaded}
        try:
            progress = okrmath.rollup(inputs)
        except okrmath.MathError:
            progress = {
                key: okrmath.weighted_mean((kr.weight, kr.progress) for kr in krs)
                for key, krs in inputs.items()
            }
        by_day.append(progress)
    return by_day


def build(
    membership: Membership,
    cycle: Cycle,
    team: Team | None = None,
    now: datetime | None = None,
    public: bool = False,
) -> Dashboard:
    """The dashboard as the member sees it or, `public`, as the objectives visible to the
    whole organisation make it (the organisation's dashboard only)."""
    org = membership.organization
    now = now or timezone.now()
    today = timezone.localdate(now)
    teams = Teams(membership, team)
    if team is None:
        scope = loaded = list(visible_objectives(membership, cycle, public))
    else:
        scope = list(team_objectives(membership, cycle, team))
        loaded = with_drivers(membership, cycle, scope)
    attach(org, cycle, loaded, everyone=team is None)
    # The organisation's dashboard reads the whole cycle: by cycle rather than by a list
    # of tens of thousands of ids.
    krs = None if team is None else [kr.pk for o in loaded for kr in o.key_results.all()]
    rows = objective_rows(scope, org, live_krs=True)  # `visible_objectives`: live KRs
    discipline = None
    if cycle.state == CycleState.ACTIVE:
        local_today = now.astimezone(org_zone(org)).date()
        start = week_start(org.checkin_weekday, local_today)
        since = datetime.combine(start, time(0), tzinfo=org_zone(org))
        discipline = _discipline(scope, teams, team, _checked_in_since(cycle, krs, since), since)
    alignable = [o for o in scope if o.level in (Level.TEAM, Level.PERSON)]
    aligned = _aligned_ids(membership, alignable, public)
    readings = _readings(cycle, krs)
    attention, candidates, forecastable = _attention(rows, today, readings)
    ends = week_ends(cycle, org.checkin_weekday, today)
    top_down = sum(o.origin == Origin.TOP_DOWN for o in scope)
    listed = [r for r in rows if r.objective.level == (Level.TEAM if team else Level.COMPANY)]
    return Dashboard(
        cycle=cycle,
        team=team,
        rows=rows,
        listed=listed,
        forecasts=_objective_forecasts(listed, loaded, today, readings),
        statuses=_statuses(rows),
        discipline=discipline,
        alignment=Alignment(
            Share(len(aligned), len(alignable)), [o for o in alignable if o.pk not in aligned]
        ),
        balance=_balance(scope, teams, team),
        overall_balance=Balance("", top_down, len(scope) - top_down),
        focus=_focus(scope, teams, team),
        attention=attention,
        history=_history(cycle, loaded, scope, ends, readings),
        candidates=candidates,
        forecastable=forecastable,
    )
