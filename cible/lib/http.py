from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from cible.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind @login_required: its user is a real account."""

    user: "User"  # type: ignore[assignment]


MAX_ID_DIGITS = 18  # fits a 64-bit integer column on every database


def parse_id(raw: object) -> int | None:
    """An object id from user input, or None: plain ASCII digits that fit the database."""
    text = str(raw or "")
    if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS:
        return int(text)
    return None


class IdConverter:
    """<id:pk> in URLs: like <int:pk>, bounded so that no id overflows the database."""

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
