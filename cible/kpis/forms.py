"""The KPI forms: a KPI and its thresholds, one value entered by hand, a CSV file of values."""

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cible.kpis import importing, rules
from cible.kpis.access import KPIPowers
from cible.kpis.models import KPI, Status
from cible.lib.text import TextRulesMixin
from cible.okrs import rules as okr_rules
from cible.okrs.forms import NumberField, owner_field
from cible.orgs.models import Team

THRESHOLDS = ("critical_low", "healthy_low", "healthy_high", "critical_high")


def value_field(label: Any, required: bool = True) -> NumberField:
    """A value as a person types it: the decimal comma of their language accepted."""
    field = NumberField(
        label=label,
        required=required,
        max_digits=okr_rules.VALUE_MAX_DIGITS,
        decimal_places=okr_rules.VALUE_DECIMAL_PLACES,
        localize=True,
    )
    field.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
    return field


class KPIForm(TextRulesMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = KPI
        fields = [
            "name",
            "team",
            "unit",
            "direction",
            "healthy_low",
            "healthy_high",
            "critical_low",
            "critical_high",
            "rhythm",
            "owner",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, powers: KPIPowers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = powers.membership
        self.instance.organization = membership.organization
        teams = Team.objects.filter(organization=membership.organization).order_by("name")
        if not membership.is_admin:
            teams = teams.filter(pk__in=powers.team_ids)
        team: Any = self.fields["team"]
        team.queryset = teams
        team.required = not membership.is_admin
        team.empty_label = _("The whole organisation") if membership.is_admin else None
        team.help_text = _("Whose health metric it is: its members and lead keep it up.")
        self.fields["owner"] = owner_field(membership.organization)
        self.fields["owner"].required = False
        for name in THRESHOLDS:
            label = self.fields[name].label
            self.fields[name] = value_field(label, required=False)
        self.fields["healthy_low"].help_text = _(
            "Higher is better, stay between: the lowest healthy value."
        )
        self.fields["healthy_high"].help_text = _(
            "Lower is better, stay between: the highest healthy value."
        )
        self.fields["critical_low"].help_text = _(
            "Below it, the KPI is critical; between it and the healthy value, a warning."
        )
        self.fields["critical_high"].help_text = _(
            "Above it, the KPI is critical; between the healthy value and it, a warning."
        )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the KPI a name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A direction leaves the thresholds it does not watch empty, whatever was typed in
        # them before it was chosen.
        needed = rules.NEEDED.get(str(data.get("direction")), THRESHOLDS)
        for name in THRESHOLDS:
            if name not in needed:
                data[name] = None
                self.errors.pop(name, None)
        return data

    def _update_errors(self, errors: Any) -> None:
        # The model checks the thresholds again (rules.thresholds_errors): a field the form
        # already refused keeps its own message only.
        if hasattr(errors, "error_dict"):
            kept = {k: v for k, v in errors.error_dict.items() if k not in self.errors}
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)  # type: ignore[misc]


class ValueForm(TextRulesMixin, forms.Form):
    """One value entered by hand: today unless a date is given."""

    value = value_field(_("Value"))
    measured_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for today."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def clean_measured_on(self) -> date | None:
        day: date | None = self.cleaned_data.get("measured_on")
        if day is not None and day > timezone.localdate():
            raise ValidationError(_("A value is measured today or before, not in the future."))
        return day

    @property
    def measured_at(self) -> datetime | None:
        return measured_at(self.cleaned_data.get("measured_on"))


def measured_at(day: date | None) -> datetime | None:
    """The moment a value of this day is kept at: now for today, midday otherwise."""
    if day is None or day == timezone.localdate():
        return None
    return timezone.make_aware(datetime.combine(day, time(12)))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns date, value and an optional note, with a header row; separated by "
            "commas or semicolons. At most %(size)s kB."
        )
        % {"size": importing.MAX_BYTES // 1000},
    )

    def clean_file(self) -> list[importing.Row]:
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s kB."),
                params={"size": importing.MAX_BYTES // 1000},
                code="too_large",
            )
        return importing.parse(upload.read(), (get_language() or "").startswith("fr"))


class StatusFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices[1:]]
    )
