"""What a signed-in person does for themselves through the API: making a personal token,
from the app's own session (a token cannot make another one)."""

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from cible.api.auth import CookieSessionAuth
from cible.api.errors import ERROR_RESPONSES as ERRORS
from cible.api.forms import MAX_LIFETIME_DAYS
from cible.api.models import ApiToken, Scope
from cible.api.schemas import Input
from cible.api.tokens import create_token
from cible.api.types import LINE, Moment
from cible.lib.http import AuthenticatedHttpRequest as Request

router = Router()

TokenName = Annotated[
    str, Field(min_length=1, max_length=ApiToken._meta.get_field("name").max_length), LINE
]


class TokenIn(Input):
    name: TokenName
    scope: Scope = Scope.READ
    expires_at: Moment | None = Field(None, description="Null: the token does not expire.")


class NewTokenOut(Schema):
    id: int
    name: str
    scope: Scope
    prefix: str
    expires_at: datetime | None
    secret: str = Field(description="Shown this once: only its digest is kept.")


@router.post(
    "/tokens",
    auth=CookieSessionAuth(),
    response={201: NewTokenOut, **ERRORS},
    tags=["tokens"],
)
def create_personal_token(request: Request, data: TokenIn) -> Any:
    """Make a personal API token for the signed-in person (session and CSRF token only;
    a token cannot make another one). Its secret is in this answer and nowhere else."""
    name = data.name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    expires_at = data.expires_at
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at)
        now = timezone.now()
        if expires_at <= now or (expires_at - now).days > MAX_LIFETIME_DAYS:
            message = _("Choose a moment within five years from now.")
            raise ValidationError({"expires_at": message})
    token, secret = create_token(request.user, name, data.scope, expires_at)
    body = {
        "id": token.pk,
        "name": token.name,
        "scope": token.scope,
        "prefix": token.prefix,
        "expires_at": token.expires_at,
        "secret": secret,
    }
    return Status(201, body)
