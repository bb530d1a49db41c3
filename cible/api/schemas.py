"""What the API reads and writes. Inputs carry the same bounds as the web forms (text
lengths from cible.lib.limits, the model fields' max_length, the numbers' bounds from
cible.okrs.rules): an out-of-bounds value is a 422 naming the field, never a 500."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from cible.api.types import LINE, TEXT, Day, Moment, StrictInt, Value, Weight
from cible.lib.http import MAX_ID_DIGITS
from cible.lib.limits import LONG_TEXT, SHORT_TEXT
from cible.okrs import rules

MAX_ID = 10**MAX_ID_DIGITS - 1
# Key results sent inside a new objective (the method advises three to five).
MAX_NESTED_KEY_RESULTS = 50
# An id in a path or a query (text there by nature), and one in a JSON body (a number).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Ref = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Confidence = Annotated[StrictInt, Field(ge=rules.CONFIDENCE_MIN, le=rules.CONFIDENCE_MAX)]
Title = Annotated[str, Field(min_length=1, max_length=200), LINE]
Name = Annotated[str, Field(min_length=1, max_length=120), LINE]
Unit = Annotated[str, Field(max_length=20), LINE]
LongText = Annotated[str, Field(max_length=LONG_TEXT), TEXT]
ShortText = Annotated[str, Field(max_length=SHORT_TEXT), TEXT]
# An organisation's short name in a path: any text (an unknown one is a 404) but a NUL or
# a control character, which no short name holds.
Slug = Annotated[str, Field(max_length=60), LINE]
# Words to look for, in a query.
SearchText = Annotated[str, Field(max_length=200), LINE]

Role = Literal["owner", "admin", "member", "viewer"]
CycleKind = Literal["year", "quarter", "custom"]
CycleState = Literal["planning", "active", "review", "closed"]
Level = Literal["company", "team", "person"]
Origin = Literal["top_down", "bottom_up"]
Visibility = Literal["organization", "private"]
ObjectiveState = Literal["draft", "active", "closed", "cancelled"]
NewObjectiveState = Literal["draft", "active"]
KRKind = Literal["increase", "decrease", "stay_above", "stay_below", "stay_between", "milestone"]
ReviewKind = Literal["weekly", "monthly", "quarterly"]
Status = Literal["reached", "on_track", "at_risk", "off_track", "not_started"]


class Input(Schema):
    """A request body: an unknown field is refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def unchanged() -> Any:
    """A PATCH field that may be left out (the value stays) but never sent as null."""
    return Field(None, json_schema_extra=_no_default)


# Organisations, people, teams, cycles.


class OrganizationOut(Schema):
    slug: str
    name: str
    language: str
    time_zone: str
    score_display: str
    role: Role


class MemberOut(Schema):
    id: int
    user: int
    name: str
    email: str
    role: Role
    joined_at: datetime


class MemberPatch(Input):
    role: Role


class TeamOut(Schema):
    id: int
    name: str
    parent: int | None
    lead: int | None
    members: list[int]


class TeamIn(Input):
    name: Name
    parent: Ref | None = None
    lead: Ref | None = None


class TeamPatch(Input):
    name: Name = unchanged()
    parent: Ref | None = None
    lead: Ref | None = None


class CycleOut(Schema):
    id: int
    name: str
    kind: CycleKind
    start: date
    end: date
    parent: int | None
    state: CycleState


class CycleIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=60), LINE]
    kind: CycleKind
    start: Day
    end: Day
    parent: Ref | None = None


class CyclePatch(Input):
    state: CycleState


# OKRs.


class KeyResultOut(Schema):
    id: int
    objective: int
    title: str
    kind: KRKind
    start: float
    target: float
    target_max: float | None
    current: float
    unit: str
    weight: float
    owner: int
    co_owners: list[int] = Field(description="Who else checks it in, as its owner does.")
    guardrails: list[int] = Field(
        description="The KPIs it may not be reached at the expense of (their ids)."
    )
    confidence: int | None
    due_date: date | None
    driven_by: int | None
    progress: float
    expected_progress: float
    status: Status
    status_reason: str = Field(description="Why the status is what it is, in words.")
    score: float | None
    archived: bool
    cancelled: bool
    created_at: datetime
    updated_at: datetime


