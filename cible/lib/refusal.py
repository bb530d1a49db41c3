"""A form posted from another page (a score, an adjustment, a retrospective, a quick
check-in) and refused: a page that says so, each error with the field it concerns."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def add_refusal(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal onto the form that sent it: each error on its field where the form
    has it, the others on the whole form (`form.add_error(None, error)` fails on a field
    the form lacks, a model's `target_max` under a form of a target alone, say)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def field_errors(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(field label, message) for each error of a bound form; an empty label for an error
    of the whole form."""
    found: list[tuple[str, str]] = []
    for name, errors in form.errors.items():
        label = str(form[name].label) if name in form.fields else ""
        found.extend((label, str(error)) for error in errors)
    return found


def named_errors(form: forms.BaseForm) -> list[str]:
    """Each error of a bound form as one sentence that starts with its field's label."""
    return [
        _("%(field)s: %(error)s") % {"field": label, "error": error} if label else error
        for label, error in field_errors(form)
    ]


def refuse(
    request: HttpRequest, form: forms.BaseForm, *, subject: str, back: str, **context: Any
) -> HttpResponse:
    """422: nothing was saved; the page names each refused field and links back."""
    context.update({"errors": field_errors(form), "subject": subject, "back": back})
    return render(request, "refused.html", context, status=422)
