"""Single sign-on through an OpenID Connect provider (allauth's ``openid_connect``).

Its settings come from the environment (``sso_config.py``). Here: the person's name from the
provider. Joining the organisation of one's e-mail domain is in ``cible/orgs/sso.py``.
"""

from typing import Any

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest

from cible.accounts.models import User

NAME_LENGTH = User._meta.get_field("name").max_length or 150


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> Any:
        """Cible keeps one `name` field, where allauth fills first and last names."""
        user = super().populate_user(request, sociallogin, data)
        parts = (data.get("first_name"), data.get("last_name"))
        name = data.get("name") or " ".join(part for part in parts if part)
        user.name = (name or "").strip()[:NAME_LENGTH]
        return user
