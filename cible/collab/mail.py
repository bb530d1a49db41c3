"""The inbox's mails: mentions and approvals, gathered, one mail per person every
`MAIL_INTERVAL` at most, of the kinds they did not switch off. The scheduler's pass
(`cible worker`) runs `send_due()`; `cible manage send_inbox_mail` runs it once.

A person's turn is claimed by moving their `last_mailed_at` forward in one conditional
UPDATE, so two workers never both mail them; a mail that fails gives the turn back and its
items wait for the next pass."""

import logging
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cible.accounts.models import User
from cible.collab.models import MAILED_KINDS, InboxItem, MailPreference
from cible.notifications.services import send_message, site_url
from cible.okrs.models import Objective
from cible.orgs.models import Membership, org_zone

logger = logging.getLogger(__name__)

MAIL_INTERVAL = timedelta(minutes=15)
# Items older than this are never mailed (a worker that was down for a week sends no flood).
MAIL_HORIZON = timedelta(days=2)
MAX_ITEMS = 50


def _pending(now: datetime) -> "Q":
    return Q(mailed_at__isnull=True, kind__in=MAILED_KINDS, created_at__gte=now - MAIL_HORIZON)


def due_recipients(now: datetime) -> list[int]:
    """People with unmailed items whose last mail is older than the interval."""
    recent = MailPreference.objects.filter(last_mailed_at__gt=now - MAIL_INTERVAL).values("user_id")
    return list(
        InboxItem.objects.filter(_pending(now))
        .exclude(recipient_id__in=recent)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def _claim(user_id: int, now: datetime) -> tuple[MailPreference, datetime | None] | None:
    preference, _created = MailPreference.objects.get_or_create(user_id=user_id)
    previous = preference.last_mailed_at
    claimed = (
        MailPreference.objects.filter(pk=preference.pk)
        .filter(Q(last_mailed_at__isnull=True) | Q(last_mailed_at__lte=now - MAIL_INTERVAL))
        .update(last_mailed_at=now)
    )
    return (preference, previous) if claimed else None


def _visible(items: list[InboxItem], user: User) -> list[InboxItem]:
    """The items about what the person may still see, in each organisation."""
    memberships = {
        m.organization_id: m
        for m in Membership.objects.filter(user=user).select_related("organization")
    }
    kept = []
    for org_id in {item.organization_id for item in items}:
        membership = memberships.get(org_id)
        if membership is None:
            continue
        visible = set(
            Objective.objects.visible_to(membership)
            .filter(pk__in=[i.objective_id for i in items if i.organization_id == org_id])
            .values_list("pk", flat=True)
        )
        kept += [i for i in items if i.organization_id == org_id and i.objective_id in visible]
    return sorted(kept, key=lambda i: (i.created_at, i.pk))


def build_message(user: User, items: list[InboxItem]) -> EmailMultiAlternatives:
    org = items[0].organization
    with translation.override(org.language), timezone.override(org_zone(org)):
        context = {
            "user": user,
            "org": org,
            "items": [
                (item, site_url(reverse("inbox_open", args=[item.organization.slug, item.pk])))
                for item in items
            ],
            "inbox_url": site_url(reverse("inbox", args=[org.slug])),
            "settings_url": site_url(reverse("inbox_mail", args=[org.slug])),
        }
        subject = translation.ngettext(
            "Cible: %(n)d new item in your inbox",
            "Cible: %(n)d new items in your inbox",
            len(items),
        ) % {"n": len(items)}
        text = render_to_string("collab/mail.txt", context)
        html = render_to_string("collab/mail.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[user.email],
        headers={
            "Auto-Submitted": "auto-generated",
            "X-Cible-Notification": "inbox",
            "List-Unsubscribe": f"<{context['settings_url']}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_to(user_id: int, now: datetime) -> bool:
    """Mail one person their pending items, if it is their turn; True when a mail went."""
    claim = _claim(user_id, now)
    if claim is None:
        return False
    preference, previous = claim
    pending = InboxItem.objects.filter(_pending(now), recipient_id=user_id)
    items = list(
        pending.select_related(
            "organization",
            "actor",
            "objective",
            "comment",
            "guardrail_breach__guardrail__kpi",
            "guardrail_breach__guardrail__key_result",
        )[:MAX_ITEMS]
    )
    wanted = [i for i in items if preference.wants(i.kind)]
    user = User.objects.get(pk=user_id)
    shown = _visible(wanted, user) if wanted else []
    if shown:
        try:
            send_message(build_message(user, shown))
        except Exception:
            logger.exception("Could not mail the inbox of person #%s", user_id)
            MailPreference.objects.filter(pk=preference.pk).update(last_mailed_at=previous)
            return False
    else:  # nothing to say: the turn is not spent
        MailPreference.objects.filter(pk=preference.pk).update(last_mailed_at=previous)
    InboxItem.objects.filter(pk__in=[i.pk for i in items]).update(mailed_at=now)
    return bool(shown)


def send_due(now: datetime | None = None) -> int:
    """One pass: mail everyone whose turn it is. Returns how many mails went."""
    now = now or timezone.now()
    return sum(send_to(user_id, now) for user_id in due_recipients(now))
