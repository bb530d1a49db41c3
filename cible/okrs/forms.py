from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import DecimalValidator
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cible.accounts.models import User
from cible.lib.limits import LONG_TEXT, SHORT_TEXT, limit_length
from cible.lib.text import TextRulesMixin
from cible.lib.widgets import QuickSelect, SearchMultiSelect, SearchSelect
from cible.okrs import rules, services
from cible.okrs.access import Powers
from cible.okrs.library import KRTemplate, ObjectiveTemplate
from cible.okrs.models import (
    Cycle,
    CycleKind,
    Dependency,
    DependencyState,
    Initiative,
    InitiativeState,
    KeyResult,
    KRKind,
    Level,
    Objective,
    ObjectiveState,
)
from cible.orgs.forms import PERSON_LOOKUPS, TEAM_LOOKUPS, people_suggest_url, team_suggest_url
from cible.orgs.models import Membership, Organization, Team

AUTO = ""


class NumberField(forms.DecimalField):
    """A decimal field whose refusal of too many digits says both bounds, in the words of
    `rules.digits_message` (the API's and the docs' words too)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            rules.DigitsValidator(v.max_digits, v.decimal_places)
            if type(v) is DecimalValidator
            else v
            for v in self.validators
        ]


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def members_of(org: Organization) -> Any:
    return User.objects.filter(memberships__organization=org).order_by("name", "email")


def owner_field(org: Organization) -> PersonChoiceField:
    """Anyone in the organisation: a search past a few hundred people."""
    widget = SearchSelect(url=people_suggest_url(org), lookups=PERSON_LOOKUPS)
    return PersonChoiceField(label=_("Owner"), queryset=members_of(org), widget=widget)


class PeopleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def co_owners_field(org: Organization) -> PeopleChoiceField:
    widget = SearchMultiSelect(url=people_suggest_url(org), lookups=PERSON_LOOKUPS)
    return PeopleChoiceField(
        label=_("Co-owners"),
        queryset=members_of(org),
        widget=widget,
        required=False,
        help_text=_("Others who check it in too: reminded and asked as its owner is."),
    )


def parent_label(objective: Objective) -> str:
    where = objective.team.name if objective.team else objective.get_level_display()
    return f"{objective.title} ({where})"


def eligible_parents(membership: Membership, cycle: Cycle, exclude: int | None = None) -> Any:
    """The objectives an objective of `cycle` may contribute to, as `membership` sees them:
    the active ones of the cycle and of its parent cycle, but the objective itself."""
    cycles = [cycle.pk] + ([cycle.parent_id] if cycle.parent_id else [])
    qs = (
        Objective.objects.visible_to(membership)
        .active()
        .filter(cycle_id__in=cycles)
        .select_related("team")
        .order_by("level", "title")
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs


def parent_suggest_url(org: Organization, cycle: Cycle, objective: Objective | None) -> str:
    query = {"cycle": cycle.pk} | ({"objective": objective.pk} if objective else {})
    return f"{reverse('parent_suggest', args=[org.slug])}?{urlencode(query)}"


class ModelErrorsMixin:
    """Errors the model raises on fields the form does not show (its cycle, its objective)
    go on top of the form instead of failing."""

    fields: dict[str, Any]

    def _update_errors(self, errors: Any) -> None:
        if hasattr(errors, "error_dict"):
            moved = {
                (name if name in self.fields else NON_FIELD_ERRORS): messages
                for name, messages in errors.error_dict.items()
            }
            errors = forms.ValidationError(moved)
        super()._update_errors(errors)  # type: ignore[misc]


class ObjectiveForm(TextRulesMixin, ModelErrorsMixin, forms.ModelForm):  # type: ignore[type-arg]
    origin = forms.ChoiceField(
        label=_("Origin"),
        required=False,
        choices=[(AUTO, _("Automatic")), *Objective._meta.get_field("origin").choices],  # type: ignore[misc]
        help_text=_(
            "Automatic: top-down when a lead or an admin sets it, bottom-up when proposed."
        ),
    )

    class Meta:
        model = Objective
        fields = [
            "title",
            "description",
            "level",
            "team",
            "owner",
            "parents",
            "visibility",
            "state",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "team": SearchSelect(lookups=TEAM_LOOKUPS),
            "parents": SearchMultiSelect(lookups=("title",)),
        }

    def __init__(
        self, *args: Any, org: Organization, cycle: Cycle, powers: Powers, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.org, self.cycle, self.powers = org, cycle, powers
        # Where the objective sits now: moving it is checked like creating it there.
        self.placed = (
            (self.instance.level, self.instance.team_id, self.instance.owner_id)
            if self.instance.pk
            else None
        )
        self.correction = powers.corrects_closed_cycles
        self.instance.correction = self.correction
        self.instance.organization = org
        self.instance.cycle = cycle
        limit_length(self.fields["description"], LONG_TEXT)
        self.fields["team"].queryset = Team.objects.filter(organization=org)  # type: ignore[attr-defined]
        self.fields["team"].widget.url = team_suggest_url(org)  # type: ignore[attr-defined]
        self.fields["owner"] = owner_field(org)
        self.fields["parents"].label_from_instance = parent_label  # type: ignore[attr-defined]
        self.fields["parents"].queryset = self.parent_choices()  # type: ignore[attr-defined]
        self.fields["parents"].required = False
        self.fields["parents"].widget.url = parent_suggest_url(  # type: ignore[attr-defined]
            org, cycle, self.instance if self.instance.pk else None
        )
        if not self.instance.pk and org.approval_required:
            # Approved before published: a new objective starts as a draft.
            self.initial["state"] = ObjectiveState.DRAFT
        if not self.instance.pk:
            new_states = (ObjectiveState.DRAFT, ObjectiveState.ACTIVE)
            field: Any = self.fields["state"]
            field.choices = [c for c in ObjectiveState.choices if c[0] in new_states]
        if self.instance.pk:
            self.initial.setdefault("origin", self.instance.origin)

    def parent_choices(self) -> Any:
        return eligible_parents(self.powers.membership, self.cycle, self.instance.pk)

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the objective a title."))
        return title

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level, team, owner = data.get("level"), data.get("team"), data.get("owner")
        if level == Level.COMPANY:
            data["team"] = None
        for name, message in rules.level_team_errors(level, data.get("team") is not None).items():
            self.add_error(name, message)
        try:
            rules.check_cycle_open(self.cycle, correction=self.correction)
        except forms.ValidationError as error:
            self.add_error(None, error)
        team = data.get("team")
        placed = (level, team.pk if team else None, owner.pk if owner else None)
        moved = bool(level and owner) and placed != self.placed
        if moved and not self.powers.can_create(str(level), placed[1], placed[2]):
            self.add_error(
                "level", _("You may not set an objective at this level for this team or person.")
            )
        parents = list(data.get("parents") or [])
        if level and parents:
            try:
                rules.check_parent_levels(str(level), [parent.level for parent in parents])
            except forms.ValidationError as error:
                self.add_error(None, error)
        self._check_publishing(data)
        return data

    def _check_publishing(self, data: dict[str, Any]) -> None:
        """Where the organisation asks for approval, a draft becomes active through its
        approvers only: the others submit it for approval."""
        publishing = data.get("state") == ObjectiveState.ACTIVE and (
            not self.instance.pk or self.instance.state == ObjectiveState.DRAFT
        )
        if not self.org.approval_required or not publishing or not data.get("owner"):
            return
        probe = Objective(
            organization=self.org,
            cycle=self.cycle,
            level=data.get("level") or Level.PERSON,
            team=data.get("team"),
            owner=data["owner"],
        )
        if not self.powers.can_approve(probe):
            self.add_error(
                "state",
                _(
                    "This organisation approves drafts before they are published: save it "
                    "as a draft, then submit it for approval."
                ),
            )

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        parents = self.cleaned_data.get("parents")
        # Without a valid level (not chosen yet, as the form checks itself while filled in)
        # the parents cannot be weighed against it.
        if parents and not {"parents", "level"} & self.errors.keys():
            try:
                services.check_parents(self.instance, list(parents), correction=self.correction)
            except forms.ValidationError as error:
                self.add_error(None, error)

    def resolved_origin(self) -> str:
        chosen = self.cleaned_data.get("origin")
        if chosen:
            return str(chosen)
        if self.instance.pk:
            return self.instance.origin
        data = self.cleaned_data
        team = data.get("team")
        proposes = self.powers.proposes(data["level"], team.pk if team else None, data["owner"].pk)
        return "bottom_up" if proposes else "top_down"


UNIT_SUGGESTIONS = ["%", "EUR", _("days"), _("hours"), _("count")]


class KeyResultForm(TextRulesMixin, ModelErrorsMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = KeyResult
        fields = [
            "title",
            "kind",
            "start",
            "target",
            "target_max",
            "unit",
            "weight",
            "owner",
            "due_date",
            "driven_by",
        ]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "unit": forms.TextInput(attrs={"list": "unit-suggestions"}),
        }
        field_classes = dict.fromkeys(("start", "target", "target_max", "weight"), NumberField)

    def __init__(self, *args: Any, objective: Objective, powers: Powers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objective = objective
        self.instance.objective = objective
        self.correction = powers.corrects_closed_cycles
        self.instance.correction = self.correction
        self.fields["owner"] = owner_field(objective.organization)
        self.fields["co_owners"] = co_owners_field(objective.organization)
        if self.instance.pk:
            self.initial.setdefault(
                "co_owners", [user.pk for user in self.instance.co_owners.all()]
            )
        visible = Objective.objects.visible_to(powers.membership)
        driven_by: Any = self.fields["driven_by"]
        driven_by.queryset = objective.children.active().filter(pk__in=visible)
        self.fields["driven_by"].required = False
        for name in ("start", "target", "target_max", "weight"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})
        if not self.instance.pk:
            self.initial.setdefault("owner", objective.owner_id)

    @property
    def kind(self) -> str:
        if self.is_bound:
            return str(self.data.get(self.add_prefix("kind")) or KRKind.INCREASE)
        return str(self.initial.get("kind") or self.instance.kind or KRKind.INCREASE)

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the key result a title."))
        return title

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == KRKind.MILESTONE:
            data["start"], data["target"] = Decimal(0), Decimal(1)
            for name in ("start", "target"):
                self.errors.pop(name, None)
        if kind != KRKind.STAY_BETWEEN:
            data["target_max"] = None
        for name in ("start", "target"):
            if name not in data and name not in self.errors:
                self.add_error(name, _("Enter a number."))
        return data

    def _post_clean(self) -> None:
        if self.cleaned_data.get("kind") == KRKind.MILESTONE:
            self.instance.start, self.instance.target = Decimal(0), Decimal(1)
        if not self.instance.pk and self.cleaned_data.get("start") is not None:
            self.instance.current = self.cleaned_data["start"]
        super()._post_clean()  # type: ignore[misc]

    def save_related(self, kr: KeyResult, actor: User) -> None:
        """Keep what a form of a higher app adds beside the key result, in the transaction
        that saved it (`cible.kpis.guardrail_forms` adds its guardrails); this one adds
        nothing."""


class DependencyForm(TextRulesMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Dependency
        fields = ["from_key_result", "to_objective", "to_key_result", "note"]
        widgets = {
            "from_key_result": QuickSelect,
            "to_objective": SearchSelect(lookups=("title",)),
            "to_key_result": SearchSelect(lookups=("title",)),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, objective: Objective, powers: Powers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = objective.organization
        self.instance.from_objective = objective
        limit_length(self.fields["note"], SHORT_TEXT)
        others = (
            Objective.objects.visible_to(powers.membership)
            .active()
            .filter(cycle_id__in=[objective.cycle_id, objective.cycle.parent_id])
            .exclude(pk=objective.pk)
            .exclude(team__isnull=True)
        )
        if objective.team_id:
            others = others.exclude(team_id=objective.team_id)
        to_objective: Any = self.fields["to_objective"]
        to_objective.queryset = others.select_related("team").order_by("team__name", "title")
        to_objective.label_from_instance = lambda o: f"{o.team} · {o.title}"
        from_kr: Any = self.fields["from_key_result"]
        from_kr.queryset = objective.key_results.filter(archived_at__isnull=True)
        to_kr: Any = self.fields["to_key_result"]
        to_kr.queryset = KeyResult.objects.filter(
            Q(objective__in=others), archived_at__isnull=True
        ).select_related("objective")
        url = reverse("dependency_suggest", args=[objective.organization.slug, objective.pk])
        for name in ("to_objective", "to_key_result"):
            self.fields[name].widget.url = f"{url}?field={name}"  # type: ignore[attr-defined]


class CycleForm(TextRulesMixin, forms.ModelForm):  # type: ignore[type-arg]
    generate_quarters = forms.BooleanField(label=_("Also create its four quarters"), required=False)

    class Meta:
        model = Cycle
        fields = ["name", "kind", "start", "end", "parent"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = org
        self.fields["parent"].queryset = Cycle.objects.filter(  # type: ignore[attr-defined]
            organization=org, kind=CycleKind.YEAR
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("generate_quarters") and data.get("kind") != CycleKind.YEAR:
            self.add_error("generate_quarters", _("Only a year is split into quarters."))
        name = data.get("name")
        if (
            name
            and Cycle.objects.filter(organization=self.instance.organization, name=name)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("name", _("A cycle with this name already exists."))
        return data


class TemplateKeyResultForm(TextRulesMixin, forms.Form):
    """One key result of a library template on the new objective's form: its title and
    numbers filled in from the template's examples, for the person to change or confirm."""

    keep = forms.BooleanField(label=_("Add this key result"), required=False, initial=True)
    title = forms.CharField(label=_("Key result"), max_length=200, required=False)
    start = forms.DecimalField(
        label=_("Start value"),
        required=False,
        max_digits=rules.VALUE_MAX_DIGITS,
        decimal_places=rules.VALUE_DECIMAL_PLACES,
    )
    target = forms.DecimalField(
        label=_("Target"),
        required=False,
        max_digits=rules.VALUE_MAX_DIGITS,
        decimal_places=rules.VALUE_DECIMAL_PLACES,
    )
    target_max = forms.DecimalField(
        label=_("Upper bound"),
        required=False,
        max_digits=rules.VALUE_MAX_DIGITS,
        decimal_places=rules.VALUE_DECIMAL_PLACES,
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)

    def __init__(self, *args: Any, example: KRTemplate, language: str, **kwargs: Any) -> None:
        initial = {
            "keep": True,
            "title": example.title(language),
            "start": example.start,
            "target": example.target,
            "target_max": example.target_max,
            "unit": example.unit(language),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.example = example
        self.kind = example.kind
        for name in ("start", "target", "target_max"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})
        if self.kind == KRKind.MILESTONE:
            for name in ("start", "target", "target_max", "unit"):
                del self.fields[name]
        elif self.kind != KRKind.STAY_BETWEEN:
            del self.fields["target_max"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("keep"):
            return data
        if not (data.get("title") or "").strip():
            self.add_error("title", _("Give the key result a title."))
        if self.kind == KRKind.MILESTONE:
            data["start"], data["target"], data["target_max"] = Decimal(0), Decimal(1), None
            return data
        for name in ("start", "target", "target_max"):
            if data.get(name) is not None:
                try:
                    rules.check_value(data[name], name)
                except ValidationError as error:
                    self.add_error(name, error.error_dict[name])
        for name, message in rules.target_errors(
            self.kind, data.get("start"), data.get("target"), data.get("target_max")
        ).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    @property
    def kind_label(self) -> str:
        return str(KRKind(self.kind).label)

    @property
    def kept(self) -> bool:
        return bool(self.cleaned_data.get("keep"))

    @property
    def unchanged(self) -> bool:
        """Still the template's example numbers: they need a yes before they count."""
        if self.kind == KRKind.MILESTONE:
            return False
        data, example = self.cleaned_data, self.example
        return (data.get("start"), data.get("target"), data.get("target_max")) == (
            example.start,
            example.target,
            example.target_max,
        )

    def key_result_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "kind": self.kind,
            "start": data["start"],
            "target": data["target"],
            "target_max": data.get("target_max"),
            "unit": (data.get("unit") or "").strip(),
        }


