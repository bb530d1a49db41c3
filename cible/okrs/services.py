from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.audit import services as audit
from cible.audit.models import Action
from cible.lib import okrmath
from cible.okrs import alignment, rules, signals
from cible.okrs.access import approver_ids
from cible.okrs.models import (
    Approval,
    Change,
    Cycle,
    CycleKind,
    CycleState,
    Dependency,
    Initiative,
    KeyResult,
    KRKind,
    Objective,
    ObjectiveState,
)
from cible.orgs.models import Membership, Organization

if TYPE_CHECKING:
    from cible.okrs.library import ObjectiveTemplate


PROGRESS_BY_ID_LIMIT = 1000
CYCLE_FIELDS = ("name", "kind", "start", "end", "parent")


@transaction.atomic
def create_cycle(org: Organization, actor: User | None = None, **fields: Any) -> Cycle:
    cycle = Cycle(organization=org, **fields)
    cycle.full_clean()
    cycle.save()
    audit.record(org, actor, cycle, Action.CREATED, after=audit.snapshot(cycle, CYCLE_FIELDS))
    return cycle


@transaction.atomic
def set_cycle_state(cycle: Cycle, actor: User | None, state: str) -> Cycle:
    """Move a cycle one step along `rules.check_cycle_step`. Closing scores the cycle too:
    callers close through `cible.checkins.scoring.change_cycle_state`."""
    rules.check_cycle_step(cycle.state, state)
    before = cycle.state
    cycle.state = state
    cycle.save(update_fields=["state"])
    audit.record(
        cycle.organization, actor, cycle, Action.STATE_CHANGED, {"state": before}, {"state": state}
    )
    signals.cycle_state_changed.send(Cycle, cycle=cycle, before=before)
    return cycle


def quarter_name(year: int, quarter: int, language: str) -> str:
    return f"T{quarter} {year}" if language == "fr" else f"Q{quarter} {year}"


@transaction.atomic
def create_year_with_quarters(
    org: Organization, year: int, actor: User | None = None, **fields: Any
) -> Cycle:
    """A calendar year cycle and its four quarters inside it."""
    year_cycle = create_cycle(
        org,
        actor,
        name=str(year),
        kind=CycleKind.YEAR,
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        **fields,
    )
    create_quarters(year_cycle, actor)
    return year_cycle


def _parents_of(objective_id: Any) -> list[int]:
    return list(
        Objective.parents.through.objects.filter(from_objective_id=objective_id).values_list(
            "to_objective_id", flat=True
        )
    )


def check_parents(
    objective: Objective, parents: Sequence[Objective], *, correction: bool = False
) -> None:
    """Raise a ValidationError naming `parents` when an alignment is not allowed."""
    if objective.cycle_id is not None:
        rules.check_cycle_open(objective.cycle, "parents", correction=correction)
    for parent in parents:
        if parent.organization_id != objective.organization_id:
            raise ValidationError({"parents": _("This objective belongs to another organisation.")})
        if parent.pk == objective.pk:
            raise ValidationError({"parents": _("An objective cannot contribute to itself.")})
        rules.check_parent_cycle(objective.cycle_id, objective.cycle.parent_id, parent.cycle_id)
        rules.check_parent_levels(objective.level, [parent.level])
        if objective.pk and okrmath.creates_cycle(_parents_of, objective.pk, parent.pk):
            raise ValidationError(
                {"parents": _("This alignment would make the objective its own ancestor.")}
            )


OBJECTIVE_FIELDS = (
    "title",
    "description",
    "level",
    "team",
    "owner",
    "origin",
    "visibility",
    "state",
)
KR_FIELDS = (
    "title",
    "kind",
    "start",
    "target",
    "target_max",
    "unit",
    "weight",
    "owner",
    "due_date",
    "driven_by",
)


def _snapshot(
    instance: Objective | KeyResult | Initiative, fields: Iterable[str]
) -> dict[str, str]:
    """Field values as text, as a person would read them in the history."""
    result = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        result[name] = "" if value is None else str(value)
    return result


