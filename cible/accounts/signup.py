"""Signing up without telling whether an address already has an account: both answers are
the same page ("we sent you an e-mail"). A new address gets the link that confirms it (and
signs in); an address already registered gets a mail saying so, with a link to sign in or
reset the password. Only the owner of the mailbox learns which it was."""

from typing import Any

from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import SignupForm
from allauth.account.utils import complete_signup, get_next_redirect_url, perform_login
from django.http import HttpRequest, HttpResponse

from cible.accounts.models import User


class PrivateSignupForm(SignupForm):
    def validate_unique_email(self, value: str) -> str:
        # Never "this address is already registered": see try_save.
        self.account_already_exists = User.objects.filter(email__iexact=value).exists()
        return value

    def try_save(self, request: HttpRequest) -> tuple[Any, HttpResponse]:
        email = self.cleaned_data["email"]
        if self.account_already_exists:
            # The mail "you already have an account", and the page a sign-up shows.
            response = perform_login(
                request,
                None,  # type: ignore[arg-type]
                email_verification=EmailVerificationMethod.MANDATORY,
                signup=True,
                email=email,
            )
            return None, response
        user = self.save(request)
        # The confirmation mail first: the account is used once its address is confirmed.
        response = complete_signup(
            request,
            user,
            EmailVerificationMethod.MANDATORY,
            get_next_redirect_url(request),
        )
        return user, response