class ObjectiveOut(Schema):
    id: int
    cycle: int
    title: str
    description: str
    level: Level
    team: int | None
    owner: int
    parents: list[int]
    origin: Origin
    visibility: Visibility
    state: ObjectiveState
    approval: Literal["", "pending", "sent_back"] = Field(
        description="A draft's approval, where the organisation asks for it: empty (not "
        "submitted, or approved and published), pending, or sent back."
    )
    approval_comment: str = Field(description="Why its approver sent it back.")
    progress: float
    score: float | None
    archived: bool
    created_at: datetime
    updated_at: datetime


class ApprovalIn(Input):
    approved: bool = Field(description="True publishes the draft; false sends it back.")
    comment: ShortText = Field("", description="Needed to send it back: what to change.")


class ObjectiveDetailOut(ObjectiveOut):
    key_results: list[KeyResultOut]


class KeyResultForecastOut(Schema):
    key_result: int
    weight: float
    progress: float = Field(description="Its forecast progress at its end, from 0 to 1.")
    low: float
    high: float
    how: Literal[
        "trend", "no_trend", "final", "milestone_done", "milestone_open", "missed", "driven"
    ] = Field(
        description="trend: a straight line through its latest check-ins (days_of_check_ins "
        "of them); no_trend: fewer than two days of check-ins, its current value, the range "
        "from its start to its target; final: its end has come, its latest value; "
        "milestone_done / milestone_open (0 up to 1) / missed (not done by its end); driven: "
        "the forecast of the aligned objective driven_by."
    )
    days_of_check_ins: int
    driven_by: int | None


class ObjectiveForecastOut(Schema):
    objective: int
    end: date = Field(description="The cycle's end, when the forecast is read.")
    progress: float = Field(
        description="The mean of the key results' forecast progress, each counted as many "
        "times as its weight."
    )
    low: float = Field(description="The same mean of the key results' lowest forecasts.")
    high: float = Field(description="The same mean of the key results' highest forecasts.")
    explanation: str = Field(description="The sum, in words, in the caller's language.")
    key_results: list[KeyResultForecastOut]


class NewKeyResultIn(Input):
    """A key result sent inside its new objective."""

    title: Title
    kind: KRKind = "increase"
    start: Value = Decimal(0)
    target: Value = Decimal(1)
    target_max: Value | None = None
    unit: Unit = ""
    weight: Weight = Decimal(1)
    owner: Ref | None = Field(None, description="Defaults to the objective's owner.")
    co_owners: list[Ref] = Field(
        [], max_length=50, description="Members who check it in too, as its owner does."
    )
    due_date: Day | None = None
    current: Value | None = Field(
        None,
        description="A first reading: recorded as the key result's first check-in, by the "
        "caller. Left out, the key result starts at its start value.",
    )


class ObjectiveIn(Input):
    cycle: Ref | None = Field(None, description="Defaults to the current cycle.")
    title: Title
    description: LongText = ""
    level: Level
    team: Ref | None = None
    owner: Ref | None = Field(None, description="Defaults to the caller.")
    parents: Annotated[list[Ref], Field(max_length=50)] = []
    visibility: Visibility = "organization"
    state: NewObjectiveState = "active"
    origin: Origin | None = Field(None, description="Decided from who sets it when omitted.")
    key_results: Annotated[list[NewKeyResultIn], Field(max_length=MAX_NESTED_KEY_RESULTS)] = Field(
        [],
        description="Its key results, made with it: all or none (an error names its line, "
        "e.g. `key_results[2].target`).",
    )


class ObjectivePatch(Input):
    title: Title = unchanged()
    description: LongText = unchanged()
    level: Level = unchanged()
    team: Ref | None = Field(None, description="Null for no team.")
    owner: Ref = unchanged()
    parents: Annotated[list[Ref], Field(max_length=50)] = unchanged()
    visibility: Visibility = unchanged()
    state: ObjectiveState = unchanged()
    origin: Origin = unchanged()