def record_change(
    objective: Objective,
    actor: User | None,
    action: str,
    before: dict[str, str] | None = None,
    after: dict[str, str] | None = None,
    key_result: KeyResult | None = None,
    refs: Iterable[int] = (),
    reason: str = "",
) -> Change:
    """`reason`: why, when the method asks for one (a review's adjustment, a score away
    from the progress); it stays in the history."""
    before, after = before or {}, after or {}
    changed = [k for k in after if before.get(k) != after.get(k)] if before else list(after)
    change = Change.objects.create(
        organization_id=objective.organization_id,
        objective=objective,
        key_result=key_result,
        actor=actor,
        action=action,
        summary=(key_result.title if key_result else objective.title)[:250],
        before={k: before[k] for k in changed if k in before},
        after={k: after[k] for k in changed if k in after},
        refs=sorted(set(refs)),
        reason=reason,
    )
    # Every change to an objective or a KR also lands in the organisation's audit trail.
    audit.record(
        objective.organization,
        actor,
        key_result or objective,
        action,
        change.before,
        change.after,
        label=change.summary,
    )
    return change


@transaction.atomic
def create_objective(
    org: Organization,
    owner: User,
    parents: Sequence[Objective] = (),
    actor: User | None = None,
    correction: bool = False,
    **fields: Any,
) -> Objective:
    """`correction`: an admin's change in a closed cycle (see `rules.check_cycle_open`)."""
    objective = Objective(organization=org, owner=owner, **fields)
    objective.correction = correction
    objective.full_clean()
    check_parents(objective, parents, correction=correction)
    objective.save()
    objective.parents.set(parents)
    record_change(
        objective, actor or owner, Change.Action.CREATED, after=_snapshot(objective, ("title",))
    )
    signals.objective_created.send(Objective, objective=objective)
    return objective


@transaction.atomic
def update_objective(
    objective: Objective,
    actor: User,
    parents: Sequence[Objective] | None = None,
    correction: bool = False,
    **fields: Any,
) -> Objective:
    """Validate everything first: a refused change leaves the stored objective as it was."""
    stored = Objective.objects.select_for_update().get(pk=objective.pk)
    before = _snapshot(stored, OBJECTIVE_FIELDS)
    for name, value in fields.items():
        setattr(objective, name, value)
    objective.correction = correction
    objective.full_clean()
    if parents is not None:
        check_parents(objective, parents, correction=correction)
    if objective.state != ObjectiveState.DRAFT and objective.approval:
        # Out of draft (published by an approver, or cancelled), nothing waits any more.
        objective.approval, objective.approval_comment = Approval.NONE, ""
    objective.save()
    record_change(
        objective, actor, Change.Action.UPDATED, before, _snapshot(objective, OBJECTIVE_FIELDS)
    )
    signals.objective_state_changed.send(Objective, objective=objective, before=before["state"])
    if parents is not None:
        set_parents(objective, parents, actor, correction=correction)
    return objective


@transaction.atomic
def set_parents(
    objective: Objective,
    parents: Sequence[Objective],
    actor: User | None = None,
    *,
    correction: bool = False,
) -> None:
    check_parents(objective, parents, correction=correction)
    old_parents = list(objective.parents.all())
    old = sorted(p.title for p in old_parents)
    objective.parents.set(parents)
    new = sorted(p.title for p in parents)
    refs = [p.pk for p in old_parents] + [p.pk for p in parents]
    if old != new:
        record_change(
            objective,
            actor,
            Change.Action.ALIGNED,
            {"parents": ", ".join(old)},
            {"parents": ", ".join(new)},
            refs=refs,
        )


@transaction.atomic
def archive_objective(objective: Objective, actor: User, archived: bool = True) -> None:
    objective.archived_at = timezone.now() if archived else None
    objective.save(update_fields=["archived_at", "updated_at"])
    alignment.refresh_children(objective)
    action = Change.Action.ARCHIVED if archived else Change.Action.RESTORED
    record_change(objective, actor, action)


def _check_co_owners(kr: KeyResult, co_owners: Sequence[User]) -> list[User]:
    """Members of the organisation, the owner left out (they own it already)."""
    people = {user.pk: user for user in co_owners if user.pk != kr.owner_id}
    members = set(
        Membership.objects.filter(
            organization_id=kr.objective.organization_id, user_id__in=people
        ).values_list("user_id", flat=True)
    )
    if set(people) - members:
        raise ValidationError({"co_owners": _("This person is not a member of the organisation.")})
    return [people[pk] for pk in sorted(people)]


