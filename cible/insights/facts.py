"""The stored organisation dashboard of a large cycle, kept from what changed.

Computing the whole dashboard reads every objective, KR and check-in of the cycle: 206 s
and 5.1 GiB at 100,000 people. Instead, each objective the whole organisation may see has
its own figures stored (`ObjectiveFact`): its progress and status, its KRs' progress, and
its progress at the end of each week of the chart. A refresh

1. finds the objectives that changed since the last one: those with a new check-in, those
   with a recorded change (`okrs.Change`: an edit, a KR added or cancelled, an alignment,
   an archive, a visibility) or saved since (their `updated_at` or their KRs'), those that
   became counted or stopped being counted, and, up the alignment, the objectives whose
   KRs they drive;
2. computes the figures of those objectives again, with the same functions as the whole
   dashboard (`objective_rows`, `progress_by_day`), reading the drivers' stored figures;
3. adds the stored figures up in one pass over their rows (a KR counts as checked in this
   week by its newest check-in, which moves with each check-in), reading what is cheap as
   it is now (teams and their members, parents, names), and forecasts the KRs with the
   lowest progress, as `dashboard.build` does.

A status is judged against the day's expected pace, and the chart's last point is today:
the first refresh of a day computes every objective's figures again, in chunks of
`CHUNK` (memory stays bounded), as does a change of what every figure depends on (the
cycle's dates, the check-in weekday, the status thresholds, the time zone: `basis`).
The result is the compact dashboard `dashboard.build(...).compact()` gives, figure for
figure (`cible/insights/tests/test_facts.py` checks it on random changes), the chart's
points to the twelfth decimal: their sums are kept as the figures change (added and taken
away in another order than a whole computation adds them).
"""

import heapq
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from cible.accounts.models import User, display_name
from cible.checkins import scoring
from cible.checkins.models import CheckIn
from cible.insights.dashboard import (
    ATTENTION_CANDIDATES,
    LIST_SHOWN,
    PENDING_SHOWN,
    PERSON_FIELDS,
    STATUSES,
    UNREAD_KR_TEXTS,
    UNREAD_TEXTS,
    Alignment,
    Balance,
    Behind,
    Dashboard,
    Discipline,
    Focus,
    FocusCount,
    GroupShare,
    HistoryPoint,
    Share,
    StatusShare,
    Teams,
    _readings,
    attention_of,
    in_focus,
    progress_by_day,
    week_ends,
    week_start,
)
from cible.insights.forecasts import is_forecast, objective_forecasts
from cible.insights.models import FORMAT, DashboardSnapshot, ObjectiveFact
from cible.lib import okrmath
from cible.okrs.contexts import ObjectiveRow, objective_rows
from cible.okrs.models import (
    Change,
    Cycle,
    CycleState,
    KeyResult,
    Level,
    Objective,
    ObjectiveQuerySet,
    ObjectiveState,
    Origin,
    Visibility,
    thresholds_for,
)
from cible.orgs.models import Membership, Organization, org_zone

CHUNK = 2000  # objectives computed at once
IDS_PER_QUERY = 900  # ids in one IN list (SQLite's limit on a statement's parameters)
# Check-ins and changes are found by id beyond the last refresh's, and also by time since a
# little before its start: a transaction that took an id before it and committed after it
# is not missed.
LAG = timedelta(minutes=5)
# The shape of the stored figures: a change computes them all again.
SHAPE = "5"  # 2: the weekly progress as a list; 3: and its sums kept; 4: KRs' last check-in;
# 5: the score and the KR count, for the cycle report
DRIVER_DEPTH = 10  # how far up the alignment a change is followed


def basis(org: Organization, cycle: Cycle, ends: list[date]) -> str:
    """What every stored figure depends on: when it changes, all are computed again (the
    days of the chart change with a new day)."""
    return json.dumps(
        [
            FORMAT,
            SHAPE,
            [day.isoformat() for day in ends],
            cycle.start.isoformat(),
            cycle.end.isoformat(),
            org.checkin_weekday,
            repr(thresholds_for(org)),
            timezone.get_current_timezone_name(),
        ]
    )


def counted(org: Organization, cycle: Cycle) -> ObjectiveQuerySet:
    """The objectives the stored dashboard counts: seen by the whole organisation, not
    archived, not cancelled (`dashboard.visible_objectives(..., public=True)`)."""
    return (
        Objective.objects.filter(organization=org, cycle=cycle, visibility=Visibility.ORGANIZATION)
        .active()
        .exclude(state=ObjectiveState.CANCELLED)
    )


