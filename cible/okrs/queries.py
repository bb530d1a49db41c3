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
