"""Joining the organisation of one's e-mail domain (CIBLE_OIDC_JOIN) at the first single
sign-on, when the provider vouches for the address (the sign-in itself is in
``cible/accounts/sso.py``).
"""

import logging
from collections.abc import Iterable
from typing import Any

from allauth.account.signals import user_signed_up
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.signals import social_account_added
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record
from cible.orgs.models import Membership, Organization, Role

logger = logging.getLogger(__name__)


def verified_emails(sociallogin: SocialLogin) -> list[str]:
    """The addresses the provider says it verified: only those may decide where one joins."""
    return [address.email for address in sociallogin.email_addresses if address.verified]


def organizations_for(emails: Iterable[str]) -> list[Organization]:
    """The organisations that CIBLE_OIDC_JOIN gives to these addresses' domains."""
    domains: dict[str, str] = settings.SSO_JOIN_DOMAINS
    slugs = {
        domains[domain]
        for email in emails
        if (domain := email.rpartition("@")[2].lower()) in domains
    }
    found = list(Organization.objects.filter(slug__in=slugs).order_by("slug"))
    for slug in sorted(slugs - {org.slug for org in found}):
        logger.warning("CIBLE_OIDC_JOIN names the organisation %r, which does not exist", slug)
    return found


@transaction.atomic
def join(org: Organization, user: User) -> Membership | None:
    """Make `user` a member of `org`; an existing membership (and its role) stays as it is."""
    membership, created = Membership.objects.get_or_create(
        organization=org, user=user, defaults={"role": Role.MEMBER}
    )
    if not created:
        return None
    record(
        org,
        user,
        membership,
        Action.JOINED,
        after={"person": user.display_name, "role": membership.role},
    )
    return membership


def join_by_email_domain(user: User, emails: Iterable[str]) -> list[Membership]:
    """Join every organisation of these (verified) addresses' domains; idempotent."""
    joined = [join(org, user) for org in organizations_for(emails)]
    return [membership for membership in joined if membership is not None]


@receiver(user_signed_up)
def join_on_sign_up(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """A new account made by single sign-on (a password sign-up carries no sociallogin)."""
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        join_by_email_domain(user, verified_emails(sociallogin))


@receiver(social_account_added)
def join_on_connect(
    sender: Any, request: HttpRequest, sociallogin: SocialLogin, **kwargs: Any
) -> None:
    """An existing account signing in by single sign-on for the first time."""
    if sociallogin.user is not None:
        join_by_email_domain(sociallogin.user, verified_emails(sociallogin))  # type: ignore[arg-type]
