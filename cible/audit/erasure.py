"""Erasing a person (GDPR): an explicit admin action, itself recorded in the trail.

The person leaves the organisation; when they belong to no other one, their account is
anonymised: name, e-mail address and password go, the account can no longer sign in. The
OKR data they own stays, still pointing to the anonymised account, so that histories and
scores stay consistent; the person's name is taken out of the recorded histories.
"""

from collections.abc import Iterator, MutableMapping

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.audit.models import Action, AuditEntry, TargetType
from cible.audit.services import Target, record
from cible.collab.models import Comment, InboxItem, MailPreference
from cible.notifications.models import Delivery
from cible.okrs.models import Change
from cible.orgs.models import Invitation, Membership, Role
from cible.orgs.services import drop_from_teams

# The keys of before/after whose value names a person.
PERSON_KEYS = ("person", "member", "owner", "lead", "email")
BATCH = 500


@transaction.atomic
def erase_member(actor: Membership, target: Membership, confirmation: str) -> bool:
    """Erase `target` from the organisation; True when their account was anonymised."""
    person = target.user
    if confirmation.strip().lower() != person.email.lower():
        raise ValidationError(
            {"confirmation": _("Type the e-mail address of the person to erase.")}
        )
    if target.pk == actor.pk:
        raise ValidationError(_("You cannot erase yourself: ask another admin."))
    if target.role == Role.OWNER:
        owners = Membership.objects.filter(organization_id=target.organization_id, role=Role.OWNER)
        if owners.count() == 1:
            raise ValidationError(_("An organisation keeps at least one owner."))
        if actor.role != Role.OWNER:
            raise ValidationError(_("Only an owner can erase an owner."))

    org = target.organization
    drop_from_teams(target, actor.user)
    Invitation.objects.filter(organization=org, email__iexact=person.email).update(email="")
    Delivery.objects.filter(organization=org, user=person).delete()
    # Their inbox and the mentions that notified them go; the comments they wrote stay,
    # as their check-ins do.
    InboxItem.objects.filter(organization=org, recipient=person).delete()
    Comment.mentions.through.objects.filter(comment__organization=org, user=person).delete()
    target.delete()
    anonymised = not Membership.objects.filter(user=person).exists()
    if anonymised:
        anonymise(person)
        MailPreference.objects.filter(user=person).delete()
    # The entry names the person by their id only.
    record(
        org,
        actor.user,
        Target(TargetType.USER, person.pk),
        Action.ERASED,
        after={"anonymised": _("yes") if anonymised else _("no")},
    )
    return anonymised


def anonymise(person: User) -> None:
    """Take a person's name and address out of their account and of the histories."""
    from allauth.account.models import EmailAddress

    names = {person.name, person.email, person.display_name} - {""}
    erased = _("Erased person")
    person.name = erased
    person.email = f"erased-{person.pk}@invalid"
    person.set_unusable_password()
    person.is_active = person.is_staff = person.is_superuser = False
    person.last_login = None
    person.save()
    EmailAddress.objects.filter(user=person).delete()
    _scrub_audit_trail(names, erased)
    _scrub_changes(names, erased)


def _scrub(values: MutableMapping[str, str], names: set[str], erased: str) -> bool:
    found = [key for key in PERSON_KEYS if values.get(key) in names]
    for key in found:
        values[key] = erased
    return bool(found)


def _scrub_audit_trail(names: set[str], erased: str) -> None:
    people = [TargetType.MEMBERSHIP, TargetType.USER, TargetType.INVITATION]
    entries = AuditEntry.objects.filter(
        Q(target_type__in=people, target_label__in=names)
        | Q(before__has_any_keys=PERSON_KEYS)
        | Q(after__has_any_keys=PERSON_KEYS)
    )
    for entry in _in_batches(entries):
        changed = _scrub(entry.before, names, erased)
        changed = _scrub(entry.after, names, erased) or changed
        if entry.target_type in people and entry.target_label in names:
            entry.target_label, changed = erased, True
        if changed:
            entry.save(update_fields=["before", "after", "target_label"])


def _scrub_changes(names: set[str], erased: str) -> None:
    changes = Change.objects.filter(Q(before__has_key="owner") | Q(after__has_key="owner"))
    for change in _in_batches(changes):
        changed = _scrub(change.before, names, erased)
        if _scrub(change.after, names, erased) or changed:
            change.save(update_fields=["before", "after"])


def _in_batches[M: models.Model](qs: QuerySet[M]) -> Iterator[M]:
    """Rows in batches by id: SQLite gives no isolation between a cursor and writes to
    the same table, so no cursor stays open while a row is saved."""
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk")[:BATCH])
        yield from batch
        if len(batch) < BATCH:
            return
        last = batch[-1].pk
