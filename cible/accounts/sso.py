"""Single sign-on through an OpenID Connect provider (allauth's ``openid_connect``).

Its settings come from the environment (``sso_config.py``). Here: the person's name from the
provider, and joining the organisation of one's e-mail domain (CIBLE_OIDC_JOIN) at the first
single sign-on, when the provider vouches for the address.
"""

import functools
import logging
from collections.abc import Iterable
from typing import Any

import requests
from allauth.account.signals import user_signed_up
from allauth.socialaccount import app_settings as allauth_settings
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.signals import social_account_added
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record
from cible.lib import outbound
from cible.orgs.models import Membership, Organization, Role

logger = logging.getLogger(__name__)

NAME_LENGTH = User._meta.get_field("name").max_length or 150


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_requests_session(self) -> requests.Session:
        """The provider's discovery, keys and tokens go through the outbound guard: a
        provider on the local network is one the operator lists in CIBLE_OUTBOUND_ALLOW."""
        session = outbound.session()
        session.request = functools.partial(  # type: ignore[method-assign]
            session.request, timeout=allauth_settings.REQUESTS_TIMEOUT
        )
        return session

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> Any:
        """Cible keeps one `name` field, where allauth fills first and last names."""
        user = super().populate_user(request, sociallogin, data)
        parts = (data.get("first_name"), data.get("last_name"))
        name = data.get("name") or " ".join(part for part in parts if part)
        user.name = (name or "").strip()[:NAME_LENGTH]
        return user


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
