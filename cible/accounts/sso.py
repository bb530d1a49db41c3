"""Single sign-on through an OpenID Connect provider (allauth's ``openid_connect``).

Its settings come from the environment (``sso_config.py``). Here: the person's name from the
provider, and the provider's requests through the outbound guard. Joining the organisation
of one's e-mail domain is in ``cible/orgs/sso.py``.
"""

import functools
from typing import Any

import requests
from allauth.socialaccount import app_settings as allauth_settings
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest

from cible.accounts.models import User
from cible.lib import outbound

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
