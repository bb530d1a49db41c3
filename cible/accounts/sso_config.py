"""Single sign-on settings from the CIBLE_OIDC_* variables.

settings.py calls these before the apps load, so nothing here may import a model. A wrong
value stops the start-up with a message naming the variable, rather than a sign-in page
that fails later for every person.
"""

import re
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Part of the redirect URI that the provider's administrator registers:
# <site>/accounts/oidc/sso/login/callback/
PROVIDER_ID = "sso"

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN_RE = re.compile(rf"^(?:{_LABEL}\.)+{_LABEL}$")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
JOIN_EXAMPLE = "example.com=acme,example.org=globex"


def oidc_providers(
    server_url: str, client_id: str, client_secret: str, name: str = ""
) -> dict[str, Any]:
    """allauth's SOCIALACCOUNT_PROVIDERS for one OpenID Connect provider, or {} when off.

    The app is declared here rather than as a database row, so the environment alone turns
    single sign-on on and off.
    """
    if not server_url:
        stray = [var for var, value in (("CLIENT_ID", client_id), ("NAME", name)) if value]
        if stray:
            raise ImproperlyConfigured(
                f"CIBLE_OIDC_{stray[0]} is set but CIBLE_OIDC_SERVER_URL is not: set the "
                "provider's issuer URL to turn single sign-on on, or unset both."
            )
        return {}
    if not server_url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            "CIBLE_OIDC_SERVER_URL must be the provider's issuer URL, starting with "
            f"https:// (http:// only for a test provider), not {server_url!r}."
        )
    if not client_id:
        raise ImproperlyConfigured(
            "CIBLE_OIDC_SERVER_URL is set but CIBLE_OIDC_CLIENT_ID is not: copy the client id "
            "that the provider gave to Cible."
        )
    app_settings = {
        "server_url": server_url.rstrip("/"),
        "oauth_pkce_enabled": True,
        # The provider's *verified* e-mail signs into the local account that has it
        # (allauth ignores unverified ones), so people keep their OKRs when SSO arrives.
        "email_authentication": True,
        # The button then says "Sign in with single sign-on", translated.
        "default_name": not name,
    }
    app = {
        "provider_id": PROVIDER_ID,
        "name": name or _("Single sign-on"),
        "client_id": client_id,
        "secret": client_secret,
        "settings": app_settings,
    }
    return {"openid_connect": {"APPS": [app]}}


def join_domains(value: str, providers: dict[str, Any]) -> dict[str, str]:
    """CIBLE_OIDC_JOIN (``example.com=acme,example.org=globex``) as {domain: org slug}."""
    if not value.strip():
        return {}
    if not providers:
        raise ImproperlyConfigured(
            "CIBLE_OIDC_JOIN is set but single sign-on is off: set CIBLE_OIDC_SERVER_URL "
            "too, or unset CIBLE_OIDC_JOIN."
        )
    domains: dict[str, str] = {}
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        domain, equals, slug = (part.strip() for part in item.partition("="))
        domain = domain.lower()
        if not equals or not DOMAIN_RE.match(domain) or not SLUG_RE.match(slug):
            raise ImproperlyConfigured(
                f"CIBLE_OIDC_JOIN: {item!r} is not of the form domain=organisation-slug "
                f"(e.g. {JOIN_EXAMPLE}); the slug is the one in the organisation's "
                "address, /o/<slug>/."
            )
        if domain in domains:
            raise ImproperlyConfigured(
                f"CIBLE_OIDC_JOIN: the domain {domain!r} appears twice; each domain leads "
                "to one organisation."
            )
        domains[domain] = slug
    return domains


def provider_origins(providers: dict[str, Any]) -> list[str]:
    """The providers' origins, for the Content Security Policy's form-action.

    The sign-in button posts to Cible, which redirects to the provider: browsers check that
    redirect against form-action, so the provider's origin must be allowed there.
    """
    origins = []
    for app in providers.get("openid_connect", {}).get("APPS", []):
        url = urlsplit(app["settings"]["server_url"])
        origins.append(f"{url.scheme}://{url.netloc}")
    return origins
