"""Who calls the API: a personal token (``Authorization: Bearer cible_...``) or the web
session of the app itself, whose writes need the CSRF token like any form. And how often:
a rate per token or person, a stricter one per address for failed attempts."""

import threading
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle
from ninja.utils import check_csrf

from cible.api.models import ApiToken
from cible.api.tokens import find_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """A personal token. A wrong one is refused at once, even with a session cookie beside
    it: a script must learn that its token no longer works."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = find_token(token)
        if found is None:
            raise AuthenticationError(message=_("This token is unknown, expired or revoked."))
        if not found.can_write and request.method not in SAFE_METHODS:
            raise AuthorizationError(message=_("This token is read-only."))
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found


class CookieSessionAuth(SessionAuth):
    """The signed-in person's session. Ninja checks CSRF before knowing whether anyone is
    signed in; checking it after makes an anonymous write a 401, as for any anonymous call."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, _("The CSRF token is missing or wrong."))
        return user


class SettingRateThrottle(SimpleRateThrottle):
    """Ninja's throttle with its rate read from a setting at each request, so that a test
    (or an operator's settings override) changes it without rebuilding the API. One
    instance serves every thread: the state of a request stays in local variables."""

    def __init__(self, setting: str, scope: str) -> None:
        self.setting = setting
        self.scope = scope
        self.local = threading.local()
        super().__init__(rate=self.current_rate())

    def current_rate(self) -> str:
        return str(getattr(settings, self.setting))

    def allow_request(self, request: HttpRequest) -> bool:
        allowed, duration = self.parse_rate(self.current_rate())
        assert allowed is not None and duration is not None
        key = self.get_cache_key(request)
        now = time.time()
        history = [at for at in self.cache.get(key, []) if at > now - duration]
        if len(history) >= allowed:
            self.local.wait = max(1.0, duration - (now - history[-1]))
            return False
        self.cache.set(key, [now, *history], duration)
        return True

    def wait(self) -> float | None:
        return getattr(self.local, "wait", None)

    def get_cache_key(self, request: HttpRequest) -> str:
        auth = getattr(request, "auth", None)
        if isinstance(auth, ApiToken):
            ident = f"token-{auth.pk}"
        elif auth is not None:
            ident = f"user-{auth.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


throttle = SettingRateThrottle("API_RATE", "api")
anonymous_throttle = SettingRateThrottle("API_ANON_RATE", "api-anonymous")