def template_key_result_forms(
    template: ObjectiveTemplate, data: Any, language: str
) -> list[TemplateKeyResultForm]:
    return [
        TemplateKeyResultForm(data, example=kr, language=language, prefix=f"tkr-{index}")
        for index, kr in enumerate(template.key_results)
    ]


class KeyResultChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class InitiativeForm(TextRulesMixin, ModelErrorsMixin, forms.ModelForm):  # type: ignore[type-arg]
    """An initiative of an objective: for one of its live key results, or for the
    objective as a whole (no key result chosen)."""

    class Meta:
        model = Initiative
        fields = ["title", "key_result", "owner", "state", "due_date", "link"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "link": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args: Any, objective: Objective, powers: Powers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objective = objective
        self.instance.objective = objective
        self.instance.organization_id = objective.organization_id
        self.correction = powers.corrects_closed_cycles
        self.instance.correction = self.correction
        self.fields["owner"] = owner_field(objective.organization)
        self.fields["key_result"] = KeyResultChoiceField(
            label=_("Key result"),
            queryset=KeyResult.objects.live()
            .filter(objective=objective)
            .order_by("position", "id"),
            required=False,
            empty_label=_("The objective as a whole"),
        )
        if not self.instance.pk:
            self.initial.setdefault("owner", powers.user_id)

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the initiative a title."))
        return title


class InitiativeStateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=InitiativeState.choices)


class DecisionForm(TextRulesMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve and publish")),
            ("send_back", _("Send back")),
        ],
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to send it back: what to change."),
    )


class DependencyAnswerForm(forms.Form):
    """An answer to a dependency: the state it moves to and a comment (which a decline
    needs: `rules.check_dependency_move`, asked by the service)."""

    state = forms.ChoiceField(label=_("state"), choices=DependencyState.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=rules.DEPENDENCY_COMMENT_MAX,
        strip=True,
        widget=forms.TextInput(),
    )
