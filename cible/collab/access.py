"""Finding a check-in or a comment for a request: another organisation's, or one about an
objective the person may not see, is a 404."""

from django.http import Http404, HttpRequest

from cible.checkins.models import CheckIn
from cible.collab.models import Comment
from cible.orgs.access import get_membership
from cible.orgs.models import Membership


def get_check_in_for_user(request: HttpRequest, slug: str, pk: int) -> tuple[CheckIn, Membership]:
    membership = get_membership(request, slug)
    check_in = (
        CheckIn.objects.select_related(
            "author", "key_result__objective__organization", "key_result__objective__cycle"
        )
        .filter(key_result__objective__organization_id=membership.organization_id, pk=pk)
        .first()
    )
    if check_in is None or not check_in.key_result.objective.is_visible_to(membership):
        raise Http404
    return check_in, membership


def get_comment_for_user(request: HttpRequest, slug: str, pk: int) -> tuple[Comment, Membership]:
    membership = get_membership(request, slug)
    comment = (
        Comment.objects.select_related(
            "author", "organization", "objective__organization", "key_result", "check_in"
        )
        .filter(organization_id=membership.organization_id, pk=pk)
        .first()
    )
    if comment is None or not comment.objective.is_visible_to(membership):
        raise Http404
    return comment, membership
