"""@mentions in a comment's plain text: `@name` (the part of a member's e-mail address
before the @, when only one member of the organisation has it) or `@name@example.com` (the
whole address). The text is kept as written; the people it names are resolved once, when the
comment is saved, and only those who may see the commented thing are kept."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Q

from cible.accounts.models import User
from cible.orgs.models import Membership, Organization

MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
# A comment names a few people; more handles than this are read as text.
MAX_HANDLES = 20


def handle_of(match: re.Match[str]) -> str:
    """The handle a match names, without a full stop ending the sentence."""
    return match.group(1).rstrip(".").lower()


def handles(body: str) -> list[str]:
    found: list[str] = []
    for match in MENTION.finditer(body):
        handle = handle_of(match)
        if handle and handle not in found:
            found.append(handle)
    return found[:MAX_HANDLES]


def resolve(org: Organization, body: str) -> dict[str, Membership]:
    """Each handle of the text that names exactly one member, with their membership."""
    wanted = handles(body)
    if not wanted:
        return {}
    condition = Q()
    for handle in wanted:
        condition |= (
            Q(user__email__iexact=handle)
            if "@" in handle
            else Q(user__email__istartswith=f"{handle}@")
        )
    members = list(
        Membership.objects.filter(condition, organization=org).select_related(
            "user", "organization"
        )
    )
    found: dict[str, Membership] = {}
    for handle in wanted:
        if "@" in handle:
            matches = [m for m in members if m.user.email.lower() == handle]
        else:
            matches = [m for m in members if m.user.email.lower().split("@")[0] == handle]
        if len(matches) == 1:
            found[handle] = matches[0]
    return found


@dataclass(frozen=True)
class Piece:
    """A part of a comment as shown: text, or a mention of a person."""

    text: str
    person: User | None = None


def pieces(body: str, mentioned: Iterable[User]) -> Iterator[Piece]:
    """The text cut around its mentions of `mentioned` (the people it notified); any other
    handle stays text."""
    people: dict[str, User] = {}
    for user in mentioned:
        email = user.email.lower()
        people[email] = user
        people.setdefault(email.split("@")[0], user)
    position = 0
    for match in MENTION.finditer(body):
        person = people.get(handle_of(match))
        if person is None:
            continue
        end = match.start() + 1 + len(match.group(1).rstrip("."))
        if match.start() > position:
            yield Piece(body[position : match.start()])
        yield Piece(body[match.start() : end], person)
        position = end
    if position < len(body):
        yield Piece(body[position:])
