"""Cible's hooks into allauth's account flows."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from cible.accounts import throttle


def _login(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Cible's back-off (throttle.py) replaces allauth's `login_failed` limit, which
        counts every attempt before checking it and so refuses simultaneous correct
        sign-ins, and a correct one from anywhere once an attacker has guessed enough."""
        wait = throttle.wait_for(request, _login(credentials))
        if wait:
            raise ValidationError(throttle.message(wait), code="too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is not None:
            throttle.succeeded(request, _login(credentials))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        throttle.failed(request, _login(credentials))
