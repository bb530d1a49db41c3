import base64
import binascii

from django import forms
from django.utils.translation import gettext_lazy

from cible.inbound.models import Platform
from cible.lib.text import TextRulesMixin


def _secret() -> forms.PasswordInput:
    return forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})


class ChatIntegrationForm(TextRulesMixin, forms.Form):
    """The secrets of one chat, written once and never shown again; saving them again
    replaces them (a rotation)."""

    platform = forms.ChoiceField(label=gettext_lazy("Chat"), choices=Platform.choices)
    signing_secret = forms.CharField(
        label=gettext_lazy("Slack signing secret"),
        required=False,
        max_length=200,
        widget=_secret(),
        help_text=gettext_lazy("Slack: Basic Information > App Credentials > Signing Secret."),
    )
    bot_token = forms.CharField(
        label=gettext_lazy("Slack bot token"),
        required=False,
        max_length=300,
        widget=_secret(),
        help_text=gettext_lazy("Slack: OAuth & Permissions > Bot User OAuth Token (xoxb-…)."),
    )
    command_token = forms.CharField(
        label=gettext_lazy("Mattermost command token"),
        required=False,
        max_length=200,
        widget=_secret(),
        help_text=gettext_lazy("Mattermost: Integrations > Slash Commands > the command's Token."),
    )
    server_url = forms.URLField(
        label=gettext_lazy("Mattermost server address"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=gettext_lazy("For example https://chat.example.com"),
    )
    security_token = forms.CharField(
        label=gettext_lazy("Teams security token"),
        required=False,
        max_length=200,
        widget=_secret(),
        help_text=gettext_lazy("Teams: the token shown once when the outgoing webhook is created."),
    )

    NEEDED = {
        Platform.SLACK: ("signing_secret", "bot_token"),
        Platform.MATTERMOST: ("command_token", "server_url"),
        Platform.TEAMS: ("security_token",),
    }

    def __init__(self, *args: object, platform: str | None = None, **kwargs: object) -> None:
        """With `platform`, the form replaces that chat's secrets: its fields only."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.for_platform = platform
        if platform is not None:
            for name in list(self.fields):
                if name not in self.NEEDED[Platform(platform)]:
                    del self.fields[name]

    def clean_bot_token(self) -> str:
        token = self.cleaned_data["bot_token"].strip()
        if token and not token.startswith("xox"):
            raise forms.ValidationError(gettext_lazy("A Slack bot token starts with xoxb-."))
        return token

    def clean_security_token(self) -> str:
        token = self.cleaned_data["security_token"].strip()
        if token:
            try:
                base64.b64decode(token, validate=True)
            except (binascii.Error, ValueError):
                raise forms.ValidationError(
                    gettext_lazy("Paste the token exactly as Teams showed it (base64).")
                ) from None
        return token

    def clean_server_url(self) -> str:
        url = self.cleaned_data["server_url"]
        if url and not url.startswith(("https://", "http://")):
            raise forms.ValidationError(gettext_lazy("Enter a web address (https://…)."))
        return url

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        platform = self.for_platform or str(data.get("platform", ""))
        for name in self.NEEDED.get(platform, ()):  # type: ignore[call-overload]
            if not data.get(name) and name not in self.errors:
                self.add_error(name, gettext_lazy("This chat needs it."))
        return data
