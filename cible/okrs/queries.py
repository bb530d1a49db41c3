"""The reads every OKR page, report and export starts from.

`visible_objectives` is the one way to list the objectives a member may see: visible to
them, not archived, with their live key results (and owners) prefetched in one more query,
so that `contexts.objective_rows` computes progress and status without a query per
objective. Live key results are `KeyResult.objects.live()`.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch, Q

from cible.lib.http import parse_id
from cible.okrs.models import (
    Approval,
    Cycle,
    Dependency,
    Initiative,
    KeyResult,
    Level,
    Objective,
    ObjectiveQuerySet,
    ObjectiveState,
)
from cible.orgs.models import Membership, Organization, Team, TeamMember

OBJECTIVE_RELATED = ("owner", "team", "cycle", "organization")

# A team of None: the company's objectives; ANY_TEAM: no filter on the team.
ANY_TEAM: Any = object()


def chosen_cycle(org: Organization, raw: object = None) -> Cycle | None:
    """The cycle of `org` whose id `raw` gives (from a query string: anything else is
    ignored), else the current one (`Cycle.objects.current_for`)."""
    cycle_id = parse_id(raw)
    chosen = Cycle.objects.filter(organization=org, pk=cycle_id).first() if cycle_id else None
    return chosen or Cycle.objects.current_for(org)


def cycle_choices(org: Organization, raw: object = None) -> tuple[list[Cycle], Cycle | None]:
    """The organisation's cycles for a switcher, newest first, and `chosen_cycle` among
    them, read in one query."""
    cycles = list(Cycle.objects.filter(organization=org).order_by("-start", "end"))
    cycle_id = parse_id(raw)
    chosen = next((c for c in cycles if c.pk == cycle_id), None)
    return cycles, chosen or Cycle.objects.current_for(org)


def live_key_results(related: Sequence[str] = ("owner",)) -> Any:
    """Live key results in their objective's order, as the pages list them."""
    return KeyResult.objects.live().select_related(*related).order_by("position", "id")


def visible_objectives(
    membership: Membership,
    cycle: Cycle | None = None,
    *,
    team: Team | None = ANY_TEAM,
    with_cancelled: bool = True,
    related: Sequence[str] = OBJECTIVE_RELATED,
    key_results: bool = True,
) -> ObjectiveQuerySet:
    """The unarchived objectives `membership` may see, of `cycle` when given and of `team`
    (None: the company's) when given, cancelled ones left out unless `with_cancelled`,
    with their live key results prefetched (`key_results=False` and `related=()`: the
    bare objectives, e.g. for a subquery or a count)."""
    objectives = Objective.objects.visible_to(membership).active()
    if cycle is not None:
        objectives = objectives.filter(cycle=cycle)
    if team is None:
        objectives = objectives.filter(team=None, level=Level.COMPANY)
    elif team is not ANY_TEAM:
        objectives = objectives.filter(team=team)
    if not with_cancelled:
        objectives = objectives.exclude(state=ObjectiveState.CANCELLED)
    if related:
        objectives = objectives.select_related(*related)
    if key_results:
        objectives = objectives.prefetch_related(
            Prefetch("key_results", queryset=live_key_results())
        )
    return objectives


def initiatives_by_key_result(key_result_ids: Iterable[int]) -> dict[int, list[Initiative]]:
    """The initiatives of these key results, by key result, in one query: what the
    weekly meeting's agenda and the check-in page show under each key result."""
    found: dict[int, list[Initiative]] = {}
    ids = list(key_result_ids)
    if not ids:
        return found
    rows = Initiative.objects.filter(key_result_id__in=ids).select_related("owner")
    for initiative in rows.order_by("position", "id"):
        found.setdefault(initiative.key_result_id or 0, []).append(initiative)
    return found


def initiatives_by_objective(objective_ids: Iterable[int]) -> dict[int, list[Initiative]]:
    """The initiatives of these objectives (their key results' too), by objective, in one
    query."""
    found: dict[int, list[Initiative]] = {}
    ids = list(objective_ids)
    if not ids:
        return found
    rows = Initiative.objects.filter(objective_id__in=ids).select_related("owner", "key_result")
    for initiative in rows.order_by("position", "id"):
        found.setdefault(initiative.objective_id, []).append(initiative)
    return found


def awaiting_approval(membership: Membership) -> ObjectiveQuerySet:
    """The drafts waiting for this member's approval (`access.approver_ids`, as one
    query): of the teams below a team they lead, of the people in the teams they lead;
    for an admin, every one waiting."""
    pending = visible_objectives(membership, key_results=False).filter(approval=Approval.PENDING)
    if membership.is_admin:
        return pending
    me = membership.user_id
    led = TeamMember.objects.filter(team__lead_id=me).exclude(user_id=me).values("user_id")
    return pending.filter(
        Q(level=Level.TEAM, team__parent__lead_id=me) | Q(level=Level.PERSON, owner_id__in=led)
    )


