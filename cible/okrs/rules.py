"""The OKR method's rules, each stated once.

Forms, the API's schemas and services, the OKR-file schema, the command line and the
models all ask these functions; none restates a bound or a rule. Each check raises a
`ValidationError` keyed by the field it is about, with a `code` a caller can test, and
reads its bounds when it runs: a change here reaches every way in at once.

Only the database's constraints (in the models' `Meta`) keep their own copy, fixed by
the migrations that created them: they are the last guard, not the rule.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import DecimalValidator
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from cible.lib import coach

if TYPE_CHECKING:
    from cible.okrs.models import Cycle

# A key result's values (start, target, current, check-ins): as the database stores them.
VALUE_WHOLE_DIGITS = 16
VALUE_DECIMAL_PLACES = 4
VALUE_MAX_DIGITS = VALUE_WHOLE_DIGITS + VALUE_DECIMAL_PLACES

CONFIDENCE_MIN = 0
CONFIDENCE_MAX = 10

# A key result's weight in its objective's progress: more than zero, two decimals.
WEIGHT_MIN = Decimal("0.01")
WEIGHT_MAX_DIGITS = 6
WEIGHT_DECIMAL_PLACES = 2

SCORE_MIN = Decimal(0)
SCORE_MAX = Decimal(1)
SCORE_MAX_DIGITS = 3
SCORE_DECIMAL_PLACES = 2

# The method's three to five key results an objective is advice, never a refusal: the
# quality coach holds it (`cible.lib.coach.MIN_KRS`, `MAX_KRS`), in the pure layer below,
# with the words that give it.
KEY_RESULTS_ADVISED = (coach.MIN_KRS, coach.MAX_KRS)

# Levels from the top: an objective contributes to its own level or the levels above.
LEVEL_ORDER = ("company", "team", "person")

CLOSED_CYCLE = _("This cycle is closed: its OKRs can no longer change.")


def _error(field: str | None, message: Any, code: str, **params: Any) -> ValidationError:
    error = ValidationError(message, code=code, params=params or None)
    return ValidationError({field or NON_FIELD_ERRORS: [error]})


# Cycles.


def cycle_takes_changes(cycle: "Cycle", *, correction: bool = False) -> bool:
    """A closed cycle is read-only; an admin's correction (`correction`) still goes in."""
    return correction or not cycle.is_closed


def check_cycle_open(cycle: "Cycle", field: str | None = None, *, correction: bool = False) -> None:
    if not cycle_takes_changes(cycle, correction=correction):
        raise _error(field, CLOSED_CYCLE, "cycle_closed")


def check_cycle_dates(start: date | None, end: date | None) -> None:
    if start and end and end <= start:
        raise _error("end", _("A cycle must end after it starts."), "cycle_dates")


def check_cycle_in_year(
    kind: str,
    parent_kind: str,
    span: tuple[date | None, date | None],
    year: tuple[date | None, date | None],
) -> None:
    """A quarter or custom cycle may sit in a year, within its dates."""
    if parent_kind != "year" or kind == "year":
        raise _error(
            "parent", _("Only a quarter or custom cycle sits in a year."), "cycle_parent_kind"
        )
    (start, end), (year_start, year_end) = span, year
    if None not in (start, end, year_start, year_end) and not (
        year_start <= start and end <= year_end  # type: ignore[operator]
    ):
        raise _error("parent", _("The cycle must lie within its year."), "cycle_outside_year")


CYCLE_STATES = ("planning", "active", "review", "closed")


def check_cycle_step(current: str, wanted: str) -> None:
    """A cycle moves one step along planning -> active -> review -> closed, or one back."""
    steps = CYCLE_STATES
    if wanted not in steps or abs(steps.index(wanted) - steps.index(current)) != 1:
        raise _error("state", _("A cycle moves one step at a time."), "cycle_step")


# Approval of drafts (an organisation's choice, off by default).