class KeyResultIn(NewKeyResultIn):
    objective: Ref
    driven_by: Ref | None = None
    guardrails: list[Ref] = Field(
        [],
        max_length=50,
        description="KPIs of the organisation it may not be reached at the expense of.",
    )


class KeyResultPatch(Input):
    title: Title = unchanged()
    kind: KRKind = unchanged()
    start: Value = unchanged()
    target: Value = unchanged()
    target_max: Value | None = None
    unit: Unit = unchanged()
    weight: Weight = unchanged()
    owner: Ref = unchanged()
    co_owners: list[Ref] = Field(
        None,  # type: ignore[arg-type]
        max_length=50,
        json_schema_extra=_no_default,
        description="Replaces the co-owners; left out, they stay.",
    )
    guardrails: list[Ref] = Field(
        None,  # type: ignore[arg-type]
        max_length=50,
        json_schema_extra=_no_default,
        description="Replaces the guardrails (KPI ids); left out, they stay.",
    )
    due_date: Day | None = None
    driven_by: Ref | None = None


DependencyState = Literal["proposed", "accepted", "declined", "done"]


class DependencyOut(Schema):
    id: int
    from_objective: int
    from_key_result: int | None
    to_objective: int
    to_key_result: int | None
    note: str
    state: str
    created_at: datetime
    comment: str = Field(description="The latest answer's comment (a decline says why).")
    changed_by: int | None = Field(description="Who gave the latest answer.")
    changed_at: datetime | None = Field(description="When the latest answer was given.")
    at_risk: bool = Field(
        description="The dependency is still awaited (proposed or accepted) and the provider "
        "(the key result depended on, else the worst of its objective's key results) is off "
        "track: the depending key results are at risk from it."
    )


class DependencyStateIn(Input):
    state: DependencyState = Field(
        description="accepted or declined (the team asked, on a proposed one; declined also "
        "on an accepted one), done (either team, on an accepted one), accepted again (either "
        "team, reopening a done one), proposed (the team that asked, after a decline)."
    )
    comment: Annotated[str, Field(max_length=rules.DEPENDENCY_COMMENT_MAX), TEXT] = ""


class DependencyIn(Input):
    from_objective: Ref
    from_key_result: Ref | None = None
    to_objective: Ref
    to_key_result: Ref | None = None
    note: ShortText = ""


# Initiatives: activity planned to move a key result, never counted in progress.

InitiativeState = Literal["planned", "in_progress", "done", "dropped"]
Link = Annotated[str, Field(max_length=500), LINE]


class InitiativeOut(Schema):
    id: int
    objective: int
    key_result: int | None = Field(description="None: for the objective as a whole.")
    title: str
    owner: int
    state: InitiativeState
    due_date: date | None
    link: str
    created_at: datetime
    updated_at: datetime


class InitiativeIn(Input):
    objective: Ref
    key_result: Ref | None = Field(
        None, description="One of the objective's live key results; none for the objective."
    )
    title: Title
    owner: Ref | None = Field(None, description="The caller when none is given.")
    state: InitiativeState = "planned"
    due_date: Day | None = None
    link: Link = Field("", description="An http(s) address: a ticket, a document.")


class InitiativePatch(Input):
    title: Title = unchanged()
    key_result: Ref | None = None
    owner: Ref = unchanged()
    state: InitiativeState = unchanged()
    due_date: Day | None = None
    link: Link = unchanged()


# KPIs: health metrics kept within thresholds across cycles.

KPIDirection = Literal["higher", "lower", "band"]
KPIStatus = Literal["", "healthy", "warning", "critical"]
KPIRhythm = Literal["daily", "weekly", "monthly", "quarterly"]
KPIOrigin = Literal["hand", "api", "csv", "source", "key_result"]


