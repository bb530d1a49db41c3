from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cible.collab import rules
from cible.collab.models import BODY_MAX, Emoji, MailPreference


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=BODY_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-mentions": ""}),
        help_text=_("Plain text. Type @ and a name to mention someone."),
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def clean_body(self) -> str:
        try:
            return rules.check_body(self.cleaned_data["body"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["body"]) from error


class ReactionForm(forms.Form):
    emoji = forms.ChoiceField(label=_("Reaction"), choices=Emoji.choices)


class MailPreferenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = MailPreference
        fields = ("mentions", "approvals", "guardrails")
        labels = {
            "mentions": _("E-mail me when someone mentions me"),
            "approvals": _("E-mail me about drafts waiting for my approval and decisions on mine"),
            "guardrails": _(
                "E-mail me when a key result I own or lead breaches one of its guardrails"
            ),
        }
