"""What the planning helpers read from a query string: the key result or objective as
typed so far. A malformed number or an unknown kind is a form error, never a 500."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cible.lib.limits import limit_length
from cible.lib.text import TextRulesMixin
from cible.okrs import rules
from cible.okrs.forms import NumberField
from cible.okrs.models import KeyResult, KRKind, Objective


def _number(label: Any, required: bool) -> NumberField:
    return NumberField(
        label=label,
        required=required,
        max_digits=rules.VALUE_MAX_DIGITS,
        decimal_places=rules.VALUE_DECIMAL_PLACES,
    )


class TargetQueryForm(TextRulesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=KRKind.choices)
    start = _number(_("start value"), required=True)
    target = _number(_("target"), required=False)
    unit = forms.CharField(label=_("unit"), required=False)
    title = forms.CharField(label=_("title"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_length(self.fields["unit"], KeyResult._meta.get_field("unit").max_length or 20)
        limit_length(self.fields["title"], KeyResult._meta.get_field("title").max_length or 200)


class RecallQueryForm(TextRulesMixin, forms.Form):
    title = forms.CharField(label=_("title"), required=False)
    unit = forms.CharField(label=_("unit"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_length(self.fields["title"], Objective._meta.get_field("title").max_length or 200)
        limit_length(self.fields["unit"], KeyResult._meta.get_field("unit").max_length or 20)
