from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from cible.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind @login_required: its user is a real account."""

    user: "User"  # type: ignore[assignment]
