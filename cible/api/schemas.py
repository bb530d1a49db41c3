"""What the API reads and writes. Inputs carry the same bounds as the web forms (text
lengths from cible.lib.limits, the model fields' max_length, the numbers' bounds from
cible.okrs.rules): an out-of-bounds value is a 422 naming the field, never a 500."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from cible.lib.http import MAX_ID_DIGITS
from cible.lib.limits import LONG_TEXT, SHORT_TEXT
from cible.okrs import rules

MAX_ID = 10**MAX_ID_DIGITS - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# The bounds of cible.okrs.rules, stated in the schema; the services check them again
# through the same rules when they run.
Value = Annotated[
    Decimal,
    Field(
        max_digits=rules.VALUE_MAX_DIGITS,
        decimal_places=rules.VALUE_DECIMAL_PLACES,
        allow_inf_nan=False,
    ),
]
Weight = Annotated[
    Decimal,
    Field(
        ge=rules.WEIGHT_MIN,
        max_digits=rules.WEIGHT_MAX_DIGITS,
        decimal_places=rules.WEIGHT_DECIMAL_PLACES,
        allow_inf_nan=False,
    ),
]
Confidence = Annotated[int, Field(ge=rules.CONFIDENCE_MIN, le=rules.CONFIDENCE_MAX)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(max_length=LONG_TEXT)]
ShortText = Annotated[str, Field(max_length=SHORT_TEXT)]

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
Status = Literal["on_track", "at_risk", "off_track"]


class Input(Schema):
    """A request body: an unknown field is refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


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
    name: Annotated[str, Field(min_length=1, max_length=120)]
    parent: Id | None = None
    lead: Id | None = None


class TeamPatch(Input):
    name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    parent: Id | None = None
    lead: Id | None = None


class CycleOut(Schema):
    id: int
    name: str
    kind: CycleKind
    start: date
    end: date
    parent: int | None
    state: CycleState


class CycleIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    kind: CycleKind
    start: date
    end: date
    parent: Id | None = None


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
    confidence: int | None
    due_date: date | None
    driven_by: int | None
    progress: float
    expected_progress: float
    status: Status
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
    progress: float
    score: float | None
    archived: bool
    created_at: datetime
    updated_at: datetime


class ObjectiveDetailOut(ObjectiveOut):
    key_results: list[KeyResultOut]


class ObjectiveIn(Input):
    cycle: Id | None = Field(None, description="Defaults to the current cycle.")
    title: Title
    description: LongText = ""
    level: Level
    team: Id | None = None
    owner: Id | None = Field(None, description="Defaults to the caller.")
    parents: Annotated[list[Id], Field(max_length=50)] = []
    visibility: Visibility = "organization"
    state: NewObjectiveState = "active"
    origin: Origin | None = Field(None, description="Decided from who sets it when omitted.")


class ObjectivePatch(Input):
    title: Title | None = None
    description: LongText | None = None
    level: Level | None = None
    team: Id | None = None
    owner: Id | None = None
    parents: Annotated[list[Id], Field(max_length=50)] | None = None
    visibility: Visibility | None = None
    state: ObjectiveState | None = None
    origin: Origin | None = None


class KeyResultIn(Input):
    objective: Id
    title: Title
    kind: KRKind = "increase"
    start: Value = Decimal(0)
    target: Value = Decimal(1)
    target_max: Value | None = None
    unit: Annotated[str, Field(max_length=20)] = ""
    weight: Weight = Decimal(1)
    owner: Id | None = Field(None, description="Defaults to the objective's owner.")
    due_date: date | None = None
    driven_by: Id | None = None


class KeyResultPatch(Input):
    title: Title | None = None
    kind: KRKind | None = None
    start: Value | None = None
    target: Value | None = None
    target_max: Value | None = None
    unit: Annotated[str, Field(max_length=20)] | None = None
    weight: Weight | None = None
    owner: Id | None = None
    due_date: date | None = None
    driven_by: Id | None = None


class DependencyOut(Schema):
    id: int
    from_objective: int
    from_key_result: int | None
    to_objective: int
    to_key_result: int | None
    note: str
    state: str
    created_at: datetime


class DependencyIn(Input):
    from_objective: Id
    from_key_result: Id | None = None
    to_objective: Id
    to_key_result: Id | None = None
    note: ShortText = ""


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
    cycle: Id | None = Field(None, description="Defaults to the current cycle.")
    team: Id | None = Field(None, description="None for the company's monthly review.")
    held_on: date | None = None
    notes: LongText = ""
    decisions: LongText = ""
    worked: LongText = ""
    did_not_work: LongText = ""
    learned: LongText = ""
    celebrate: LongText = ""
    duration_seconds: Annotated[int, Field(ge=0, le=86_400)] | None = None


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


class DependencyPage(Page):
    items: list[DependencyOut]


class ReviewPage(Page):
    items: list[ReviewOut]