def check_approval_asked(approval_required: bool) -> None:
    if not approval_required:
        raise _error(
            None, _("This organisation does not ask for approval of drafts."), "approval_off"
        )


def check_submittable(state: str, approval: str) -> None:
    """Only a draft goes for approval, once at a time."""
    if state != "draft":
        raise _error("state", _("Only a draft objective is submitted for approval."), "not_draft")
    if approval == "pending":
        raise _error(None, _("This draft is already waiting for approval."), "already_pending")


def check_pending(approval: str) -> None:
    if approval != "pending":
        raise _error(None, _("This objective is not waiting for approval."), "not_pending")


def check_send_back_comment(approved: bool, comment: str) -> None:
    """Sent back, a draft says why, so that its owner knows what to change."""
    if not approved and not comment.strip():
        raise _error("comment", _("Say what to change before it can be approved."), "required")


# Dependencies between teams.

# Who answers a dependency: the requester is whoever may edit the depending objective,
# the provider whoever may edit the objective depended on (its team's lead among them).
REQUESTER = "requester"
PROVIDER = "provider"

# (from, to) -> the sides that may make the move. The provider accepts or declines a
# request and may still decline what it accepted; either side says it is done (the
# provider delivered, the requester received) or reopens a done one; only the requester
# asks again after a decline.
DEPENDENCY_MOVES: dict[tuple[str, str], frozenset[str]] = {
    ("proposed", "accepted"): frozenset({PROVIDER}),
    ("proposed", "declined"): frozenset({PROVIDER}),
    ("accepted", "declined"): frozenset({PROVIDER}),
    ("accepted", "done"): frozenset({PROVIDER, REQUESTER}),
    ("done", "accepted"): frozenset({PROVIDER, REQUESTER}),
    ("declined", "proposed"): frozenset({REQUESTER}),
}

# A decline says why, so the requesting team knows what to do next.
DEPENDENCY_COMMENT_NEEDED = frozenset({"declined"})
DEPENDENCY_COMMENT_MAX = 2000


def dependency_moves(current: str, sides: Iterable[str]) -> list[str]:
    """The states a dependency may move to from `current` for someone on `sides`."""
    held = set(sides)
    return [to for (start, to), who in DEPENDENCY_MOVES.items() if start == current and who & held]


def check_dependency_move(current: str, wanted: str, sides: Iterable[str], comment: str) -> None:
    """Raise a ValidationError naming `state` (a move not allowed from here, or not to this
    person) or `comment` (a decline without a reason, a comment too long)."""
    who = DEPENDENCY_MOVES.get((current, wanted))
    if who is None:
        raise _error(
            "state",
            _("A dependency in this state cannot make that move."),
            "dependency_move",
        )
    if not who & set(sides):
        message = (
            _("Only the team this dependency asks may do that.")
            if who == {PROVIDER}
            else _("Only the team that asked may do that.")
        )
        raise _error("state", message, "dependency_side")
    if wanted in DEPENDENCY_COMMENT_NEEDED and not comment.strip():
        raise _error("comment", _("Say why the dependency is declined."), "comment_needed")
    if len(comment) > DEPENDENCY_COMMENT_MAX:
        raise _error(
            "comment",
            _("At most %(max)s characters."),
            "comment_too_long",
            max=DEPENDENCY_COMMENT_MAX,
        )


# A dependency still awaited (asked or accepted, not done or declined) whose provider is
# off track puts the depending key results at risk: their own numbers may look fine, the
# work they wait for does not.
DEPENDENCY_AWAITED = frozenset({"proposed", "accepted"})


def at_risk_from_dependency(state: str, provider_status: str | None) -> bool:
    return state in DEPENDENCY_AWAITED and provider_status == "off_track"


# Numbers.


def digits_message(max_digits: int, decimal_places: int) -> str:
    """The one wording of a number's bounds, in errors and in the docs alike: "At most 16
    digits before the point and 4 after." """
    return _("At most %(whole)s digits before the point and %(places)s after.") % {
        "whole": max_digits - decimal_places,
        "places": decimal_places,
    }


