"""The forms of the pages that gather several apps: the first run of a new organisation."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cible.lib.text import TextRulesMixin
from cible.okrs import library
from cible.okrs.models import Cycle, CycleState
from cible.orgs.models import Organization

MAX_OBJECTIVES = 3
"""The method's advice for a start: a few company objectives, three at most here."""
WRITTEN = ("title_1", "title_2", "title_3")
MAX_INVITATIONS = 200


class StartObjectivesForm(TextRulesMixin, forms.Form):
    """Step one: the cycle, and up to three company objectives from templates or written."""

    cycle = forms.ModelChoiceField(
        label=_("Cycle"), queryset=Cycle.objects.none(), empty_label=None
    )
    templates = forms.MultipleChoiceField(
        label=_("Objectives from the library"), required=False, choices=()
    )
    title_1 = forms.CharField(label=_("Your own objective"), required=False, max_length=200)
    title_2 = forms.CharField(label=_("Another objective"), required=False, max_length=200)
    title_3 = forms.CharField(label=_("A third objective"), required=False, max_length=200)

    def __init__(self, *args: Any, org: Organization, current: Cycle | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cycles = Cycle.objects.filter(organization=org).exclude(state=CycleState.CLOSED)
        self.fields["cycle"].queryset = cycles.order_by("start", "-end")  # type: ignore[attr-defined]
        if current is not None:
            self.fields["cycle"].initial = current.pk
        self.fields["templates"].choices = [(t.key, t.key) for t in library.TEMPLATES]  # type: ignore[attr-defined]

    def chosen_templates(self) -> list[library.ObjectiveTemplate]:
        keys = self.cleaned_data.get("templates") or []
        return [t for t in (library.get(key) for key in keys) if t is not None]

    def written_titles(self) -> list[str]:
        return [title for name in WRITTEN if (title := self.cleaned_data.get(name, "").strip())]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        count = len(self.chosen_templates()) + len(self.written_titles())
        if count == 0:
            raise ValidationError(
                _("Choose a template or write an objective, or skip this step."), code="empty"
            )
        if count > MAX_OBJECTIVES:
            raise ValidationError(
                ngettext(
                    "Choose at most %(max)d objective to start with (%(count)d chosen).",
                    "Choose at most %(max)d objectives to start with (%(count)d chosen).",
                    MAX_OBJECTIVES,
                )
                % {"max": MAX_OBJECTIVES, "count": count},
                code="too_many",
            )
        return data


def split_addresses(text: str) -> list[str]:
    """The addresses of a pasted list, separated by commas, semicolons or lines: each part
    an address, a few addresses separated by spaces, or "Name <address>" (the name left
    out). Duplicates dropped, the order kept; what is no address is kept, to be refused."""
    seen: dict[str, None] = {}
    for part in re.split(r"[,;\n]+", text):
        bracketed = re.findall(r"<([^<>]*)>", part)
        for word in bracketed or part.split():
            if word := word.strip().strip("\"'"):
                seen.setdefault(word.lower(), None)
    return list(seen)


class StartInviteForm(TextRulesMixin, forms.Form):
    """Step two: the colleagues to invite, as a pasted list of e-mail addresses."""

    emails = forms.CharField(
        label=_("E-mail addresses"),
        help_text=_("Paste them as they come: one a line, or separated by commas."),
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        max_length=20_000,
    )

    def clean_emails(self) -> list[str]:
        addresses = split_addresses(self.cleaned_data["emails"])
        wrong = []
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                wrong.append(address)
        if wrong:
            raise ValidationError(
                _("These are not e-mail addresses: %(wrong)s") % {"wrong": ", ".join(wrong[:10])},
                code="invalid",
            )
        if not addresses:
            raise ValidationError(_("Paste at least one e-mail address."), code="required")
        if len(addresses) > MAX_INVITATIONS:
            raise ValidationError(
                _("At most %(max)d invitations at once.") % {"max": MAX_INVITATIONS},
                code="too_many",
            )
        return addresses
