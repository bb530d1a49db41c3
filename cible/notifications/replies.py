"""The reply address of a reminder: answering the mail checks in.

When `settings.MAIL_IN_ADDRESS` is set (say `checkin@okr.example.com`), each reminder
carries a `Reply-To` of that address with a tag naming the membership and signing it:
`checkin+1234-5f0c...@okr.example.com`. The tag is the membership's number and a keyed
hash of it, in lower case letters and digits (some mail servers change the case of the part
before the @). Nobody can make the tag of another membership without the server's secret
key; a membership that is deleted takes its tag with it.
"""

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "cible.notifications.replies"
_TAG = re.compile(r"^(\d{1,18})-([0-9a-f]{24})$")


def enabled() -> bool:
    return "@" in settings.MAIL_IN_ADDRESS


def _signature(membership_id: int) -> str:
    return salted_hmac(SALT, str(membership_id), algorithm="sha256").hexdigest()[:24]


def reply_address(membership_id: int) -> str:
    local, _at, domain = settings.MAIL_IN_ADDRESS.rpartition("@")
    return f"{local}+{membership_id}-{_signature(membership_id)}@{domain}"


def membership_id_for(address: str) -> int | None:
    """The membership a reply address names, when its signature is right and it is an
    address of this server's; None for any other address."""
    if not enabled():
        return None
    local, _at, domain = address.strip().strip("<>").rpartition("@")
    ours_local, _at, ours_domain = settings.MAIL_IN_ADDRESS.rpartition("@")
    base, plus, tag = local.partition("+")
    if not plus or base.casefold() != ours_local.casefold():
        return None
    if domain.casefold() != ours_domain.casefold():
        return None
    found = _TAG.match(tag.casefold())
    if found is None:
        return None
    membership_id = int(found.group(1))
    if not constant_time_compare(found.group(2), _signature(membership_id)):
        return None
    return membership_id