def value_digits_message() -> str:
    return digits_message(VALUE_MAX_DIGITS, VALUE_DECIMAL_PLACES)


def weight_digits_message() -> str:
    return digits_message(WEIGHT_MAX_DIGITS, WEIGHT_DECIMAL_PLACES)


class DigitsValidator(DecimalValidator):
    """Django's check of a decimal's digits, whose refusals (too many digits in all,
    before the point, after it) all say both bounds at once, in `digits_message`'s words.
    The codes stay Django's."""

    def __call__(self, value: Decimal) -> None:
        try:
            super().__call__(value)
        except ValidationError as error:
            if error.code == "invalid":
                raise
            message = digits_message(self.max_digits or 0, self.decimal_places or 0)
            raise ValidationError(message, code=error.code) from error


def check_digits(value: Decimal, max_digits: int, decimal_places: int, field: str) -> None:
    """A finite number within so many digits (trailing zeros after the point not counted)."""
    try:
        DigitsValidator(max_digits, decimal_places)(value.normalize() if value else Decimal(0))
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from error


def check_value(value: Decimal | None, field: str = "value") -> None:
    """A key result's value: a finite number within the digits the database keeps."""
    if value is None or not value.is_finite():
        raise _error(field, _("Enter a number."), "invalid")
    check_digits(value, VALUE_MAX_DIGITS, VALUE_DECIMAL_PLACES, field)


def value_validators() -> list[Any]:
    """The value rule as a form field's validators, read when the form is made."""
    return [DigitsValidator(VALUE_MAX_DIGITS, VALUE_DECIMAL_PLACES)]


def check_confidence(confidence: int | None, field: str = "confidence") -> None:
    if confidence is None:
        return
    if not CONFIDENCE_MIN <= confidence <= CONFIDENCE_MAX:
        raise _error(
            field,
            _("Confidence runs from %(low)s to %(high)s."),
            "confidence_range",
            low=CONFIDENCE_MIN,
            high=CONFIDENCE_MAX,
        )


def check_weight(weight: Decimal | None, field: str = "weight") -> None:
    if weight is None:
        return
    if not weight.is_finite() or weight < WEIGHT_MIN:
        raise _error(field, _("The weight must be greater than zero."), "weight_range")
    check_digits(weight, WEIGHT_MAX_DIGITS, WEIGHT_DECIMAL_PLACES, field)


def check_score(score: Decimal | None, field: str = "score") -> None:
    if score is None or not score.is_finite() or not SCORE_MIN <= score <= SCORE_MAX:
        raise _error(
            field,
            _("A score runs from %(low)s to %(high)s."),
            "score_range",
            low=SCORE_MIN,
            high=SCORE_MAX,
        )


# Key results.


def target_errors(
    kind: str, start: Decimal | None, target: Decimal | None, target_max: Decimal | None
) -> dict[str, Any]:
    """What is wrong with a key result's start and targets for its kind, by field."""
    errors: dict[str, Any] = {}
    if start is None:
        errors["start"] = _("Enter a number.")
    if target is None:
        errors["target"] = _("Enter a number.")
    if errors or start is None or target is None:
        return errors
    if kind in ("increase", "decrease"):
        if start == target:
            errors["target"] = _("The target must differ from the start value.")
        elif kind == "increase" and target < start:
            errors["target"] = _("To increase, the target must be above the start value.")
        elif kind == "decrease" and target > start:
            errors["target"] = _("To decrease, the target must be below the start value.")
    if kind == "stay_between":
        if target_max is None:
            errors["target_max"] = _("A range needs an upper bound.")
        elif target_max < target:
            errors["target_max"] = _("The upper bound must not be below the lower bound.")
    return errors


# Objectives: levels and alignment.


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level)


