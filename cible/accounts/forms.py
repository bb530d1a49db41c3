from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cible.accounts.models import User
from cible.lib.text import TextRulesMixin


class SignupForm(TextRulesMixin, forms.Form):
    """Extra sign-up field: the name other people see next to your OKRs."""

    name = forms.CharField(label=_("Your name"), max_length=150, required=False)

    def signup(self, request: HttpRequest, user: User) -> None:
        user.name = self.cleaned_data.get("name", "")
        user.save(update_fields=["name"])


class ProfileForm(TextRulesMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["name"]
