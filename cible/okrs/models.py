from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cible.lib import okrmath
from cible.lib.text import text_problem
from cible.okrs import rules
from cible.orgs.models import Membership, Organization, Team, TeamMember


def value_field(label: Any, **options: Any) -> models.DecimalField:  # type: ignore[type-arg]
    """A KR value, as Decimal, with the digits of `rules.check_value`."""
    return models.DecimalField(
        label,
        max_digits=rules.VALUE_MAX_DIGITS,
        decimal_places=rules.VALUE_DECIMAL_PLACES,
        **options,
    )


def score_field(label: Any) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        label,
        max_digits=rules.SCORE_MAX_DIGITS,
        decimal_places=rules.SCORE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )


class CycleKind(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    CUSTOM = "custom", _("Custom")


class CycleState(models.TextChoices):  # in the order of rules.CYCLE_STATES
    PLANNING = "planning", _("Planning")
    ACTIVE = "active", _("Active")
    REVIEW = "review", _("Review")
    CLOSED = "closed", _("Closed")


class CycleQuerySet(models.QuerySet["Cycle"]):
    def current_for(self, org: Organization, today: date | None = None) -> "Cycle | None":
        """The cycle to show by default: the shortest open cycle running today, else the
        latest one."""
        today = today or timezone.localdate()
        cycles = self.filter(organization=org)
        running = (
            cycles.filter(start__lte=today, end__gte=today)
            .exclude(state=CycleState.CLOSED)
            .order_by(F("end") - F("start"), "start")
            .first()
        )
        return running or cycles.order_by("-start", "end").first()


class Cycle(models.Model):
    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="cycles", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=8, choices=CycleKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("within the year"),
    )
    state = models.CharField(
        _("state"), max_length=9, choices=CycleState.choices, default=CycleState.PLANNING
    )

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-start", "end"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="cycle_end_after_start"),
            models.UniqueConstraint(fields=["organization", "name"], name="cycle_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == CycleState.CLOSED

    @property
    def neighbour_states(self) -> list[tuple[str, Any]]:
        """The states one step before and after this one: where an admin may move it."""
        states = list(CycleState.choices)
        index = [value for value, _label in states].index(self.state)
        return [states[i] for i in (index - 1, index + 1) if 0 <= i < len(states)]

    def clean(self) -> None:
        rules.check_cycle_dates(self.start, self.end)
        if self.parent_id is not None and self.parent is not None:
            if self.parent.organization_id != self.organization_id:
                raise ValidationError({"parent": _("This cycle belongs to another organisation.")})
            rules.check_cycle_in_year(
                self.kind,
                self.parent.kind,
                (self.start, self.end),
                (self.parent.start, self.parent.end),
            )


class Level(models.TextChoices):
    COMPANY = "company", _("Company")
    TEAM = "team", _("Team")
    PERSON = "person", _("Person")


LEVEL_RANK = {level: rules.level_rank(level.value) for level in Level}


class Origin(models.TextChoices):
    TOP_DOWN = "top_down", _("Top-down")
    BOTTOM_UP = "bottom_up", _("Bottom-up")


class Visibility(models.TextChoices):
    ORGANIZATION = "organization", _("Everyone in the organisation")
    PRIVATE = "private", _("Private")


class ObjectiveState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Approval(models.TextChoices):
    """Where a draft stands when its organisation asks for approval; approved, it is
    published (active) and this is empty again."""

    NONE = "", _("Not submitted")
    PENDING = "pending", _("Waiting for approval")
    SENT_BACK = "sent_back", _("Sent back")


class ObjectiveQuerySet(models.QuerySet["Objective"]):
    def active(self) -> "ObjectiveQuerySet":
        """Not archived: what lists, trees, counts and search show."""
        return self.filter(archived_at__isnull=True)

    def visible_to(self, membership: "Membership") -> "ObjectiveQuerySet":
        """Organisation-wide objectives, plus the private ones this member may see: their
        own, those of the team they lead and of its members, those aligned to theirs;
        admins see all."""
        qs = self.filter(organization_id=membership.organization_id)
        if membership.is_admin:
            return qs
        user_id = membership.user_id
        aligned_to_mine = Objective.parents.through.objects.filter(
            from_objective_id=models.OuterRef("pk"), to_objective__owner_id=user_id
        )
        owner_in_my_team = TeamMember.objects.filter(
            user_id=models.OuterRef("owner_id"), team__lead_id=user_id
        )
        return qs.filter(
            Q(visibility=Visibility.ORGANIZATION)
            | Q(owner_id=user_id)
            | Q(team__lead_id=user_id)
            | Q(models.Exists(owner_in_my_team), level=Level.PERSON)
            | models.Exists(aligned_to_mine)
        )


class Objective(models.Model):
    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="objectives", verbose_name=_("organisation")
    )
    cycle = models.ForeignKey(
        Cycle, models.PROTECT, related_name="objectives", verbose_name=_("cycle")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    team = models.ForeignKey(
        Team,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
        verbose_name=_("team"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="owned_objectives",
        verbose_name=_("owner"),
    )
    parents = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="children",
        verbose_name=_("contributes to"),
    )
    origin = models.CharField(
        _("origin"), max_length=9, choices=Origin.choices, default=Origin.TOP_DOWN
    )
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.ORGANIZATION
    )
    state = models.CharField(
        _("state"), max_length=9, choices=ObjectiveState.choices, default=ObjectiveState.ACTIVE
    )
    approval = models.CharField(
        _("approval"), max_length=9, choices=Approval.choices, blank=True, default=Approval.NONE
    )
    # Why the approver sent it back: shown to its owner until it is submitted again.
    approval_comment = models.TextField(_("approver's comment"), blank=True)
    score = score_field(_("final score"))
    retro_worked = models.TextField(_("what worked"), blank=True)
    retro_did_not_work = models.TextField(_("what did not work"), blank=True)
    retro_learned = models.TextField(_("what we learn"), blank=True)
    retro_celebrate = models.TextField(_("what we celebrate"), blank=True)
    position = models.PositiveIntegerField(default=0)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    # Whether it contributes to an unarchived objective: what the tree's list of objectives
    # aligned to nothing reads from an index, instead of testing each objective of the
    # cycle for a parent. Kept by `cible.okrs.alignment` as links and archives change.
    aligned = models.BooleanField(default=False, editable=False)
    carried_from = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
        verbose_name=_("carried over from"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ObjectiveQuerySet.as_manager()

    # Set by the service or form making an admin's correction in a closed cycle (see
    # `rules.check_cycle_open`); never by a permission check.
    correction = False

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["position", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(level="company", team__isnull=True)
                | Q(level="team", team__isnull=False)
                | Q(level="person"),
                name="objective_level_matches_team",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1),
                name="objective_score_0_1",
            ),
        ]
        # On PostgreSQL also (cycle, position, id), the API list's order (migration 0006).
        indexes: ClassVar = [
            models.Index(fields=["organization", "cycle", "level"]),
            # The objectives aligned to nothing, in the tree's order (a few in a hundred).
            models.Index(
                fields=["cycle", "level", "position", "id"],
                condition=Q(aligned=False, archived_at__isnull=True),
                name="okrs_objective_unaligned",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("objective_detail", args=[self.organization.slug, self.pk])

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE

    def is_visible_to(self, membership: "Membership") -> bool:
        """`visible_to` for one objective, without a query for the organisation-wide ones
        (nearly all): the check-in API asks it on every call."""
        if self.organization_id != membership.organization_id:
            return False
        if membership.is_admin or self.visibility == Visibility.ORGANIZATION:
            return True
        return Objective.objects.visible_to(membership).filter(pk=self.pk).exists()

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.cycle_id is not None:
            if self.cycle.organization_id != self.organization_id:
                errors["cycle"] = _("This cycle belongs to another organisation.")
            else:
                errors.update(
                    _refusal(
                        rules.check_cycle_open, self.cycle, "cycle", correction=self.correction
                    )
                )
        errors.update(rules.level_team_errors(self.level, self.team_id is not None))
        if self.team is not None and self.team.organization_id != self.organization_id:
            errors["team"] = _("This team belongs to another organisation.")
        if errors:
            raise ValidationError(errors)


class KRKind(models.TextChoices):
    INCREASE = okrmath.Kind.INCREASE.value, _("Increase to")
    DECREASE = okrmath.Kind.DECREASE.value, _("Decrease to")
    STAY_ABOVE = okrmath.Kind.STAY_ABOVE.value, _("Stay above")
    STAY_BELOW = okrmath.Kind.STAY_BELOW.value, _("Stay below")
    STAY_BETWEEN = okrmath.Kind.STAY_BETWEEN.value, _("Stay between")
    MILESTONE = okrmath.Kind.MILESTONE.value, _("Milestone (done or not)")


class KeyResultQuerySet(models.QuerySet["KeyResult"]):
    def live(self) -> "KeyResultQuerySet":
        """Neither archived nor cancelled: the key results progress, rows and scores count."""
        return self.filter(archived_at__isnull=True, cancelled_at__isnull=True)

    def owned_by(self, user_id: int) -> "KeyResultQuerySet":
        """Those this person owns or co-owns: whom the check-in asks and reminds."""
        co_owned = KeyResult.co_owners.through.objects.filter(user_id=user_id).values(
            "keyresult_id"
        )
        return self.filter(Q(owner_id=user_id) | Q(pk__in=co_owned))


class KeyResult(models.Model):
    objective = models.ForeignKey(
        Objective, models.CASCADE, related_name="key_results", verbose_name=_("objective")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=KRKind.choices, default=KRKind.INCREASE
    )
    start = value_field(_("start value"), default=Decimal(0))
    target = value_field(_("target"), default=Decimal(1))
    target_max = value_field(_("upper bound"), null=True, blank=True)
    current = value_field(_("current value"), default=Decimal(0))
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=rules.WEIGHT_MAX_DIGITS,
        decimal_places=rules.WEIGHT_DECIMAL_PLACES,
        default=Decimal(1),
        validators=[MinValueValidator(rules.WEIGHT_MIN)],
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="owned_key_results",
        verbose_name=_("owner"),
    )
    # Who else checks it in, as its owner does: reminders and the check-in page treat each
    # co-owner as an owner.
    co_owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_owned_key_results",
        verbose_name=_("co-owners"),
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), null=True, blank=True, validators=[MaxValueValidator(rules.CONFIDENCE_MAX)]
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    driven_by = models.ForeignKey(
        Objective,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="driven_key_results",
        verbose_name=_("driven by the objective"),
    )
    position = models.PositiveIntegerField(default=0)
    # The newest check-in's time, kept by the check-in service: whether the key result has
    # a status yet, without a query per row.
    last_check_in_at = models.DateTimeField(_("last check-in"), null=True, blank=True)
    score = score_field(_("final score"))
    score_note = models.TextField(_("score note"), blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KeyResultQuerySet.as_manager()

    # As on Objective: an admin's correction in a closed cycle, set by who makes it.
    correction = False

    class Meta:
        verbose_name = _("key result")
        verbose_name_plural = _("key results")
        ordering = ["position", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="kr_weight_positive"),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=10),
                name="kr_confidence_0_10",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1),
                name="kr_score_0_1",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in KRKind]), name="kr_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["increase", "decrease"]) | ~Q(start=F("target")),
                name="kr_start_differs_from_target",
            ),
            models.CheckConstraint(
                condition=~Q(kind="stay_between")
                | Q(target_max__isnull=False, target_max__gte=F("target")),
                name="kr_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("key_result_detail", args=[self.objective.organization.slug, self.pk])

    def raw_progress(self) -> Decimal:
        try:
            return okrmath.raw_progress(
                self.kind, self.start, self.target, self.current, self.target_max
            )
        except okrmath.MathError:
            return Decimal(0)

    def progress(self) -> Decimal:
        return okrmath.clamp(self.raw_progress())

    def span(self) -> tuple[date, date]:
        cycle = self.objective.cycle
        end = self.due_date or cycle.end
        return cycle.start, end if end > cycle.start else cycle.end

    def expected_progress(self, at: date | None = None) -> Decimal:
        start, end = self.span()
        at = at or timezone.localdate()
        if self.kind == KRKind.MILESTONE:
            # Done or not: nothing is expected before its due date, confidence tells the rest.
            return Decimal(1) if at >= end else Decimal(0)
        return okrmath.expected_progress(start, end, at)

    @property
    def started(self) -> bool:
        """Has a reading: a check-in, or a value or a confidence given when it was made."""
        return (
            self.last_check_in_at is not None
            or self.current != self.start
            or self.confidence is not None
        )

    def status(
        self,
        at: date | None = None,
        thresholds: okrmath.Thresholds | None = None,
        driven_progress: Decimal | None = None,
    ) -> okrmath.Assessment:
        """The status and its reason (`okrmath.assess`, told in docs/status.md)."""
        at = at or timezone.localdate()
        if thresholds is None:
            thresholds = thresholds_for(self.objective.organization)
        return okrmath.assess(
            self.kind,
            self.start,
            self.target,
            self.current,
            self.target_max,
            expected=self.expected_progress(at),
            confidence=self.confidence,
            thresholds=thresholds,
            started=self.started or bool(driven_progress),
            at=at,
            due=self.span()[1],
            unit=self.unit,
            driven_progress=driven_progress,
        )

    def clean(self) -> None:
        errors = rules.target_errors(self.kind, self.start, self.target, self.target_max)
        if not {"start", "target"} & errors.keys():
            errors.update(_refusal(rules.check_weight, self.weight))
            errors.update(_refusal(rules.check_confidence, self.confidence))
            if self.objective_id is not None:
                cycle = self.objective.cycle
                errors.update(
                    _refusal(rules.check_cycle_open, cycle, "objective", correction=self.correction)
                )
                if self.driven_by_id is not None:
                    error = self._driven_by_error()
                    if error:
                        errors["driven_by"] = error
        if errors:
            raise ValidationError(errors)

    def _driven_by_error(self) -> str | None:
        child = self.driven_by
        assert child is not None
        if child.organization_id != self.objective.organization_id:
            return str(_("This objective belongs to another organisation."))
        if not child.parents.filter(pk=self.objective_id).exists():
            return str(_("Only an objective aligned to this one can drive one of its KRs."))
        return None


def _refusal(check: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """A rule's refusal as a model's `clean` collects them: by field."""
    try:
        check(*args, **kwargs)
    except ValidationError as error:
        return dict(error.error_dict)
    return {}


def thresholds_for(org: Organization) -> okrmath.Thresholds:
    return okrmath.Thresholds(
        at_risk_gap=org.at_risk_gap,
        off_track_gap=org.off_track_gap,
        at_risk_confidence=org.at_risk_confidence,
        off_track_confidence=org.off_track_confidence,
    )


class DependencyState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


class Dependency(models.Model):
    """Horizontal alignment: one team's objective (or KR) depends on another team's."""

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="dependencies")
    from_objective = models.ForeignKey(
        Objective, models.CASCADE, related_name="depends_on", verbose_name=_("objective")
    )
    from_key_result = models.ForeignKey(
        KeyResult,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="depends_on",
        verbose_name=_("key result"),
    )
    to_objective = models.ForeignKey(
        Objective, models.CASCADE, related_name="depended_on_by", verbose_name=_("depends on")
    )
    to_key_result = models.ForeignKey(
        KeyResult,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="depended_on_by",
        verbose_name=_("depends on the key result"),
    )
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(
        _("state"), max_length=9, choices=DependencyState.choices, default=DependencyState.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The latest answer (accepted, declined, done...): who gave it, when, and what they
    # said; the earlier ones stay in the objective's history.
    state_comment = models.TextField(_("comment"), blank=True)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(from_objective=F("to_objective")), name="dependency_not_on_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_objective} -> {self.to_objective}"

    def clean(self) -> None:
        if self.from_objective_id is None or self.to_objective_id is None:
            return
        source, target = self.from_objective, self.to_objective
        if {source.organization_id, target.organization_id} != {self.organization_id}:
            raise ValidationError(
                {"to_objective": _("This objective belongs to another organisation.")}
            )
        if source.team_id is not None and source.team_id == target.team_id:
            raise ValidationError(
                {"to_objective": _("A dependency links two different teams' objectives.")}
            )
        if self.from_key_result and self.from_key_result.objective_id != source.pk:
            raise ValidationError({"from_key_result": _("This KR is not part of the objective.")})
        if self.to_key_result and self.to_key_result.objective_id != target.pk:
            raise ValidationError({"to_key_result": _("This KR is not part of the objective.")})


class InitiativeState(models.TextChoices):
    # In context: French agrees them with "initiative".
    PLANNED = "planned", pgettext_lazy("initiative", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("initiative", "In progress")
    DONE = "done", pgettext_lazy("initiative", "Done")
    DROPPED = "dropped", pgettext_lazy("initiative", "Dropped")


# The states an initiative is still worked on in: what agendas and owner pages list first.
OPEN_INITIATIVE_STATES = (InitiativeState.PLANNED, InitiativeState.IN_PROGRESS)


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def open(self) -> "InitiativeQuerySet":
        return self.filter(state__in=OPEN_INITIATIVE_STATES)


class Initiative(models.Model):
    """Work planned to move a key result (or an objective). Activity, not outcome: an
    initiative never counts in any progress or score."""

    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="initiatives", verbose_name=_("organisation")
    )
    # Always set, also for a key result's initiative: the objective page reads them all in
    # one query, by objective.
    objective = models.ForeignKey(
        Objective, models.CASCADE, related_name="initiatives", verbose_name=_("objective")
    )
    key_result = models.ForeignKey(
        KeyResult,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("key result"),
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="owned_initiatives",
        verbose_name=_("owner"),
    )
    state = models.CharField(
        _("state"),
        max_length=11,
        choices=InitiativeState.choices,
        default=InitiativeState.PLANNED,
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    link = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_("The address of a ticket or a document, if there is one."),
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InitiativeQuerySet.as_manager()

    # As on Objective: an admin's correction in a closed cycle, set by who makes it.
    correction = False

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["position", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in InitiativeState]),
                name="initiative_state_valid",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["owner", "state"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_INITIATIVE_STATES

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        # Every way in (a form, the API, an OKR file) meets the text rule here too.
        problem = text_problem(self.title or "", kind="title")
        if problem is not None:
            errors["title"] = problem
        elif not (self.title or "").strip():
            errors["title"] = _("Give the initiative a title.")
        if self.objective_id is not None:
            objective = self.objective
            if objective.organization_id != self.organization_id:
                errors["objective"] = _("This objective belongs to another organisation.")
            else:
                errors.update(
                    _refusal(
                        rules.check_cycle_open,
                        objective.cycle,
                        "objective",
                        correction=self.correction,
                    )
                )
            kr = self.key_result if self.key_result_id is not None else None
            if kr is not None and kr.objective_id != self.objective_id:
                errors["key_result"] = _("This KR is not part of the objective.")
        if errors:
            raise ValidationError(errors)


class Change(models.Model):
    """One recorded change to an objective or a key result: who, when, what (before and
    after), so an objective's page can tell its story."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("history", "created")
        UPDATED = "updated", pgettext_lazy("history", "updated")
        ARCHIVED = "archived", pgettext_lazy("history", "archived")
        RESTORED = "restored", pgettext_lazy("history", "restored")
        ALIGNED = "aligned", pgettext_lazy("history", "alignment changed")
        REORDERED = "reordered", pgettext_lazy("history", "reordered")
        DEPENDENCY = "dependency", pgettext_lazy("history", "dependency changed")
        ADJUSTED = "adjusted", pgettext_lazy("history", "adjusted in a review")
        CANCELLED = "cancelled", pgettext_lazy("history", "cancelled")
        SCORED = "scored", pgettext_lazy("history", "scored")
        CARRIED = "carried", pgettext_lazy("history", "carried over")
        INITIATIVE = "initiative", pgettext_lazy("history", "initiative changed")
        SUBMITTED = "submitted", pgettext_lazy("history", "submitted for approval")
        APPROVED = "approved", pgettext_lazy("history", "approved")
        SENT_BACK = "sent_back", pgettext_lazy("history", "sent back")

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    objective = models.ForeignKey(
        Objective, models.CASCADE, null=True, blank=True, related_name="changes"
    )
    key_result = models.ForeignKey(
        KeyResult, models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    summary = models.CharField(max_length=250, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # Other objectives this change names, so that the history hides it from whoever
    # may not see one of them.
    refs = models.JSONField(default=list, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.summary}"
