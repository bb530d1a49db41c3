from django import template

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
