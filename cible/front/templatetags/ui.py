from django import template

from cible.okrs.access import Powers
from cible.okrs.models import KeyResult
from cible.orgs.models import Membership

register = template.Library()


@register.filter
def initials(name: str) -> str:
    """Up to two initials of a name for an avatar: "Alice Martin" gives "AM"."""
    words = [word for word in str(name).replace("-", " ").split() if word[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


@register.filter
def can_check_in(membership: Membership | None, kr: KeyResult) -> bool:
    """Whether `membership` may check `kr` in (the okrs' `Powers`, asked once a page)."""
    if membership is None or not getattr(membership, "can_write", False):
        return False
    powers = getattr(membership, "_ui_powers", None)
    if powers is None:
        powers = Powers(membership)
        membership._ui_powers = powers  # type: ignore[attr-defined]
    return powers.can_edit_key_result(kr)
