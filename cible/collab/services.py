"""Writing comments and reactions, and filling the inbox: the web pages, the API and the
receivers of the OKR services all come here."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record
from cible.checkins.models import CheckIn, DecisionPrompt
from cible.collab import events, mentions, rules
from cible.collab.models import MAILED_KINDS, Comment, Emoji, InboxItem, InboxKind, Reaction
from cible.kpis.models import Guardrail, GuardrailBreach
from cible.okrs.models import KeyResult, Objective
from cible.orgs.models import Membership

Target = Objective | KeyResult | CheckIn


def _where(target: Target) -> dict[str, object]:
    """The objective, key result and check-in columns of a comment on `target`."""
    if isinstance(target, CheckIn):
        kr = target.key_result
        return {"objective": kr.objective, "key_result": kr, "check_in": target}
    if isinstance(target, KeyResult):
        return {"objective": target.objective, "key_result": target, "check_in": None}
    return {"objective": target, "key_result": None, "check_in": None}


def _notify(
    objective: Objective,
    recipients: Iterable[User],
    kind: str,
    actor: User | None,
    **about: object,
) -> list[InboxItem]:
    """One inbox item for each recipient (never the actor); a kind that is never mailed is
    born mailed, so the mail pass does not look at it."""
    now = timezone.now()
    rows = [
        InboxItem(
            organization_id=objective.organization_id,
            recipient=user,
            kind=kind,
            actor=actor,
            objective=objective,
            created_at=now,
            mailed_at=None if kind in MAILED_KINDS else now,
            **about,
        )
        for user in {u.pk: u for u in recipients}.values()
        if actor is None or user.pk != actor.pk
    ]
    return InboxItem.objects.bulk_create(rows)


def _who_may_see(objective: Objective, members: Iterable[Membership]) -> list[User]:
    return [m.user for m in members if objective.is_visible_to(m)]


def _mentioned(objective: Objective, body: str) -> list[User]:
    """The people the text names who may see the objective: a mention of anyone else is
    kept as plain text and tells them nothing."""
    return _who_may_see(objective, mentions.resolve(objective.organization, body).values())


@transaction.atomic
def create_comment(
    target: Target, author: User, body: str, reply_to: Comment | None = None
) -> Comment:
    body = rules.check_body(body)
    where = _where(target)
    objective: Objective = where["objective"]  # type: ignore[assignment]
    if reply_to is not None and (
        reply_to.objective_id != objective.pk
        or reply_to.key_result_id != getattr(where["key_result"], "pk", None)
        or reply_to.check_in_id != getattr(where["check_in"], "pk", None)
    ):
        reply_to = None  # a reply belongs to the same thread
    comment = Comment.objects.create(
        organization_id=objective.organization_id,
        author=author,
        body=body,
        reply_to=reply_to,
        **where,
    )
    comment.organization = objective.organization
    mentioned = _mentioned(objective, body)
    comment.mentions.set(mentioned)
    record(objective.organization, author, comment, Action.CREATED, after={"body": body})
    _notify(objective, mentioned, InboxKind.MENTION, author, comment=comment)
    if reply_to is not None and reply_to.author is not None:
        replied = reply_to.author
        if replied.pk not in {u.pk for u in mentioned}:
            member = Membership.objects.filter(
                organization_id=objective.organization_id, user=replied
            ).first()
            if member is not None and objective.is_visible_to(member):
                _notify(objective, [replied], InboxKind.REPLY, author, comment=comment)
    events.comment_event(events.COMMENT_CREATED, comment)
    return comment


@transaction.atomic
def edit_comment(comment: Comment, actor: User, body: str) -> Comment:
    body = rules.check_body(body)
    before = comment.body
    if body == before:
        return comment
    objective = comment.objective
    already = set(comment.mentions.values_list("pk", flat=True))
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    mentioned = _mentioned(objective, body)
    comment.mentions.set(mentioned)
    record(objective.organization, actor, comment, Action.UPDATED, {"body": before}, {"body": body})
    new = [user for user in mentioned if user.pk not in already]
    _notify(objective, new, InboxKind.MENTION, actor, comment=comment)
    events.comment_event(events.COMMENT_UPDATED, comment)
    return comment


@transaction.atomic
def delete_comment(comment: Comment, actor: User) -> None:
    """Its text stays in the audit trail only; its inbox items and reactions go with it."""
    objective = comment.objective
    events.comment_event(events.COMMENT_DELETED, comment)
    record(objective.organization, actor, comment, Action.DELETED, before={"body": comment.body})
    comment.delete()


def _reaction_target(target: CheckIn | Comment) -> tuple[Objective, dict[str, object], User | None]:
    if isinstance(target, CheckIn):
        return target.key_result.objective, {"check_in": target}, target.author
    return target.objective, {"comment": target}, target.author


@transaction.atomic
def add_reaction(target: CheckIn | Comment, user: User, emoji: str) -> tuple[Reaction, bool]:
    """The person's emoji on the check-in or comment, and whether this call gave it (a
    second time changes nothing). The check-in's or comment's author hears of it."""
    emoji = Emoji(emoji).value  # ValueError on an emoji outside the set
    objective, lookup, owner = _reaction_target(target)
    existing = Reaction.objects.filter(user=user, emoji=emoji, **lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(
                organization_id=objective.organization_id,
                objective=objective,
                user=user,
                emoji=emoji,
                **lookup,
            )
    except IntegrityError:  # the same click twice at once: it is given
        return Reaction.objects.get(user=user, emoji=emoji, **lookup), False
    if owner is not None:
        member = Membership.objects.filter(
            organization_id=objective.organization_id, user=owner
        ).first()
        if member is not None and objective.is_visible_to(member):
            _notify(objective, [owner], InboxKind.REACTION, user, emoji=emoji, **lookup)
    events.reaction_added(reaction, objective)
    return reaction, True


@transaction.atomic
def remove_reaction(target: CheckIn | Comment, user: User, emoji: str) -> bool:
    """Take the person's emoji back (and its unread inbox item); False when not given."""
    emoji = Emoji(emoji).value
    _objective, lookup, _owner = _reaction_target(target)
    deleted, _rows = Reaction.objects.filter(user=user, emoji=emoji, **lookup).delete()
    InboxItem.objects.filter(
        kind=InboxKind.REACTION, actor=user, emoji=emoji, read_at__isnull=True, **lookup
    ).delete()
    return bool(deleted)


