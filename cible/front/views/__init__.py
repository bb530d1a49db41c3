from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect

from cible.lib.http import AuthenticatedHttpRequest
from cible.orgs.models import Membership


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send people to their organisation, or to create one when they have none."""
    membership = (
        Membership.objects.filter(user_id=request.user.pk)  # type: ignore[misc]
        .select_related("organization")
        .order_by("joined_at")
        .first()
    )
    if membership is None:
        return redirect("org_create")
    return redirect(membership.organization.get_absolute_url())