def _names(people: Iterable[User]) -> str:
    return ", ".join(sorted(str(user.display_name) for user in people))


def set_co_owners(kr: KeyResult, actor: User | None, co_owners: Sequence[User]) -> None:
    """Who else checks the key result in; the change lands in its history."""
    wanted = _check_co_owners(kr, co_owners)
    before = _names(kr.co_owners.all())
    kr.co_owners.set(wanted)
    after = _names(wanted)
    if before != after:
        record_change(
            kr.objective,
            actor,
            Change.Action.UPDATED,
            {"co_owners": before},
            {"co_owners": after},
            key_result=kr,
        )


@transaction.atomic
def create_key_result(
    objective: Objective,
    owner: User | None = None,
    actor: User | None = None,
    correction: bool = False,
    co_owners: Sequence[User] = (),
    **fields: Any,
) -> KeyResult:
    position = objective.key_results.count()
    kr = KeyResult(objective=objective, owner=owner or objective.owner, position=position, **fields)
    kr.correction = correction
    if kr.kind == KRKind.MILESTONE:
        kr.start, kr.target = Decimal(0), Decimal(1)
    if "current" not in fields:
        kr.current = kr.start
    kr.full_clean()
    kr.save()
    record_change(
        objective,
        actor or kr.owner,
        Change.Action.CREATED,
        after=_snapshot(kr, ("title",)),
        key_result=kr,
    )
    if co_owners:
        set_co_owners(kr, actor or kr.owner, co_owners)
    return kr


@transaction.atomic
def update_key_result(
    kr: KeyResult,
    actor: User,
    correction: bool = False,
    co_owners: Sequence[User] | None = None,
    **fields: Any,
) -> KeyResult:
    stored = KeyResult.objects.select_for_update().get(pk=kr.pk)
    before = _snapshot(stored, KR_FIELDS)
    for name, value in fields.items():
        setattr(kr, name, value)
    kr.correction = correction
    if kr.kind == KRKind.MILESTONE:
        kr.start, kr.target = Decimal(0), Decimal(1)
    if (
        "current" not in fields
        and stored.last_check_in_at is None
        and stored.current == stored.start
    ):
        # Before its first check-in the value is the start: a new start moves it along, so
        # the key result stays "not started" rather than showing a change nobody recorded.
        kr.current = kr.start
    kr.full_clean()
    kr.save()
    record_change(kr.objective, actor, Change.Action.UPDATED, before, _snapshot(kr, KR_FIELDS), kr)
    if co_owners is not None:
        set_co_owners(kr, actor, co_owners)
    return kr


@transaction.atomic
def archive_key_result(kr: KeyResult, actor: User, archived: bool = True) -> None:
    kr.archived_at = timezone.now() if archived else None
    kr.save(update_fields=["archived_at", "updated_at"])
    action = Change.Action.ARCHIVED if archived else Change.Action.RESTORED
    record_change(kr.objective, actor, action, key_result=kr)


@transaction.atomic
def move_key_result(kr: KeyResult, actor: User, offset: int) -> None:
    """Move a KR up (-1) or down (+1) among its objective's KRs."""
    siblings = list(
        KeyResult.objects.select_for_update()
        .filter(objective_id=kr.objective_id, archived_at__isnull=True)
        .order_by("position", "id")
    )
    index = next((i for i, k in enumerate(siblings) if k.pk == kr.pk), None)
    if index is None or not 0 <= index + offset < len(siblings):
        return
    target = index + offset
    siblings.insert(target, siblings.pop(index))
    for position, sibling in enumerate(siblings):
        sibling.position = position
    KeyResult.objects.bulk_update(siblings, ["position"])
    record_change(kr.objective, actor, Change.Action.REORDERED, key_result=kr)


