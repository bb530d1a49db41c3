"""Comments, reactions and the caller's inbox."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status

from cible.api.common import PageQuery, page_of, paginate
from cible.api.errors import ERROR_RESPONSES as ERRORS
from cible.api.idempotency import HEADER, key_taken, once, request_fingerprint
from cible.api.schemas import Id, Input, Page, Ref, Slug
from cible.api.types import TEXT, CleanLine
from cible.checkins.models import CheckIn
from cible.collab import rules, services
from cible.collab.models import BODY_MAX, Comment, InboxItem
from cible.collab.queries import inbox_items
from cible.lib.http import AuthenticatedHttpRequest as Request
from cible.okrs.models import KeyResult, Objective
from cible.orgs.access import get_membership, require_writer
from cible.orgs.models import Membership

router = Router()
ORG = "/orgs/{slug}"

Body = Annotated[str, Field(min_length=1, max_length=BODY_MAX), TEXT]
EmojiName = Literal["thumbs_up", "tada", "heart", "eyes", "rocket", "check"]
TargetType = Literal["objective", "key_result", "check_in"]


class CommentTarget(Schema):
    type: TargetType
    id: int


class CommentOut(Schema):
    id: int
    body: str
    author: int | None
    in_reply_to: int | None
    target: CommentTarget
    objective: int
    mentions: list[int] = Field(description="The people the comment notified.")
    reactions: dict[str, int] = Field(description="How many gave each emoji.")
    created_at: datetime
    edited_at: datetime | None


class CommentPage(Page):
    items: list[CommentOut]


class CommentIn(Input):
    objective: Ref | None = Field(None, description="Comment on this objective...")
    key_result: Ref | None = Field(None, description="...or on this key result...")
    check_in: Ref | None = Field(None, description="...or on this check-in: exactly one.")
    body: Body = Field(description="Plain text; @ and an address (or its first part) mentions.")
    in_reply_to: Ref | None = None


class CommentEdit(Input):
    body: Body


class ReactionIn(Input):
    check_in: Ref | None = Field(None, description="React to this check-in...")
    comment: Ref | None = Field(None, description="...or to this comment: exactly one.")
    emoji: EmojiName


class ReactionOut(Schema):
    check_in: int | None
    comment: int | None
    emoji: EmojiName
    user: int


class InboxItemOut(Schema):
    id: int
    kind: str = Field(description="mention, reply, reaction, aligned, approval or decision")
    actor: int | None
    objective: int
    check_in: int | None
    comment: int | None
    emoji: str
    approved: bool | None
    note: str
    created_at: datetime
    read_at: datetime | None


class InboxPage(Page):
    items: list[InboxItemOut]


class InboxRead(Input):
    items: list[Ref] | None = Field(None, max_length=500, description="None: every item.")


class Marked(Schema):
    marked: int


def comment_out(c: Comment) -> dict[str, Any]:
    if c.check_in_id is not None:
        target = {"type": "check_in", "id": c.check_in_id}
    elif c.key_result_id is not None:
        target = {"type": "key_result", "id": c.key_result_id}
    else:
        target = {"type": "objective", "id": c.objective_id}
    counts: dict[str, int] = {}
    for reaction in c.reactions.all():
        counts[reaction.emoji] = counts.get(reaction.emoji, 0) + 1
    return {
        "id": c.pk,
        "body": c.body,
        "author": c.author_id,
        "in_reply_to": c.reply_to_id,
        "target": target,
        "objective": c.objective_id,
        "mentions": [user.pk for user in c.mentions.all()],
        "reactions": counts,
        "created_at": c.created_at,
        "edited_at": c.edited_at,
    }


def _visible_comments(membership: Membership) -> Any:
    return Comment.objects.filter(
        organization_id=membership.organization_id,
        objective__in=Objective.objects.visible_to(membership).values("pk"),
    ).prefetch_related("mentions", "reactions")


def _one(field: str, **ids: int | None) -> tuple[str, int]:
    given = [(name, pk) for name, pk in ids.items() if pk is not None]
    if len(given) != 1:
        raise ValidationError({field: _("Name exactly one of: %s.") % ", ".join(ids)})
    name, pk = given[0]
    assert pk is not None
    return name, pk


def _target(membership: Membership, name: str, pk: int) -> Objective | KeyResult | CheckIn:
    """The thing named in a body, if the caller may see it: else a 422 naming the field."""
    visible = Objective.objects.visible_to(membership)
    found: Objective | KeyResult | CheckIn | None
    if name == "objective":
        found = visible.select_related("organization").filter(pk=pk).first()
    elif name == "key_result":
        found = (
            KeyResult.objects.select_related("objective__organization")
            .filter(pk=pk, objective__in=visible)
            .first()
        )
    else:
        found = (
            CheckIn.objects.select_related("key_result__objective__organization", "author")
            .filter(pk=pk, key_result__objective__in=visible)
            .first()
        )
    if found is None:
        raise ValidationError({name: _("Nothing of that id that you may see.")})
    return found


class CommentFilters(PageQuery):
    objective: Id | None = Field(None, description="Only the objective's own comments.")
    key_result: Id | None = Field(None, description="Only the key result's own comments.")
    check_in: Id | None = Field(None, description="Only the check-in's comments.")


@router.get(ORG + "/comments", response={200: CommentPage, **ERRORS}, tags=["comments"])
def list_comments(request: Request, slug: Slug, filters: Query[CommentFilters]) -> Any:
    """Oldest first, on the objectives the caller may see."""
    membership = get_membership(request, slug)
    qs = _visible_comments(membership)
    if filters.objective is not None:
        qs = qs.filter(objective_id=filters.objective, key_result__isnull=True)
    if filters.key_result is not None:
        qs = qs.filter(key_result_id=filters.key_result, check_in__isnull=True)
    if filters.check_in is not None:
        qs = qs.filter(check_in_id=filters.check_in)
    count, comments = paginate(qs.order_by("created_at", "id"), filters)
    return page_of(count, [comment_out(c) for c in comments])


@router.post(
    ORG + "/comments",
    response={200: CommentOut, 201: CommentOut, **ERRORS},
    tags=["comments"],
)
def create_comment(
    request: Request,
    slug: Slug,
    data: CommentIn,
    idempotency_key: Annotated[
        CleanLine | None,
        Header(
            alias=HEADER,
            min_length=1,
            max_length=200,
            description="Retrying with the same key writes the comment only once.",
        ),
    ] = None,
) -> Any:
    """Comment on an objective, a key result or a check-in: 201 with the comment, or 200
    with the one already written for this Idempotency-Key."""
    membership = get_membership(request, slug)
    require_writer(membership)
    name, pk = _one(
        "objective", objective=data.objective, key_result=data.key_result, check_in=data.check_in
    )
    target = _target(membership, name, pk)
    reply_to = None
    if data.in_reply_to is not None:
        reply_to = _visible_comments(membership).filter(pk=data.in_reply_to).first()
        if reply_to is None:
            raise ValidationError({"in_reply_to": _("Nothing of that id that you may see.")})

    def write() -> Comment:
        return services.create_comment(target, request.user, data.body, reply_to)

    if idempotency_key is None:
        return Status(201, comment_out(write()))
    fingerprint = request_fingerprint(
        "create_comment", membership.organization_id, data.model_dump()
    )

    def make(claim: Any) -> None:
        claim.comment = write()

    claim, created = once(request.user, idempotency_key, fingerprint, make)
    if claim.comment_id is None:
        raise key_taken()
    comment = _visible_comments(membership).get(pk=claim.comment_id)
    return Status(201 if created else 200, comment_out(comment))


def _own_comment(request: Request, slug: str, id: int) -> Comment:
    membership = get_membership(request, slug)
    comment = (
        _visible_comments(membership)
        .select_related("objective__organization", "organization")
        .filter(pk=id)
        .first()
    )
    if comment is None:
        raise Http404
    if not rules.may_change(membership, comment):
        raise PermissionDenied
    return comment


@router.patch(ORG + "/comments/{id}", response={200: CommentOut, **ERRORS}, tags=["comments"])
def update_comment(request: Request, slug: Slug, id: Id, data: CommentEdit) -> Any:
    """Its author edits a comment; the audit trail keeps the text before."""
    comment = services.edit_comment(_own_comment(request, slug, id), request.user, data.body)
    return comment_out(comment)


@router.delete(ORG + "/comments/{id}", response={204: None, **ERRORS}, tags=["comments"])
def delete_comment(request: Request, slug: Slug, id: Id) -> Any:
    """Its author deletes a comment; the audit trail keeps its text."""
    services.delete_comment(_own_comment(request, slug, id), request.user)
    return Status(204, None)


def _reaction_target(membership: Membership, data: ReactionIn) -> CheckIn | Comment:
    name, pk = _one("check_in", check_in=data.check_in, comment=data.comment)
    if name == "check_in":
        found = _target(membership, "check_in", pk)
        assert isinstance(found, CheckIn)
        return found
    comment = (
        _visible_comments(membership)
        .select_related("objective__organization", "author")
        .filter(pk=pk)
        .first()
    )
    if comment is None:
        raise ValidationError({"comment": _("Nothing of that id that you may see.")})
    return comment


@router.post(
    ORG + "/reactions", response={200: ReactionOut, 201: ReactionOut, **ERRORS}, tags=["comments"]
)
def add_reaction(request: Request, slug: Slug, data: ReactionIn) -> Any:
    """Give an emoji to a check-in or a comment: 201, or 200 when the caller gave it
    already (so a retry changes nothing)."""
    membership = get_membership(request, slug)
    require_writer(membership)
    target = _reaction_target(membership, data)
    reaction, created = services.add_reaction(target, request.user, data.emoji)
    out = {
        "check_in": reaction.check_in_id,
        "comment": reaction.comment_id,
        "emoji": reaction.emoji,
        "user": reaction.user_id,
    }
    return Status(201 if created else 200, out)


@router.delete(ORG + "/reactions", response={204: None, **ERRORS}, tags=["comments"])
def remove_reaction(request: Request, slug: Slug, data: ReactionIn) -> Any:
    """Take one's emoji back (204 whether it was given or not)."""
    membership = get_membership(request, slug)
    require_writer(membership)
    services.remove_reaction(_reaction_target(membership, data), request.user, data.emoji)
    return Status(204, None)