# What a dependency's row shows and asks: both objectives with their team, cycle (may it
# still change?) and live key results (who may edit them, how the provider is doing).
DEPENDENCY_RELATED = (
    "from_objective__team",
    "from_objective__cycle",
    "from_objective__organization",
    "to_objective__team",
    "to_objective__cycle",
    "to_objective__organization",
    "from_key_result",
    "to_key_result",
    "state_changed_by",
)


def visible_dependencies(membership: Membership) -> Any:
    """The dependencies of the organisation whose two objectives `membership` may see, with
    both objectives and their relations (`with_key_results` adds their key results)."""
    visible = visible_objectives(membership, related=(), key_results=False)
    return (
        Dependency.objects.filter(
            organization_id=membership.organization_id,
            from_objective__in=visible,
            to_objective__in=visible,
        )
        .select_related(*DEPENDENCY_RELATED)
        .order_by("state", "id")
    )


def with_key_results(dependencies: Any) -> list[Dependency]:
    """The dependencies of the query set, with the live key results of both their
    objectives (who may edit them, how the provider is doing) in one more query, run
    whether there are any or not: a page costs the same with none, one or many."""
    rows = list(dependencies)
    ends = {d.from_objective_id for d in rows} | {d.to_objective_id for d in rows}
    # By the ids read (a subquery repeating the visibility rules cost tens of ms on a
    # large organisation); with none, an id no row has, so the query still runs.
    krs = list(
        KeyResult.objects.live()
        .filter(objective_id__in=sorted(ends) or [0])
        .order_by("position", "id")
    )
    by_objective: dict[int, list[KeyResult]] = {}
    for kr in krs:
        by_objective.setdefault(kr.objective_id, []).append(kr)
    for d in rows:
        for objective in (d.from_objective, d.to_objective):
            # What a prefetch would have stored: `Powers.can_edit` reads it, no query.
            cache = objective.__dict__.setdefault("_prefetched_objects_cache", {})
            cache["key_results"] = by_objective.get(objective.pk, [])
    return rows


def dependencies_of(
    membership: Membership,
    *,
    objective: Objective | None = None,
    team: Team | None = None,
    cycle: Cycle | None = None,
) -> list[Dependency]:
    """The visible dependencies from or to `objective`, or from or to `team`'s objectives
    (of `cycle` when given: a team page lists them all, its weekly meeting this cycle's)."""
    if objective is not None:
        around = Q(from_objective=objective) | Q(to_objective=objective)
    elif team is not None:
        around = Q(from_objective__team=team) | Q(to_objective__team=team)
    else:
        raise ValueError("An objective or a team")
    dependencies = visible_dependencies(membership).filter(around)
    if cycle is not None:
        dependencies = dependencies.filter(
            Q(from_objective__cycle=cycle) | Q(to_objective__cycle=cycle)
        )
    return with_key_results(dependencies)


# How far a chain of dependencies is followed from an objective, each way.
CHAIN_DEPTH = 8


def dependency_chain_ids(objective: Objective) -> tuple[list[int], list[int]]:
    """The dependencies of `objective`'s cycle reached from it, in one query: downstream
    (what it waits for, then what those wait for...) and upstream (who waits for it...),
    each in walking order, depth first; declined ones are no link."""
    edges = list(
        Dependency.objects.filter(
            organization_id=objective.organization_id,
            from_objective__cycle_id=objective.cycle_id,
        )
        .exclude(state="declined")
        .order_by("id")
        .values_list("id", "from_objective_id", "to_objective_id")
    )
    forward: dict[int, list[tuple[int, int]]] = {}
    backward: dict[int, list[tuple[int, int]]] = {}
    for pk, source, target in edges:
        forward.setdefault(source, []).append((pk, target))
        backward.setdefault(target, []).append((pk, source))

    def walk(links: dict[int, list[tuple[int, int]]]) -> list[int]:
        seen: list[int] = []
        stack = [(pk, nxt, 1) for pk, nxt in reversed(links.get(objective.pk, []))]
        visited = {objective.pk}
        while stack:
            pk, nxt, depth = stack.pop()
            if pk in seen:
                continue
            seen.append(pk)
            if nxt in visited or depth >= CHAIN_DEPTH:
                continue
            visited.add(nxt)
            stack.extend((p, n, depth + 1) for p, n in reversed(links.get(nxt, [])))
        return seen

    return walk(forward), walk(backward)
