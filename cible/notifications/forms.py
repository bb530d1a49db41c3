from django import forms
from django.utils.translation import gettext_lazy as _

from cible.lib.text import TextRulesMixin


class MuteForm(TextRulesMixin, forms.Form):
    """The one switch a person has: their own check-in reminders, off or on."""

    muted = forms.TypedChoiceField(
        label=_("Check-in reminders"),
        choices=[("1", _("Muted")), ("0", _("On"))],
        coerce=lambda value: value == "1",
    )
