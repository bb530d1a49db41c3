"""The comments and reactions of a thing, on the pages of other apps: `{% comments target %}`
on the objective and key result pages, `{{ comment|comment_text }}` for a comment's text with
its mentions as links."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from cible.checkins.models import CheckIn
from cible.collab import mentions, rules
from cible.collab.forms import CommentForm
from cible.collab.models import Comment
from cible.collab.queries import comments_of, summary, unread_count
from cible.okrs.models import KeyResult, Objective
from cible.orgs.models import Membership

register = template.Library()

# An id no row has, reversed once and replaced by each row's: one `reverse()` for a list.
SENTINEL = 987654321987654321


def post_url(org_slug: str, target: Objective | KeyResult | CheckIn) -> str:
    if isinstance(target, CheckIn):
        return reverse("check_in_comment", args=[org_slug, target.pk])
    if isinstance(target, KeyResult):
        return reverse("key_result_comment", args=[org_slug, target.pk])
    return reverse("objective_comment", args=[org_slug, target.pk])


def objective_of(target: Objective | KeyResult | CheckIn) -> Objective:
    if isinstance(target, CheckIn):
        return target.key_result.objective
    if isinstance(target, KeyResult):
        return target.objective
    return target


def comments_context(
    request: Any,
    membership: Any,
    target: Objective | KeyResult | CheckIn,
    form: CommentForm | None = None,
    editing: int | None = None,
) -> dict[str, Any]:
    rows = list(comments_of(target))
    user_id = membership.user_id
    org = membership.organization
    # One reversal, then each comment's address: reversing fifty times costs more.
    react_url = reverse("comment_react", args=[org.slug, SENTINEL])
    for comment in rows:
        comment.react_url = react_url.replace(str(SENTINEL), str(comment.pk))  # type: ignore[attr-defined]
        comment.reaction_counts = summary(comment.reactions.all(), user_id)  # type: ignore[attr-defined]
        comment.changeable = rules.may_change(membership, comment)  # type: ignore[attr-defined]
    reply_to = request.GET.get("reply") if request is not None else None
    may_comment = rules.may_comment(membership)
    if form is None and may_comment:
        form = CommentForm(initial={"reply_to": reply_to} if reply_to else None)
    return {
        "request": request,
        "org": org,
        "membership": membership,
        "target": target,
        "comments": rows,
        "comment_form": form,
        "may_comment": may_comment,
        "post_url": post_url(org.slug, target),
        "suggest_url": reverse("mention_suggest", args=[org.slug, objective_of(target).pk]),
        "replying_to": next((c for c in rows if str(c.pk) == reply_to), None),
        "editing": editing,
    }


@register.inclusion_tag("collab/_comments.html", takes_context=True)
def comments(context: template.Context, target: Objective | KeyResult | CheckIn) -> dict[str, Any]:
    return comments_context(context.get("request"), context["membership"], target)


@register.simple_tag(takes_context=True)
def inbox_unread(context: template.Context) -> int:
    """The header's badge: the unread items of the page's organisation, in one query when
    the page has the reader's membership already (nearly every page), two otherwise."""
    request, org = context.get("request"), context.get("org")
    user = getattr(request, "user", None)
    if org is None or user is None or not user.is_authenticated:
        return 0
    membership = context.get("membership")
    if not isinstance(membership, Membership) or membership.user_id != user.pk:
        membership = (
            Membership.objects.filter(user=user, organization_id=org.pk)
            .select_related("organization")
            .first()
        )
    if membership is None or membership.organization_id != org.pk:
        return 0
    return unread_count(membership)


@register.filter
def comment_text(comment: Comment) -> SafeString:
    """The text as written, escaped, with its line breaks; a mention of someone the comment
    notified links to their page."""
    slug = comment.organization.slug
    parts = []
    for piece in mentions.pieces(comment.body, comment.mentions.all()):
        if piece.person is None:
            parts.append(str(conditional_escape(piece.text)))
        else:
            url = reverse("person_detail", args=[slug, piece.person.pk])
            parts.append(
                format_html('<a class="mention" href="{}">@{}</a>', url, piece.person.display_name)
            )
    return mark_safe("".join(parts).replace("\n", "<br>"))