def level_team_errors(level: str | None, has_team: bool) -> dict[str, Any]:
    """A company objective belongs to no team; a team objective to one."""
    if level == "company" and has_team:
        return {"team": _("A company objective belongs to no team.")}
    if level == "team" and not has_team:
        return {"team": _("Choose the team this objective belongs to.")}
    return {}


def check_parent_levels(level: str, parent_levels: Iterable[str], field: str = "parents") -> None:
    """An objective contributes to its own level or the levels above."""
    rank = level_rank(level)
    if any(level_rank(parent) > rank for parent in parent_levels):
        raise _error(
            field, _("An objective contributes to its own level or the levels above."), "level"
        )


def check_parent_cycle(cycle: object, cycle_parent: object, parent_cycle: object) -> None:
    """An objective contributes to objectives of its own cycle or of the year around it
    (cycles as ids, or as names in an OKR file)."""
    if parent_cycle not in (cycle, cycle_parent):
        raise _error(
            "parents",
            _("An objective contributes to objectives of its cycle or its year."),
            "parent_cycle",
        )


# Check-ins: a value far from what the key result measures asks for a second look.

# Beyond this many times the distance from the start to the target, from the start.
FAR_OUTSIDE_RANGE = 3


@dataclass(frozen=True)
class CheckInWarning:
    """A reason to look again before saving: never a refusal, so the API and the command
    line record the value and say it, and the pages ask to confirm it."""

    field: str
    code: str
    message: str


class _Readable(Protocol):
    kind: str
    start: Decimal
    target: Decimal
    target_max: Decimal | None
    current: Decimal
    unit: str


def check_in_warnings(kr: _Readable, value: Decimal, field: str = "value") -> list[CheckInWarning]:
    """Why a check-in of `value` looks like a typing mistake, if it does: it lies beyond
    three times the key result's range from its start (55 hires on a target of 11), or it
    jumps away from the target, from the current value, by more than the whole range (an
    NPS from 43 to 7 on a key result from 30 to 50). Milestones are done or not: no
    warning."""
    if kr.kind == "milestone":
        return []
    bounds = [kr.start, kr.target] + ([kr.target_max] if kr.target_max is not None else [])
    span = max(bounds) - min(bounds)
    if not span:  # a stay-above/below whose start sits on its threshold
        span = abs(kr.target) or Decimal(1)
    shown = {
        "value": _number(value, kr.unit),
        "start": _number(kr.start, kr.unit),
        "target": _number(kr.target, kr.unit),
        "current": _number(kr.current, kr.unit),
    }
    warnings: list[CheckInWarning] = []
    if abs(value - kr.start) > FAR_OUTSIDE_RANGE * span:
        message = _(
            "%(value)s is far outside this key result's range, from %(start)s to %(target)s: "
            "check the value."
        )
        warnings.append(CheckInWarning(field, "far_outside_range", str(message) % shown))
    jump = value - kr.current
    # The way values should move; a range has none: a big move out of it counts.
    way = {"increase": 1, "stay_above": 1, "decrease": -1, "stay_below": -1}.get(kr.kind)
    if way is None:
        low, high = kr.target, kr.target_max if kr.target_max is not None else kr.target
        against = _outside(value, low, high) > _outside(kr.current, low, high)
    else:
        against = jump * way < 0
        if kr.kind in ("increase", "decrease") and (kr.current - kr.target) * way > 0:
            # From past the target, coming back is a correction, not a fall.
            against = abs(value - kr.target) > abs(kr.current - kr.target)
    if against and abs(jump) > span:
        message = _(
            "%(value)s moves away from the target by more than its whole range since the "
            "last value, %(current)s: check the value."
        )
        warnings.append(CheckInWarning(field, "jump_against_trend", str(message) % shown))
    return warnings


def _outside(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low - value, value - high, Decimal(0))


def _number(number: Decimal, unit: str) -> str:
    text = number_format(number.normalize(), force_grouping=True)
    return f"{text}\u00a0{unit}" if unit else text