@transaction.atomic
def create_dependency(actor: User, **fields: Any) -> Dependency:
    dependency = Dependency(created_by=actor, **fields)
    dependency.full_clean()
    dependency.save()
    after = {"depends_on": dependency.to_objective.title, "note": dependency.note}
    record_change(
        dependency.from_objective,
        actor,
        Change.Action.DEPENDENCY,
        after=after,
        refs=[dependency.to_objective_id],
    )
    return dependency


@transaction.atomic
def change_dependency_state(
    dependency: Dependency,
    actor: User,
    state: str,
    sides: Iterable[str],
    comment: str = "",
) -> Dependency:
    """Answer a dependency (accept, decline, done, reopen, ask again) as someone on `sides`
    (`rules.REQUESTER`, `rules.PROVIDER`: `Powers.dependency_sides`). The move, who may
    make it and the comment it needs are `rules.check_dependency_move`'s; the comment stays
    in the depending objective's history."""
    locked = Dependency.objects.select_for_update().filter(pk=dependency.pk).first()
    if locked is None:
        raise ValidationError({"state": _("This dependency no longer exists.")})
    before = locked.state
    comment = comment.strip()
    rules.check_dependency_move(before, state, sides, comment)
    rules.check_cycle_open(dependency.to_objective.cycle, "state")
    dependency.state = state
    dependency.state_comment = comment
    dependency.state_changed_by = actor
    dependency.state_changed_at = timezone.now()
    dependency.save(
        update_fields=["state", "state_comment", "state_changed_by", "state_changed_at"]
    )
    record_change(
        dependency.from_objective,
        actor,
        Change.Action.DEPENDENCY,
        before={"depends_on": dependency.to_objective.title, "dependency_state": before},
        after={"depends_on": dependency.to_objective.title, "dependency_state": state},
        refs=[dependency.to_objective_id],
        reason=comment,
    )
    signals.dependency_state_changed.send(
        Dependency, dependency=dependency, before=before, by=actor, comment=comment
    )
    return dependency


@transaction.atomic
def delete_dependency(dependency: Dependency, actor: User) -> None:
    before = {"depends_on": dependency.to_objective.title, "note": dependency.note}
    record_change(
        dependency.from_objective,
        actor,
        Change.Action.DEPENDENCY,
        before=before,
        after={"depends_on": ""},
        refs=[dependency.to_objective_id],
    )
    dependency.delete()


INITIATIVE_FIELDS = ("title", "key_result", "owner", "state", "due_date", "link")


def _check_initiative_owner(initiative: Initiative) -> None:
    if not Membership.objects.filter(
        organization_id=initiative.organization_id, user_id=initiative.owner_id
    ).exists():
        raise ValidationError({"owner": _("This person is not a member of the organisation.")})


def _record_initiative(
    initiative: Initiative,
    actor: User | None,
    action: str,
    before: dict[str, str],
    after: dict[str, str],
) -> None:
    """In the objective's history and in the organisation's audit trail, with the
    initiative as its target."""
    changed = [k for k in after if before.get(k) != after.get(k)] if before else list(after)
    if not changed:
        return
    Change.objects.create(
        organization_id=initiative.organization_id,
        objective_id=initiative.objective_id,
        key_result_id=initiative.key_result_id,
        actor=actor,
        action=Change.Action.INITIATIVE,
        summary=initiative.title[:250],
        before={k: before[k] for k in changed if k in before},
        after={k: after[k] for k in changed if k in after},
    )
    audit.record(initiative.objective.organization, actor, initiative, action, before, after)


@transaction.atomic
def create_initiative(
    objective: Objective,
    actor: User,
    *,
    owner: User | None = None,
    key_result: KeyResult | None = None,
    correction: bool = False,
    former_owner: bool = False,
    **fields: Any,
) -> Initiative:
    """Work planned for a key result (or the objective itself). Never counted in progress.
    `former_owner`: an OKR file's import may name a person who has left since, as it
    does for a key result's owner."""
    position = Initiative.objects.filter(objective=objective).count()
    initiative = Initiative(
        organization_id=objective.organization_id,
        objective=objective,
        key_result=key_result,
        owner=owner or actor,
        position=position,
        **fields,
    )
    initiative.correction = correction
    initiative.full_clean()
    if not former_owner:
        _check_initiative_owner(initiative)
    initiative.save()
    _record_initiative(
        initiative, actor, Action.CREATED, {}, _snapshot(initiative, INITIATIVE_FIELDS)
    )
    signals.initiative_created.send(Initiative, initiative=initiative)
    return initiative


