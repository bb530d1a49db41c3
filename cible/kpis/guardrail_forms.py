"""The key result form with its guardrails: the KPIs of its organisation it may not be
reached at the expense of (the web's create and edit pages, the API)."""

from typing import Any

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from cible.accounts.models import User
from cible.kpis import guardrails
from cible.kpis.models import KPI
from cible.okrs.forms import KeyResultForm
from cible.okrs.models import KeyResult, Objective


class KPIChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.team.name})" if obj.team else str(obj.name)


def guardrail_choices(objective: Objective) -> Any:
    """The organisation's KPIs that are not archived, those of the objective's team first."""
    team_first = Case(
        When(team_id=objective.team_id, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        KPI.objects.filter(organization_id=objective.organization_id, archived=False)
        .select_related("team")
        .annotate(team_first=team_first)
        .order_by("team_first", "name", "pk")
    )


class GuardedKeyResultForm(KeyResultForm):
    def __init__(self, *args: Any, objective: Objective, **kwargs: Any) -> None:
        super().__init__(*args, objective=objective, **kwargs)
        self.fields["guardrails"] = KPIChoiceField(
            label=_("Guardrails"),
            queryset=guardrail_choices(objective),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 4}),
            help_text=_(
                "KPIs this key result may not be reached at the expense of: when one leaves "
                "its healthy range while the key result progresses, the breach shows beside "
                "its status and its owner and team lead are told."
            ),
        )
        if self.instance.pk:
            self.initial.setdefault(
                "guardrails", list(self.instance.guardrails.values_list("kpi_id", flat=True))
            )

    def save_related(self, kr: KeyResult, actor: User) -> None:
        if "guardrails" in self.cleaned_data:
            guardrails.set_guardrails(kr, self.cleaned_data["guardrails"], actor)
