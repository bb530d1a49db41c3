from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cible.lib.text import TextRulesMixin
from cible.okrs.models import KeyResult, KRKind

MILESTONE_CHOICES = [("", "—"), ("1", _("Done")), ("0", _("Not done yet"))]


class CheckInRowForm(TextRulesMixin, forms.Form):
    """One KR's line on the weekly check-in page. A line left empty records nothing."""

    value = forms.DecimalField(
        label=_("New value"), required=False, max_digits=20, decimal_places=4
    )
    done = forms.ChoiceField(label=_("Done?"), required=False, choices=MILESTONE_CHOICES)
    confidence = forms.IntegerField(
        label=_("Confidence (0-10)"), required=False, min_value=0, max_value=10
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)
    blockers = forms.CharField(label=_("Blockers"), required=False, max_length=2000)

    def __init__(self, *args: Any, key_result: KeyResult, **kwargs: Any) -> None:
        kwargs["prefix"] = f"kr-{key_result.pk}"
        super().__init__(*args, **kwargs)
        self.key_result = key_result
        self.is_milestone = key_result.kind == KRKind.MILESTONE
        for name in ("value", "confidence"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})
        self.fields["confidence"].widget.attrs.update({"inputmode": "numeric", "min": 0, "max": 10})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_milestone and data.get("done") in ("0", "1"):
            data["value"] = Decimal(data["done"])
        return data

    @property
    def touched(self) -> bool:
        data = self.cleaned_data
        return any(
            data.get(name) not in (None, "")
            for name in ("value", "confidence", "comment", "blockers")
        )

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
