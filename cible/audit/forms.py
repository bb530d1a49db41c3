from datetime import date
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cible.accounts.models import User
from cible.audit.models import AuditEntry, TargetType
from cible.lib.text import TextRulesMixin
from cible.orgs.models import Membership, Organization


class AuditFilterForm(TextRulesMixin, forms.Form):
    """The audit page's filters; every one is optional."""

    type = forms.ChoiceField(
        label=_("About"), required=False, choices=[("", _("Anything")), *TargetType.choices]
    )
    actor = forms.ModelChoiceField(
        label=_("By"), required=False, queryset=User.objects.none(), empty_label=_("Anyone")
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The organisation's people, and whoever left it after changing something.
        actors = AuditEntry.objects.filter(organization=org, actor__isnull=False).values("actor")
        self.fields["actor"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(Q(memberships__organization=org) | Q(pk__in=actors))
            .distinct()
            .order_by("name", "email")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("start")
        end: date | None = data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date comes before the start date."))
        return data


class ErasureForm(TextRulesMixin, forms.Form):
    confirmation = forms.CharField(
        label=_("Type the person's e-mail address to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, target: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target = target

    def clean_confirmation(self) -> str:
        value: str = self.cleaned_data["confirmation"].strip()
        if value.lower() != self.target.user.email.lower():
            raise forms.ValidationError(_("Type the e-mail address of the person to erase."))
        return value
