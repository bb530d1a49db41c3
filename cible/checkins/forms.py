from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cible.checkins.models import DecisionChoice
from cible.lib.limits import SHORT_TEXT
from cible.lib.text import TextRulesMixin
from cible.okrs import rules
from cible.okrs.forms import NumberField
from cible.okrs.models import KeyResult, KRKind

MILESTONE_CHOICES = [("", "—"), ("1", _("Done")), ("0", _("Not done yet"))]


def _field_rule(check: Any, value: Any, name: str) -> None:
    """A rule's refusal, as a form field's own error."""
    try:
        check(value, name)
    except forms.ValidationError as error:
        raise forms.ValidationError(error.error_dict[name]) from error


class CheckInRowForm(TextRulesMixin, forms.Form):
    """One KR's line on the weekly check-in page. A line left empty records nothing."""

    value = NumberField(
        label=_("New value"),
        required=False,
        max_digits=rules.VALUE_MAX_DIGITS,
        decimal_places=rules.VALUE_DECIMAL_PLACES,
    )
    done = forms.ChoiceField(label=_("Done?"), required=False, choices=MILESTONE_CHOICES)
    confidence = forms.IntegerField(
        label=_("Confidence (0-10)"),
        required=False,
        min_value=rules.CONFIDENCE_MIN,
        max_value=rules.CONFIDENCE_MAX,
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)
    blockers = forms.CharField(label=_("Blockers"), required=False, max_length=2000)
    # Shown once a value looks like a typing mistake (`rules.check_in_warnings`).
    confirm = forms.BooleanField(label=_("Save anyway: the value is right"), required=False)

    def __init__(
        self,
        *args: Any,
        key_result: KeyResult,
        keep_confidence: bool = False,
        **kwargs: Any,
    ) -> None:
        """`keep_confidence`: the confidence field starts at the key result's latest one, and
        a line whose confidence is left as it was records nothing for it."""
        kwargs["prefix"] = f"kr-{key_result.pk}"
        if keep_confidence and key_result.confidence is not None:
            kwargs.setdefault("initial", {}).setdefault("confidence", key_result.confidence)
        super().__init__(*args, **kwargs)
        self.key_result = key_result
        self.warnings: list[rules.CheckInWarning] = []
        self.is_milestone = key_result.kind == KRKind.MILESTONE
        for name in ("value", "confidence"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})
        self.fields["confidence"].widget.attrs.update(
            {"inputmode": "numeric", "min": rules.CONFIDENCE_MIN, "max": rules.CONFIDENCE_MAX}
        )

    def clean_value(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("value")
        if value is not None:
            _field_rule(rules.check_value, value, "value")
        return value

    def clean_confidence(self) -> int | None:
        confidence: int | None = self.cleaned_data.get("confidence")
        _field_rule(rules.check_confidence, confidence, "confidence")
        return confidence

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_milestone and data.get("done") in ("0", "1"):
            data["value"] = Decimal(data["done"])
        value = data.get("value")
        if value is not None and "value" not in self.errors and not data.get("confirm"):
            # Asked before saving, as an error the page shows with its "save anyway" box;
            # the form keeps every field, so nothing typed is lost.
            self.warnings = rules.check_in_warnings(self.key_result, value)
            for warning in self.warnings:
                self.add_error("value", forms.ValidationError(warning.message, code=warning.code))
        return data

    @property
    def touched(self) -> bool:
        data = self.cleaned_data
        if data.get("confidence") != self.initial.get("confidence", None):
            return True
        return any(data.get(name) not in (None, "") for name in ("value", "comment", "blockers"))

    def reading(self) -> dict[str, Any]:
        """What to record: an unchanged value keeps the current one (e.g. only confidence
        moved this week)."""
        data = self.cleaned_data
        value = data.get("value")
        return {
            "value": self.key_result.current if value is None else value,
            "confidence": data.get("confidence"),
            "comment": data.get("comment", ""),
            "blockers": data.get("blockers", ""),
        }


class DecisionForm(TextRulesMixin, forms.Form):
    """The decision on a key result whose plan no longer holds: the reason always; a new
    target to adjust it (checked by the rules when it is stored)."""

    choice = forms.ChoiceField(
        label=_("Your decision"), choices=DecisionChoice.choices, widget=forms.RadioSelect
    )
    target = NumberField(
        label=_("New target (to adjust it)"),
        required=False,
        max_digits=rules.VALUE_MAX_DIGITS,
        decimal_places=rules.VALUE_DECIMAL_PLACES,
    )
    reason = forms.CharField(
        label=_("Reason"),
        error_messages={"required": _("Say why: the reason stays in the history.")},
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("choice") == DecisionChoice.ADJUST and data.get("target") is None:
            self.add_error("target", _("Give the new target."))
        return data