@transaction.atomic
def update_initiative(
    initiative: Initiative, actor: User, *, correction: bool = False, **fields: Any
) -> Initiative:
    """Validate everything first: a refused change leaves the stored initiative as it was."""
    stored = Initiative.objects.select_for_update().get(pk=initiative.pk)
    before = _snapshot(stored, INITIATIVE_FIELDS)
    for name, value in fields.items():
        setattr(initiative, name, value)
    initiative.correction = correction
    try:
        initiative.full_clean()
        _check_initiative_owner(initiative)
    except ValidationError:
        for name in fields:
            setattr(initiative, name, getattr(stored, name))
        raise
    initiative.save()
    after = _snapshot(initiative, INITIATIVE_FIELDS)
    action = (
        Action.STATE_CHANGED if before.keys() and _only_state(before, after) else Action.UPDATED
    )
    _record_initiative(initiative, actor, action, before, after)
    if before["state"] != initiative.state:
        signals.initiative_state_changed.send(
            Initiative, initiative=initiative, before=before["state"]
        )
    return initiative


def _only_state(before: dict[str, str], after: dict[str, str]) -> bool:
    return [k for k in after if before.get(k) != after.get(k)] == ["state"]


def set_initiative_state(
    initiative: Initiative, actor: User, state: str, *, correction: bool = False
) -> Initiative:
    return update_initiative(initiative, actor, correction=correction, state=state)


@transaction.atomic
def submit_for_approval(objective: Objective, actor: User) -> Objective:
    """A draft goes to its approvers (`access.approver_ids`), told through the signal."""
    stored = Objective.objects.select_for_update().get(pk=objective.pk)
    rules.check_approval_asked(objective.organization.approval_required)
    rules.check_cycle_open(objective.cycle)
    rules.check_submittable(stored.state, stored.approval)
    objective.approval, objective.approval_comment = Approval.PENDING, ""
    objective.save(update_fields=["approval", "approval_comment", "updated_at"])
    record_change(
        objective,
        actor,
        Change.Action.SUBMITTED,
        {"approval": stored.approval},
        {"approval": objective.approval},
    )
    signals.approval_requested.send(
        Objective, objective=objective, approver_ids=approver_ids(objective)
    )
    return objective


@transaction.atomic
def decide_approval(
    objective: Objective, actor: User, approved: bool, comment: str = ""
) -> Objective:
    """Approved, the draft is published (active); sent back, it stays a draft with the
    approver's comment."""
    stored = Objective.objects.select_for_update().get(pk=objective.pk)
    rules.check_pending(stored.approval)
    rules.check_send_back_comment(approved, comment)
    before = {"state": stored.state, "approval": stored.approval}
    if approved:
        objective.state, objective.approval = ObjectiveState.ACTIVE, Approval.NONE
        objective.approval_comment = ""
    else:
        objective.approval, objective.approval_comment = Approval.SENT_BACK, comment.strip()
    objective.save(update_fields=["state", "approval", "approval_comment", "updated_at"])
    action = Change.Action.APPROVED if approved else Change.Action.SENT_BACK
    after = {"state": objective.state, "approval": objective.approval}
    record_change(objective, actor, action, before, after, reason=objective.approval_comment)
    if approved:
        signals.objective_state_changed.send(Objective, objective=objective, before=before["state"])
    signals.approval_decided.send(
        Objective, objective=objective, approved=approved, comment=comment.strip(), by=actor
    )
    return objective


