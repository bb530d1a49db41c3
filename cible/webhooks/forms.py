from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cible.lib.text import TextRulesMixin
from cible.orgs.models import webhook_url_validator
from cible.webhooks.models import SUBSCRIBABLE, DeliveryState, WebhookEndpoint


class EndpointForm(TextRulesMixin, forms.ModelForm):  # type: ignore[type-arg]
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(event.value, event.label) for event in SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "include_private", "active"]
        widgets = {
            "url": forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Posted to by the server: web addresses only, said so plainly.
        url = self.fields["url"]
        url.validators = [webhook_url_validator]
        url.error_messages["invalid"] = webhook_url_validator.message
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("events", [event.value for event in SUBSCRIBABLE])

    def clean_events(self) -> list[str]:
        chosen = set(self.cleaned_data["events"])
        # In the order of the list, whatever order the browser sent them in.
        return [event.value for event in SUBSCRIBABLE if event.value in chosen]


class DeliveryFilterForm(TextRulesMixin, forms.Form):
    endpoint = forms.ModelChoiceField(
        label=_("Webhook"), queryset=WebhookEndpoint.objects.none(), required=False
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Any state")), *DeliveryState.choices],
        required=False,
    )

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        endpoints = WebhookEndpoint.objects.filter(organization=org)
        self.fields["endpoint"].queryset = endpoints  # type: ignore[attr-defined]
        self.fields["endpoint"].empty_label = _("Every webhook")  # type: ignore[attr-defined]
