from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cible.accounts.models import User
from cible.lib.text import TextRulesMixin
from cible.lib.widgets import SearchSelect
from cible.orgs.models import (
    Invitation,
    Membership,
    Organization,
    Role,
    Team,
    webhook_url_validator,
)

# What a person's name typed in a picker may match, without JavaScript.
PERSON_LOOKUPS = ("email", "name")
# A team's name is unique in its organisation: typed whole, it names one team.
TEAM_LOOKUPS = ("name",)

TIME_ZONES = sorted(available_timezones())

# The status thresholds' ranges: a gap in points of progress, a confidence out of 10.
THRESHOLD_BOUNDS = {
    "at_risk_gap": (Decimal(0), Decimal(1)),
    "off_track_gap": (Decimal(0), Decimal(1)),
    "at_risk_confidence": (0, 10),
    "off_track_confidence": (0, 10),
}


class TimeZoneMixin:
    cleaned_data: dict[str, str]

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"]
        if value not in TIME_ZONES:
            raise forms.ValidationError(_("Choose a time zone from the list."))
        return value


class OrganizationCreateForm(TextRulesMixin, TimeZoneMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Organization
        fields = ["name", "language", "time_zone"]
        widgets = {"time_zone": forms.Select(choices=[(tz, tz) for tz in TIME_ZONES])}


class OrganizationSettingsForm(TextRulesMixin, TimeZoneMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Organization
        fields = [
            "name",
            "language",
            "time_zone",
            "checkin_weekday",
            "checkin_time",
            "score_display",
            "at_risk_gap",
            "off_track_gap",
            "at_risk_confidence",
            "off_track_confidence",
            "approval_required",
        ]
        widgets = {
            "time_zone": forms.Select(choices=[(tz, tz) for tz in TIME_ZONES]),
            "checkin_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "checkin_time": _("Reminders go out on the check-in day at this time (local time).")
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Left out (a form saved before the time existed), the reminder time stays as it is.
        self.fields["checkin_time"].required = False
        # Out of range, a threshold is refused on its own field (the model's check names
        # the other one of the pair).
        for name, (low, high) in THRESHOLD_BOUNDS.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update({"min": str(low), "max": str(high)})

    def clean_checkin_time(self) -> object:
        value = self.cleaned_data.get("checkin_time")
        return self.instance.checkin_time if value is None else value


class InvitationForm(TextRulesMixin, forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["role", "email"]

    def __init__(self, *args: object, membership: Membership, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if membership.role != Role.OWNER:
            choices = [c for c in Role.choices if c[0] != Role.OWNER]
            self.fields["role"].choices = choices  # type: ignore[attr-defined]


class RoleForm(TextRulesMixin, forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)


def shown_address(url: str) -> str:
    """A chat webhook's address without its path and query: they are its token."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}/…"


class TeamForm(TextRulesMixin, forms.ModelForm):
    """A team's name, place and lead, and its chat webhook (set by admins only, and never
    shown again: its address holds the token that lets anyone post to the chat)."""

    CHAT_FIELDS = ("chat_webhook_url", "chat_format")

    chat_webhook_remove = forms.BooleanField(label=_("Remove the chat webhook"), required=False)

    class Meta:
        model = Team
        fields = ["name", "parent", "lead", "chat_webhook_url", "chat_format"]
        widgets = {
            "parent": SearchSelect(lookups=TEAM_LOOKUPS),
            "lead": SearchSelect(lookups=PERSON_LOOKUPS),
            "chat_webhook_url": forms.URLInput(
                attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"}
            ),
        }

    def __init__(
        self,
        *args: object,
        organization: Organization,
        may_set_chat: bool = True,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.instance.organization = organization
        if may_set_chat:
            url = self.fields["chat_webhook_url"]
            # Only http(s): the form's own check would also let ftp:// through.
            url.validators = [v for v in url.validators if not isinstance(v, URLValidator)] + [
                webhook_url_validator
            ]
            self.fields["chat_format"].required = False
            stored = self.instance.chat_webhook_url
            if stored:
                # The stored address is not put back in the page: empty keeps it.
                self.initial["chat_webhook_url"] = ""
                url.widget.attrs["placeholder"] = shown_address(stored)
                url.help_text = _("Set. Leave empty to keep it, or give a new address.")
            else:
                del self.fields["chat_webhook_remove"]
        else:
            # The server posts to that address: like the organisation's webhooks, only
            # admins choose it. A lead still sees on the team page that one is set.
            del self.fields["chat_webhook_url"]
            del self.fields["chat_format"]
            del self.fields["chat_webhook_remove"]
        parents = Team.objects.filter(organization=organization)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].widget.url = team_suggest_url(organization)  # type: ignore[attr-defined]
        # What the options show, no more: the list holds everyone in the organisation.
        self.fields["lead"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__organization=organization
        ).only("id", "name", "email")
        self.fields["lead"].widget.url = people_suggest_url(organization)  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        taken = Team.objects.filter(organization=self.instance.organization, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A team with this name already exists."))
        return name

    def _kept(self, name: str) -> bool:
        """Left out of a submitted form (one rendered before it existed) or left empty, the
        webhook field keeps the address: only the remove box removes it."""
        return self.is_bound and not str(self.data.get(name) or "").strip()

    def changes_chat(self, data: Mapping[str, object]) -> bool:
        """True when the submitted data would change the chat webhook or its format."""
        url = str(data.get("chat_webhook_url") or "").strip()
        chat_format = str(data.get("chat_format") or "").strip()
        return (
            bool(url and url != self.instance.chat_webhook_url)
            or bool(data.get("chat_webhook_remove") and self.instance.chat_webhook_url)
            or bool(chat_format and chat_format != self.instance.chat_format)
        )

    def clean_chat_webhook_url(self) -> str:
        if self._kept("chat_webhook_url"):
            return self.instance.chat_webhook_url
        url: str = self.cleaned_data.get("chat_webhook_url") or ""
        return url.strip()

    def clean(self) -> dict[str, object]:
        cleaned: dict[str, object] = super().clean() or {}
        if cleaned.get("chat_webhook_remove"):
            cleaned["chat_webhook_url"] = ""
            self.errors.pop("chat_webhook_url", None)
        return cleaned

    def clean_chat_format(self) -> str:
        value: str = self.cleaned_data.get("chat_format") or ""
        return value or self.instance.chat_format


class TeamMemberForm(TextRulesMixin, forms.Form):
    user = forms.ModelChoiceField(
        label=_("person"),
        queryset=User.objects.none(),
        widget=SearchSelect(lookups=PERSON_LOOKUPS),
    )

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__organization=organization
        ).only("id", "name", "email")
        self.fields["user"].widget.url = people_suggest_url(organization)  # type: ignore[attr-defined]


def people_suggest_url(organization: Organization) -> str:
    return reverse("people_suggest", args=[organization.slug])


def team_suggest_url(organization: Organization) -> str:
    return reverse("team_suggest", args=[organization.slug])


def team_picker(organization: Organization, empty_label: str) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    """A team filter: a select in a small organisation, a search past a few hundred teams."""
    return forms.ModelChoiceField(
        queryset=Team.objects.filter(organization=organization),
        required=False,
        empty_label=empty_label,
        widget=SearchSelect(url=team_suggest_url(organization), lookups=TEAM_LOOKUPS),
    )
