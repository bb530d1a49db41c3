"""Who may comment and react, and what a comment may hold."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cible.collab.models import BODY_MAX, Comment
from cible.orgs.models import Membership


def may_comment(membership: Membership) -> bool:
    """Every member but viewers, on what they may see (the caller found it visible)."""
    return membership.can_write


def may_change(membership: Membership, comment: Comment) -> bool:
    """Only its author edits or deletes a comment."""
    return membership.can_write and comment.author_id == membership.user_id


def check_body(body: str) -> str:
    """The comment's text, trimmed; refused empty, too long, or holding a null character."""
    if "\x00" in body:
        raise ValidationError(
            {"body": _("A comment may not hold a null character.")}, code="null_characters"
        )
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")}, code="required")
    if len(body) > BODY_MAX:
        raise ValidationError(
            {"body": _("A comment holds %(max)d characters at most.") % {"max": BODY_MAX}},
            code="max_length",
        )
    return body
