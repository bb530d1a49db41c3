"""What the API's endpoints share: pagination, finding the objects a body names within the
caller's organisation (a foreign or unknown id in a body is a 422 naming the field; in the
path it is a 404, through the access layer), and running the web's forms on API input."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

from cible.api.schemas import MAX_ID
from cible.okrs.models import Cycle
from cible.orgs.models import Organization, Team

MAX_LIMIT = 200


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_ID)


def paginate[M: Model](qs: QuerySet[M], page: PageQuery) -> tuple[int, list[M]]:
    return qs.count(), list(qs[page.offset : page.offset + page.limit])


def page_of(count: int, items: Sequence[Any]) -> dict[str, Any]:
    return {"count": count, "items": list(items)}


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def team_in(org: Organization, team_id: int, field: str) -> Team:
    team = Team.objects.filter(pk=team_id, organization=org).first()
    if team is None:
        raise _invalid(field, _("Choose a team of the organisation."))
    return team


def cycle_in(org: Organization, cycle_id: int | None, field: str = "cycle") -> Cycle:
    """The cycle named, or the current one when none is."""
    if cycle_id is None:
        cycle = Cycle.objects.current_for(org)
    else:
        cycle = Cycle.objects.filter(pk=cycle_id, organization=org).first()
    if cycle is None:
        raise _invalid(field, _("Choose a cycle of the organisation."))
    return cycle


def form_value(value: Any) -> Any:
    """A value as a submitted form carries it, so that the web forms' rules check the
    API's input too."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [form_value(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value.pk)
    return str(value)


def form_data(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: form_value(value) for name, value in fields.items()}


def check_form(form: forms.BaseForm) -> dict[str, Any]:
    """The form's cleaned data, or a ValidationError naming its fields (a 422)."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data