def toggle_reaction(target: CheckIn | Comment, user: User, emoji: str) -> bool:
    """The pages' one button: give the emoji, or take it back. Returns whether it is given."""
    if remove_reaction(target, user, emoji):
        return False
    add_reaction(target, user, emoji)
    return True


# The inbox ---------------------------------------------------------------------------------


def mark_read(membership: Membership, item_ids: Iterable[int] | None = None) -> int:
    """Mark these items (all of them, without ids) read for the person."""
    qs = InboxItem.objects.unread().filter(
        recipient_id=membership.user_id, organization_id=membership.organization_id
    )
    if item_ids is not None:
        qs = qs.filter(pk__in=list(item_ids))
    return qs.update(read_at=timezone.now())


def mark_unread(membership: Membership, item_id: int) -> int:
    return InboxItem.objects.filter(
        recipient_id=membership.user_id, organization_id=membership.organization_id, pk=item_id
    ).update(read_at=None)


def objectives_aligned(children: Iterable[Objective], parents: Iterable[Objective]) -> None:
    """Tell each parent's owner that an objective of someone else now contributes to theirs
    (when they may see it)."""
    parents = list(parents)
    for child in children:
        owners = [p for p in parents if p.owner_id != child.owner_id and p.pk != child.pk]
        if not owners:
            continue
        members = Membership.objects.filter(
            organization_id=child.organization_id, user_id__in={p.owner_id for p in owners}
        ).select_related("user", "organization")
        _notify(child, _who_may_see(child, members), InboxKind.ALIGNED, child.owner)


def approval_requested(objective: Objective, approver_ids: Iterable[int]) -> None:
    members = Membership.objects.filter(
        organization_id=objective.organization_id, user_id__in=list(approver_ids)
    ).select_related("user", "organization")
    actor = objective.owner
    _notify(objective, _who_may_see(objective, members), InboxKind.APPROVAL_REQUESTED, actor)


def approval_decided(objective: Objective, approved: bool, comment: str, by: User | None) -> None:
    """The request is settled for every approver; the owner hears the decision."""
    now = timezone.now()
    InboxItem.objects.filter(
        objective=objective, kind=InboxKind.APPROVAL_REQUESTED, read_at__isnull=True
    ).update(read_at=now)
    _notify(
        objective,
        [objective.owner],
        InboxKind.APPROVAL_DECIDED,
        by,
        approved=approved,
        note=comment or "",
    )


def guardrail_breached(guardrail: Guardrail, breach: GuardrailBreach) -> None:
    """Tell the key result's owner, its co-owners and its team's lead (those who may see
    it) that one of its guardrails is breached."""
    kr = guardrail.key_result
    objective = kr.objective
    people = {kr.owner_id, *kr.co_owners.values_list("pk", flat=True)}
    if objective.team_id is not None and objective.team is not None and objective.team.lead_id:
        people.add(objective.team.lead_id)
    members = Membership.objects.filter(
        organization_id=objective.organization_id, user_id__in=people
    ).select_related("user", "organization")
    _notify(
        objective,
        _who_may_see(objective, members),
        InboxKind.GUARDRAIL,
        None,
        guardrail_breach=breach,
    )


def decisions_prompted(prompts: Iterable[DecisionPrompt]) -> None:
    """Each key result's owner learns once that a decision is waiting (`_notify` never
    twice for one prompt: the prompts are new, and the constraint holds one item)."""
    rows = [
        InboxItem(
            organization_id=p.organization_id,
            recipient_id=p.key_result.owner_id,
            kind=InboxKind.DECISION_PROMPT,
            objective_id=p.key_result.objective_id,
            prompt=p,
            created_at=p.created_at,
            mailed_at=p.created_at,
        )
        for p in prompts
    ]
    InboxItem.objects.bulk_create(rows, ignore_conflicts=True)