def objective_progress(
    objectives: Iterable[Objective], prefetched: bool = False
) -> dict[int, Decimal]:
    """Progress of each objective, following KRs driven by child objectives, in one query
    per level of driving (usually one: the KRs of the objectives' cycles). With
    `prefetched`, the objectives' `key_results` are already loaded (their live KRs only):
    only the objectives driving them and not in the list are read."""
    objectives = list(objectives)
    if not objectives:
        return {}
    org_id = objectives[0].organization_id
    inputs: dict[int, list[okrmath.KRInput]] = defaultdict(list)
    if prefetched:
        for objective in objectives:
            inputs[objective.pk] = [
                okrmath.KRInput(weight=kr.weight, progress=kr.progress(), driven_by=kr.driven_by_id)
                for kr in objective.key_results.all()
            ]
    fields = (
        "objective_id",
        "kind",
        "start",
        "target",
        "target_max",
        "current",
        "weight",
        "driven_by_id",
    )
    live = KeyResult.objects.live().filter(objective__organization_id=org_id)
    loaded: set[int] = {o.pk for o in objectives}
    # A page of objectives reads its own KRs, not the whole cycle's (90,000 KRs at 10,000
    # people); a whole cycle reads by cycle rather than through a huge list of ids.
    if prefetched:
        drivers = {kr.driven_by for krs_ in inputs.values() for kr in krs_}
        batch = live.filter(objective_id__in={d for d in drivers if isinstance(d, int)} - loaded)
    elif len(loaded) <= PROGRESS_BY_ID_LIMIT:
        batch = live.filter(objective_id__in=loaded)
    else:
        batch = live.filter(objective__cycle_id__in={o.cycle_id for o in objectives})
    for _depth in range(10):
        wanted: set[int] = set()
        for kr in batch.only(*fields):
            loaded.add(kr.objective_id)
            inputs[kr.objective_id].append(
                okrmath.KRInput(weight=kr.weight, progress=kr.progress(), driven_by=kr.driven_by_id)
            )
            if kr.driven_by_id is not None:
                wanted.add(kr.driven_by_id)
        missing = wanted - loaded - inputs.keys()
        if not missing:
            break
        loaded |= missing
        batch = live.filter(objective_id__in=missing)
    for objective in objectives:
        inputs.setdefault(objective.pk, [])
    try:
        result = okrmath.rollup(inputs)
    except okrmath.MathError:
        # A loop cannot be saved through the services; stay readable if the admin made one.
        result = {
            key: okrmath.weighted_mean((kr.weight, kr.progress) for kr in krs_)
            for key, krs_ in inputs.items()
        }
    return {o.pk: result.get(o.pk, Decimal(0)) for o in objectives}


@transaction.atomic
def start_current_year(org: Organization, today: date, actor: User | None = None) -> Cycle:
    """A new organisation's first cycles: this year and its quarters, the running ones
    active, the past ones closed, the coming ones in planning."""
    # Part of setting the organisation up: the states are not recorded as changes.
    year_cycle = create_year_with_quarters(org, today.year, actor)
    Cycle.objects.filter(parent=year_cycle, end__lt=today).update(state=CycleState.CLOSED)
    Cycle.objects.filter(parent=year_cycle, start__gt=today).update(state=CycleState.PLANNING)
    Cycle.objects.filter(organization=org, start__lte=today, end__gte=today).update(
        state=CycleState.ACTIVE
    )
    return year_cycle


def add_template_key_results(
    objective: Objective, template: "ObjectiveTemplate", actor: User, language: str
) -> list[KeyResult]:
    """The template's key results, in the reader's language, owned by the objective's owner."""
    return [
        create_key_result(
            objective,
            actor=actor,
            title=kr.title(language),
            kind=kr.kind,
            start=kr.start,
            target=kr.target,
            target_max=kr.target_max,
            unit=kr.unit(language),
        )
        for kr in template.key_results
    ]


def create_quarters(year: Cycle, actor: User | None = None) -> list[Cycle]:
    """Split a year cycle (calendar or fiscal) into four quarters of three months."""
    language = year.organization.language
    quarters = []
    for index in range(4):
        month = year.start.month - 1 + 3 * index
        start = date(year.start.year + month // 12, month % 12 + 1, 1)
        month += 3
        end = date(year.start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        start, end = max(start, year.start), min(end, year.end)
        label = quarter_name(year.start.year, index + 1, language)
        if year.start.month != 1:
            label = f"{label} ({year.name})"
        quarters.append(
            create_cycle(
                year.organization,
                actor,
                name=label,
                kind=CycleKind.QUARTER,
                start=start,
                end=end,
                parent=year,
                state=year.state,
            )
        )
    return quarters