def _chunks[T](items: Iterable[T], size: int = IDS_PER_QUERY) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# Which objectives changed --------------------------------------------------------------


def changed(org: Organization, cycle: Cycle, snapshot: DashboardSnapshot) -> set[int]:
    """The objectives whose stored figures may be wrong since the last refresh."""
    since = (snapshot.facts_started_at or timezone.now()) - LAG
    ids = set(
        CheckIn.objects.filter(key_result__objective__cycle=cycle)
        .filter(Q(pk__gt=snapshot.check_in_mark) | Q(created_at__gte=since))
        .values_list("key_result__objective_id", flat=True)
        .distinct()
    )
    ids |= {
        pk
        for pk in Change.objects.filter(organization=org)
        .filter(Q(pk__gt=snapshot.change_mark) | Q(at__gte=since))
        .values_list("objective_id", flat=True)
        .distinct()
        if pk is not None
    }
    # Saved without a recorded change (a file's import, a score): seen by their time.
    ids |= set(
        Objective.objects.filter(cycle=cycle, updated_at__gte=since).values_list("pk", flat=True)
    )
    ids |= set(
        KeyResult.objects.filter(objective__cycle=cycle, updated_at__gte=since).values_list(
            "objective_id", flat=True
        )
    )
    stored = ObjectiveFact.objects.filter(cycle=cycle)
    ids |= set(
        counted(org, cycle)
        .exclude(pk__in=stored.values("objective_id"))
        .values_list("pk", flat=True)
    )
    ids |= set(
        stored.exclude(objective__in=counted(org, cycle)).values_list("objective_id", flat=True)
    )
    # Up the alignment: a KR driven by a changed objective changes with it.
    frontier = set(ids)
    for _depth in range(DRIVER_DEPTH):
        above: set[int] = set()
        for chunk in _chunks(frontier):
            above |= set(
                KeyResult.objects.filter(driven_by_id__in=chunk).values_list(
                    "objective_id", flat=True
                )
            )
        frontier = above - ids
        if not frontier:
            break
        ids |= frontier
    return ids


def _levels(org: Organization, cycle: Cycle, ids: set[int] | None) -> list[list[int]]:
    """The counted objectives among `ids` (all when None), the drivers before what they
    drive: objectives driven by no other counted one first, then the next level up."""
    scope = counted(org, cycle)
    wanted = set(scope.values_list("pk", flat=True)) if ids is None else set()
    if ids is not None:
        for chunk in _chunks(ids):
            wanted |= set(scope.filter(pk__in=chunk).values_list("pk", flat=True))
    drives: dict[int, set[int]] = defaultdict(set)
    for objective_id, driver_id in (
        KeyResult.objects.live()
        .filter(objective__in=scope, driven_by__in=scope)
        .values_list("objective_id", "driven_by_id")
    ):
        drives[objective_id].add(driver_id)
    level: dict[int, int] = {}

    def level_of(pk: int, seen: frozenset[int] = frozenset()) -> int:
        if pk not in level:
            drivers = [d for d in drives.get(pk, ()) if d not in seen]
            level[pk] = 1 + max((level_of(d, seen | {pk}) for d in drivers), default=-1)
        return level[pk]

    by_level: dict[int, list[int]] = defaultdict(list)
    for pk in sorted(wanted):
        by_level[level_of(pk)].append(pk)
    return [by_level[n] for n in sorted(by_level)]


# Computing the figures of some objectives -----------------------------------------------


def _load(org: Organization, cycle: Cycle, ids: list[int]) -> list[Objective]:
    krs = KeyResult.objects.live().defer(*UNREAD_KR_TEXTS).order_by("position", "id")
    objectives = list(
        counted(org, cycle)
        .filter(pk__in=ids)
        .select_related("team")
        .defer(*UNREAD_TEXTS)
        .prefetch_related(Prefetch("key_results", queryset=krs))
        .order_by("position", "id")
    )
    for objective in objectives:
        objective.cycle, objective.organization = cycle, org
    return objectives