class KPIOut(Schema):
    id: int
    name: str
    description: str
    team: int | None = Field(description="None: the whole organisation's.")
    unit: str
    direction: KPIDirection
    critical_low: float | None
    healthy_low: float | None
    healthy_high: float | None
    critical_high: float | None
    rhythm: KPIRhythm
    owner: int | None
    archived: bool
    last_value: float | None
    last_measured_at: datetime | None
    status: KPIStatus = Field(description="Empty until its first value.")
    status_since: datetime | None
    created_at: datetime
    updated_at: datetime


_THRESHOLDS = (
    "Higher is better: healthy_low and critical_low; lower is better: healthy_high and "
    "critical_high; stay between: all four, critical_low <= healthy_low <= healthy_high <= "
    "critical_high."
)


class KPIIn(Input):
    name: Title
    description: LongText = ""
    team: Ref | None = Field(None, description="None: the whole organisation's (admins).")
    unit: Unit = ""
    direction: KPIDirection = Field(description=_THRESHOLDS)
    critical_low: Value | None = None
    healthy_low: Value | None = None
    healthy_high: Value | None = None
    critical_high: Value | None = None
    rhythm: KPIRhythm = "weekly"
    owner: Ref | None = None


class KPIPatch(Input):
    name: Title = unchanged()
    description: LongText = unchanged()
    team: Ref | None = None
    unit: Unit = unchanged()
    direction: KPIDirection = unchanged()
    critical_low: Value | None = None
    healthy_low: Value | None = None
    healthy_high: Value | None = None
    critical_high: Value | None = None
    rhythm: KPIRhythm = unchanged()
    owner: Ref | None = None


class KPIValueOut(Schema):
    id: int
    kpi: int
    value: float
    measured_at: datetime
    status: KPIStatus
    note: str
    origin: KPIOrigin
    author: int | None
    created_at: datetime


class KPIValueIn(Input):
    value: Value
    measured_at: Moment | None = Field(None, description="Now when left out; never later.")
    note: Annotated[str, Field(max_length=500), TEXT] = ""


# The rhythm.


class CheckInOut(Schema):
    id: int
    key_result: int
    author: int | None
    value: float
    confidence: int | None
    comment: str
    blockers: str
    created_at: datetime


class CheckInWarningOut(Schema):
    field: str
    code: str = Field(description="far_outside_range or jump_against_trend")
    message: str


class CheckInCreated(CheckInOut):
    warnings: list[CheckInWarningOut] = Field(
        description="Why the value looks like a typing mistake: recorded all the same, "
        "the pages would have asked to confirm it. Empty when nothing looks wrong."
    )


class CheckInIn(Input):
    value: Value
    confidence: Confidence | None = None
    comment: ShortText = ""
    blockers: ShortText = ""


class ReviewOut(Schema):
    id: int
    kind: ReviewKind
    cycle: int
    team: int | None
    held_on: date
    notes: str
    decisions: str
    worked: str
    did_not_work: str
    learned: str
    celebrate: str
    duration_seconds: int | None
    created_by: int | None
    created_at: datetime


class ReviewIn(Input):
    kind: ReviewKind
    cycle: Ref | None = Field(None, description="Defaults to the current cycle.")
    team: Ref | None = Field(None, description="None for the company's monthly review.")
    held_on: Day | None = None
    notes: LongText = ""
    decisions: LongText = ""
    worked: LongText = ""
    did_not_work: LongText = ""
    learned: LongText = ""
    celebrate: LongText = ""
    duration_seconds: Annotated[StrictInt, Field(ge=0, le=86_400)] | None = None


# Pages of results.


class Page(Schema):
    count: int


class ObjectivePage(Page):
    items: list[ObjectiveOut]


class KeyResultPage(Page):
    items: list[KeyResultOut]


class CheckInPage(Page):
    items: list[CheckInOut]


class TeamPage(Page):
    items: list[TeamOut]


class MemberPage(Page):
    items: list[MemberOut]


class CyclePage(Page):
    items: list[CycleOut]


class InitiativePage(Page):
    items: list[InitiativeOut]


class DependencyPage(Page):
    items: list[DependencyOut]


class ReviewPage(Page):
    items: list[ReviewOut]


class KPIPage(Page):
    items: list[KPIOut]


class KPIValuePage(Page):
    items: list[KPIValueOut]