class InboxFilters(PageQuery):
    unread: bool = Field(False, description="Only the unread items.")


def item_out(item: InboxItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "actor": item.actor_id,
        "objective": item.objective_id,
        "check_in": item.check_in_id,
        "comment": item.comment_id,
        "emoji": item.emoji,
        "approved": item.approved,
        "note": item.note,
        "created_at": item.created_at,
        "read_at": item.read_at,
    }


@router.get(ORG + "/inbox", response={200: InboxPage, **ERRORS}, tags=["inbox"])
def list_inbox(request: Request, slug: Slug, filters: Query[InboxFilters]) -> Any:
    """The caller's inbox in the organisation, newest first: what they may still see."""
    membership = get_membership(request, slug)
    qs = inbox_items(membership)
    if filters.unread:
        qs = qs.filter(read_at__isnull=True)
    count, items = paginate(qs, filters)
    return page_of(count, [item_out(i) for i in items])


@router.post(ORG + "/inbox/read", response={200: Marked, **ERRORS}, tags=["inbox"])
def mark_inbox_read(request: Request, slug: Slug, data: InboxRead) -> Any:
    """Mark these items of the caller's inbox read (all of them without `items`). A token
    that may write is needed, as for every change; viewers mark theirs read in the app."""
    membership = get_membership(request, slug)
    require_writer(membership)
    if data.items:
        mine = set(inbox_items(membership).filter(pk__in=data.items).values_list("pk", flat=True))
        if set(data.items) - mine:
            raise ValidationError({"items": _("Not an item of your inbox.")})
    return {"marked": services.mark_read(membership, data.items)}