def _stored_history(cycle: Cycle, ids: Iterable[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for chunk in _chunks(ids):
        found.update(
            ObjectiveFact.objects.filter(cycle=cycle, objective_id__in=chunk).values_list(
                "objective_id", "history"
            )
        )
    return found


def compute(
    org: Organization, cycle: Cycle, ids: list[int], ends: list[date]
) -> list[ObjectiveFact]:
    """The figures of these counted objectives (at most `CHUNK`), their drivers outside
    them read from the stored figures (computed before: `_levels`)."""
    objectives = _load(org, cycle, ids)
    if not objectives:
        return []
    rows = objective_rows(objectives, org, live_krs=True)
    krs = [kr.pk for o in objectives for kr in o.key_results.all()]
    readings: dict[int, tuple[list[datetime], list[Decimal]]] = {}
    for chunk in _chunks(krs):
        readings.update(_readings(cycle, chunk))
    loaded = {o.pk for o in objectives}
    outside = {
        kr.driven_by_id
        for o in objectives
        for kr in o.key_results.all()
        if kr.driven_by_id is not None and kr.driven_by_id not in loaded
    }
    stored = _stored_history(cycle, outside)
    index = {day: n for n, day in enumerate(ends)}

    def driver(pk: int, day: date) -> Decimal | None:
        values = stored.get(pk)
        return None if values is None else Decimal(values[index[day]])

    by_day = progress_by_day(objectives, ends, readings, driver)
    return [
        ObjectiveFact(
            objective_id=row.objective.pk,
            cycle=cycle,
            progress=str(row.progress),
            status=row.status.value,
            history=[str(progress[row.objective.pk]) for progress in by_day],
            score=_text(report_score(row, cycle.is_closed)),
            kr_count=len(row.key_results),
            krs=[
                [
                    kr_row.kr.pk,
                    str(kr_row.progress),
                    is_forecast(kr_row.kr),
                    kr_row.kr.driven_by_id is None,
                    kr_row.kr.owner_id,
                    None
                    if kr_row.kr.last_check_in_at is None
                    else kr_row.kr.last_check_in_at.timestamp(),
                ]
                for kr_row in row.key_results
            ],
        )
        for row in rows
    ]


def report_score(row: ObjectiveRow, final: bool) -> Decimal | None:
    """The objective's score as the cycle report shows it: final once the cycle is closed,
    else proposed from its KRs (`cycle_report`)."""
    if final:
        return row.objective.score
    return scoring.objective_score((kr.kr.weight, scoring.shown(kr)) for kr in row.key_results)


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _store(cycle: Cycle, ids: list[int], facts: list[ObjectiveFact]) -> None:
    with transaction.atomic():
        ObjectiveFact.objects.filter(objective_id__in=ids).delete()
        ObjectiveFact.objects.bulk_create(facts, batch_size=500, ignore_conflicts=True)


def update(org: Organization, cycle: Cycle, now: datetime | None = None) -> tuple[bool, int]:
    """Bring the cycle's stored figures up to date: those of the objectives that changed,
    or all of them on a new day or a new basis. Returns (all of them, how many)."""
    now = now or timezone.now()
    snapshot, _created = DashboardSnapshot.objects.get_or_create(organization=org, cycle=cycle)
    today = timezone.localdate()  # the day `objective_rows` judges statuses on
    ends = week_ends(cycle, org.checkin_weekday, timezone.localdate(now))
    current = basis(org, cycle, ends)
    everything = (
        snapshot.facts_on != today
        or snapshot.basis != current
        or len(snapshot.history_sums) != len(ends)
    )
    # Read before the changes: whatever comes after is found by the next refresh.
    check_in_mark = CheckIn.objects.aggregate(mark=Max("id"))["mark"] or 0
    change_mark = Change.objects.aggregate(mark=Max("id"))["mark"] or 0
    # Until the end, no basis: a refresh that stops half-way leaves the next one to
    # compute everything again, rather than sums that no longer match the figures.
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(basis="")
    sums = [Decimal(0)] * len(ends)  # the chart's sums over every stored objective
    if everything:
        ObjectiveFact.objects.filter(cycle=cycle).delete()
        levels = _levels(org, cycle, None)
    else:
        dirty = changed(org, cycle, snapshot)
        sums = [Decimal(value) for value in snapshot.history_sums]
        for history in _stored_history(cycle, dirty).values():
            sums = [total - Decimal(value) for total, value in zip(sums, history, strict=True)]
        for chunk in _chunks(dirty):  # those no longer counted keep no figures
            ObjectiveFact.objects.filter(cycle=cycle, objective_id__in=chunk).delete()
        levels = _levels(org, cycle, dirty)
    count = 0
    for ids in levels:
        for chunk in _chunks(ids, CHUNK):
            computed = compute(org, cycle, chunk, ends)
            _store(cycle, chunk, computed)
            for fact in computed:
                sums = [
                    total + Decimal(value) for total, value in zip(sums, fact.history, strict=True)
                ]
            count += len(chunk)
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(
        facts_on=today,
        basis=current,
        check_in_mark=check_in_mark,
        change_mark=change_mark,
        facts_started_at=now,
        history_sums=[str(total) for total in sums],
    )
    return everything, count


# Adding the stored figures up -----------------------------------------------------------


def _names(org: Organization, ids: set[int]) -> dict[int, str]:
    """The display names of these people: the organisation's members in one query, and
    those who left it by id."""
    names = {
        pk: display_name(name, email)
        for pk, name, email in User.objects.filter(memberships__organization=org).values_list(
            "id", "name", "email"
        )
    }
    for chunk in _chunks(ids - names.keys()):
        names.update(
            (pk, display_name(name, email))
            for pk, name, email in User.objects.filter(pk__in=chunk).values_list(
                "id", "name", "email"
            )
        )
    return names


def _objectives(org: Organization, cycle: Cycle, ids: list[int]) -> dict[int, Objective]:
    """These objectives as the page reads them (their organisation, team and owner)."""
    found = Objective.objects.filter(pk__in=ids).select_related("team").defer(*UNREAD_TEXTS)
    by_id = {o.pk: o for o in found}
    people = User.objects.only(*PERSON_FIELDS).in_bulk({o.owner_id for o in by_id.values()})
    for objective in by_id.values():
        objective.cycle, objective.organization = cycle, org
        objective.owner = people[objective.owner_id]
    return by_id


def _key_results(org: Organization, cycle: Cycle, ids: list[int]) -> dict[int, KeyResult]:
    """These KRs as the page and the forecasts read them."""
    found = (
        KeyResult.objects.filter(pk__in=ids)
        .select_related("objective__team")
        .defer(*UNREAD_KR_TEXTS, *(f"objective__{name}" for name in UNREAD_TEXTS))
    )
    by_id = {kr.pk: kr for kr in found}
    wanted = {kr.owner_id for kr in by_id.values()} | {
        kr.objective.owner_id for kr in by_id.values()
    }
    people = User.objects.only(*PERSON_FIELDS).in_bulk(wanted)
    for kr in by_id.values():
        kr.owner = people[kr.owner_id]
        kr.objective.cycle, kr.objective.organization = cycle, org
        kr.objective.owner = people[kr.objective.owner_id]
    return by_id


def _listed(org: Organization, cycle: Cycle, ids: list[int]) -> list[ObjectiveRow]:
    """The rows of the company objectives, as `objective_rows` makes them."""
    if not ids:
        return []
    objectives = _load(org, cycle, ids)
    people = User.objects.only(*PERSON_FIELDS).in_bulk(
        {o.owner_id for o in objectives}
        | {kr.owner_id for o in objectives for kr in o.key_results.all()}
    )
    for objective in objectives:
        objective.owner = people[objective.owner_id]
        for kr in objective.key_results.all():
            kr.owner = people[kr.owner_id]
    return objective_rows(objectives, org, live_krs=True)


def _raw(rows: QuerySet[Any, Any]) -> Iterator[tuple[Any, ...]]:
    """The rows as the database sends them, their KRs decoded: a quarter of the time the
    query set's own iterator takes over 220,000 rows, through a server-side cursor (where
    the database has them) so that they never are in memory at once."""
    sql, params = rows.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            for *head, krs in batch:
                yield (*head, json.loads(krs) if isinstance(krs, str) else krs)


def assemble(org: Organization, cycle: Cycle, now: datetime | None = None) -> Dashboard:
    """The compact organisation dashboard from the stored figures (see the module)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    membership = Membership(organization=org)
    teams = Teams(membership)
    since: datetime | None = None
    since_stamp = 0.0  # a KR's newest check-in since then: checked in this week
    if cycle.state == CycleState.ACTIVE:
        local_today = now.astimezone(org_zone(org)).date()
        start = week_start(org.checkin_weekday, local_today)
        since = datetime.combine(start, time(0), tzinfo=org_zone(org))
        since_stamp = since.timestamp()
    # Those with a parent the whole organisation sees (`readable(..., public=True).active()`),
    # by the parent's own columns: SQLite crossed every objective of the cycle with a list
    # of every visible one (15 s at 10,000 people).
    aligned = set(
        Objective.parents.through.objects.filter(
            from_objective__cycle=cycle,
            to_objective__organization=org,
            to_objective__visibility=Visibility.ORGANIZATION,
            to_objective__archived_at__isnull=True,
        ).values_list("from_objective_id", flat=True)
    )
    ends = week_ends(cycle, org.checkin_weekday, today)

    objective_count = 0
    progress_sum = Decimal(0)
    status_counts = dict.fromkeys(STATUSES, 0)
    done_total = [0, 0]
    done_by: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    owners: dict[int, list] = {}  # type: ignore[type-arg]  # owner: [total, pending, first pending]
    alignable = aligned_count = orphans_total = 0
    orphans: list[int] = []
    balance_by: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    top_down = 0
    per_team: dict[int, int] = defaultdict(int)
    per_person: dict[int, int] = {}
    kr_total = within_objectives = outside_objectives = 0
    outside: list[tuple[int, int]] = []  # (objective, its count of KRs)
    forecastable = 0
    lowest: list[tuple[Decimal, int]] = []  # a heap of (-progress, -KR id): the lowest kept
    company: list[int] = []

    rows = (
        # The objectives `counted` keeps, by their own columns: a join, not a list.
        ObjectiveFact.objects.filter(
            cycle=cycle,
            objective__cycle=cycle,
            objective__visibility=Visibility.ORGANIZATION,
            objective__archived_at__isnull=True,
        )
        .exclude(objective__state=ObjectiveState.CANCELLED)
        .order_by("objective__position", "objective_id")
        .values_list(
            "objective_id",
            "objective__level",
            "objective__team_id",
            "objective__owner_id",
            "objective__origin",
            "progress",
            "status",
            "krs",
        )
    )
    for pk, level, team_id, owner_id, origin, progress, status, krs in _raw(rows):
        objective_count += 1
        progress_sum += Decimal(progress)
        status_counts[okrmath.Status(status)] += 1
        if team_id is not None:
            of: Iterable[int] = (team_id,)
        elif level == Level.PERSON:
            of = teams.of_user.get(owner_id, ())
        else:
            of = ()
        for kr_id, kr_progress, has_forecast, to_check, kr_owner, last in krs:
            if has_forecast:
                forecastable += 1
                key = (-Decimal(kr_progress), -kr_id)
                if len(lowest) < ATTENTION_CANDIDATES:
                    heapq.heappush(lowest, key)  # type: ignore[misc]
                elif key > lowest[0]:
                    heapq.heapreplace(lowest, key)  # type: ignore[misc]
            if not to_check or since is None:
                continue
            done = last is not None and last >= since_stamp
            done_total[0] += done
            done_total[1] += 1
            for key_team in of or (None,):
                done_by[key_team][0] += done
                done_by[key_team][1] += 1
            person = owners.setdefault(kr_owner, [0, 0, []])
            person[0] += 1
            if not done:
                person[1] += 1
                if len(person[2]) < PENDING_SHOWN:
                    person[2].append(kr_id)
        if level in (Level.TEAM, Level.PERSON):
            alignable += 1
            if pk in aligned:
                aligned_count += 1
            else:
                orphans_total += 1
                if len(orphans) < LIST_SHOWN:
                    orphans.append(pk)
        for key_team in of:
            balance_by[key_team][origin != Origin.TOP_DOWN] += 1
        top_down += origin == Origin.TOP_DOWN
        if level == Level.TEAM and team_id is not None:
            per_team[team_id] += 1
        elif level == Level.PERSON:
            per_person[owner_id] = per_person.get(owner_id, 0) + 1
        kr_total += len(krs)
        if in_focus(len(krs)):
            within_objectives += 1
        else:
            outside_objectives += 1
            if len(outside) < LIST_SHOWN:
                outside.append((pk, len(krs)))
        if level == Level.COMPANY:
            company.append(pk)

    names = _names(org, set(owners) | set(per_person))

    # The objects the page shows: a few hundred at most.
    late = [(pk, person) for pk, person in owners.items() if person[1]]
    late.sort(key=lambda item: (-item[1][1], names[item[0]].casefold()))
    shown_late = late[:LIST_SHOWN]
    candidates = [-kr_id for _progress, kr_id in sorted(lowest, reverse=True)]
    pending_ids = [kr_id for _pk, person in shown_late for kr_id in person[2]]
    krs_by_id = _key_results(org, cycle, candidates + pending_ids)
    objectives = _objectives(org, cycle, orphans + [pk for pk, _n in outside])
    people = User.objects.only(*PERSON_FIELDS).in_bulk([pk for pk, _person in shown_late])

    discipline = None
    if since is not None:
        groups = [
            GroupShare(t.name, Share(*done_by[t.pk]), team=t) for t in teams.all if t.pk in done_by
        ]
        if None in done_by:
            groups.append(GroupShare("", Share(*done_by[None])))
        behind = [
            Behind(people[pk], [krs_by_id[kr_id] for kr_id in person[2]], person[0], person[1])
            for pk, person in shown_late
        ]
        discipline = Discipline(since.date(), since, Share(*done_total), groups, behind)

    team_counts = [FocusCount(t.name, per_team[t.pk], team=t) for t in teams.all]
    person_counts = sorted(per_person.items(), key=lambda item: names[item[0]].casefold())
    focus = Focus(teams=team_counts, people=[], objectives=[])
    focus.people_share = Share(sum(in_focus(n) for _pk, n in person_counts), len(person_counts))
    focus.objectives_share = Share(within_objectives, objective_count)
    focus.krs_per_objective = Decimal(kr_total) / objective_count if objective_count else None
    left = LIST_SHOWN - len(focus.outside_shown["teams"])
    outside_people = [(pk, n) for pk, n in person_counts if not in_focus(n)]
    person_objects = User.objects.only(*PERSON_FIELDS).in_bulk(
        [pk for pk, _n in outside_people[: max(left, 0)]]
    )
    focus.outside_shown["people"] = [
        FocusCount(names[pk], n, person=person_objects[pk])
        for pk, n in outside_people[: max(left, 0)]
    ]
    left -= len(focus.outside_shown["people"])
    focus.outside_shown["objectives"] = [
        FocusCount(objectives[pk].title, n, objective=objectives[pk])
        for pk, n in outside[: max(left, 0)]
    ]
    outside_total = (
        sum(not c.within for c in team_counts) + len(outside_people) + outside_objectives
    )
    focus.outside_more = outside_total - sum(len(c) for c in focus.outside_shown.values())

    candidate_krs = [krs_by_id[kr_id] for kr_id in candidates]
    readings = _readings(cycle, candidates) if candidates else {}
    attention = attention_of(candidate_krs, today, readings)
    stored = DashboardSnapshot.objects.filter(organization=org, cycle=cycle).first()
    sums = [Decimal(value) for value in stored.history_sums] if stored else []
    if len(sums) != len(ends):  # not updated for these days (`update` was not called)
        sums = [Decimal(0)] * len(ends)
    history = [
        HistoryPoint(
            day,
            # Within 0-1 as every progress is: sums kept as the figures change may keep a
            # residue of the 28th digit (-3E-28 where nothing is left).
            okrmath.clamp(sums[index] / objective_count) if objective_count else None,
            okrmath.expected_progress(cycle.start, cycle.end, day),
        )
        for index, day in enumerate(ends)
    ]
    listed = _listed(org, cycle, company)
    forecast = objective_forecasts([row.objective for row in listed], today)
    board = Dashboard(
        cycle=cycle,
        team=None,
        rows=[],
        listed=listed,
        forecasts={pk: (f.progress, f.low, f.high) for pk, f in forecast.items()},
        statuses=[
            StatusShare(status, Share(status_counts[status], objective_count))
            for status in STATUSES
        ],
        discipline=discipline,
        alignment=Alignment(Share(aligned_count, alignable), [objectives[pk] for pk in orphans]),
        balance=[
            Balance(t.name, balance_by[t.pk][0], balance_by[t.pk][1], team=t)
            for t in teams.all
            if t.pk in balance_by
        ],
        overall_balance=Balance("", top_down, objective_count - top_down),
        focus=focus,
        attention=attention,
        history=history,
        candidates=len(candidates),
        forecastable=forecastable,
    )
    compact = board.compact()
    compact.objective_count = objective_count
    compact.average_progress = progress_sum / objective_count if objective_count else None
    compact.alignment.orphans_total = orphans_total
    if compact.discipline is not None:
        compact.discipline.behind_total = len(late)
    return compact


def refresh(org: Organization, cycle: Cycle, now: datetime | None = None) -> Dashboard:
    """Update the stored figures, then add them up."""
    update(org, cycle, now)
    return assemble(org, cycle, now)
