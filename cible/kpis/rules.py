"""A KPI's rules, each stated once: its thresholds and the status a value gets.

A KPI has a healthy range and, around it, a critical limit on each side it watches. A value
inside the healthy range is healthy; beyond a critical limit, critical; in between, a
warning. "Higher is better" watches the low side only, "lower is better" the high side
only, "stay between" both. A critical limit equal to its healthy bound leaves no warning
band on that side.

Forms, the API, the OKR files and the models ask these functions; none restates a bound.
"""

from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cible.okrs import rules as okr_rules

HIGHER = "higher"
LOWER = "lower"
BAND = "band"

HEALTHY = "healthy"
WARNING = "warning"
CRITICAL = "critical"
UNKNOWN = ""  # no value yet

# The order a worse status comes in: a guardrail is breached past healthy.
SEVERITY = {UNKNOWN: 0, HEALTHY: 0, WARNING: 1, CRITICAL: 2}

# The bounds a direction needs, by field name.
NEEDED = {
    HIGHER: ("healthy_low", "critical_low"),
    LOWER: ("healthy_high", "critical_high"),
    BAND: ("healthy_low", "healthy_high", "critical_low", "critical_high"),
}
BOUNDS = ("critical_low", "healthy_low", "healthy_high", "critical_high")


@dataclass(frozen=True)
class Thresholds:
    direction: str
    critical_low: Decimal | None = None
    healthy_low: Decimal | None = None
    healthy_high: Decimal | None = None
    critical_high: Decimal | None = None

    def status(self, value: Decimal | None) -> str:
        return status(self, value)


def thresholds_errors(
    direction: str,
    critical_low: Decimal | None,
    healthy_low: Decimal | None,
    healthy_high: Decimal | None,
    critical_high: Decimal | None,
) -> dict[str, list[ValidationError]]:
    """What is wrong with these thresholds, by field: a missing bound, a bound the direction
    does not use, digits, or bounds out of order (critical low <= healthy low <= healthy high
    <= critical high)."""
    given = {
        "critical_low": critical_low,
        "healthy_low": healthy_low,
        "healthy_high": healthy_high,
        "critical_high": critical_high,
    }
    errors: dict[str, list[ValidationError]] = {}
    if direction not in NEEDED:
        errors["direction"] = [
            ValidationError(
                _("Choose higher is better, lower is better or stay between."), code="direction"
            )
        ]
        return errors
    needed = NEEDED[direction]
    for name, value in given.items():
        if name in needed and value is None:
            errors.setdefault(name, []).append(
                ValidationError(_("This threshold is needed for this direction."), code="required")
            )
        elif name not in needed and value is not None:
            errors.setdefault(name, []).append(
                ValidationError(_("This direction does not use this threshold."), code="unused")
            )
        elif value is not None:
            try:
                okr_rules.check_value(value, name)
            except ValidationError as error:
                errors.setdefault(name, []).extend(error.error_dict[name])
    if errors:
        return errors
    present = [(name, given[name]) for name in BOUNDS if given[name] is not None]
    for (low_name, low), (high_name, high) in pairwise(present):
        assert low is not None and high is not None
        if low > high:
            errors.setdefault(high_name, []).append(
                ValidationError(
                    _("The thresholds are in the wrong order: %(high)s must be at least %(low)s."),
                    code="order",
                    params={"high": FIELD_LABELS[high_name], "low": FIELD_LABELS[low_name]},
                )
            )
    return errors


def check_thresholds(
    direction: str,
    critical_low: Decimal | None,
    healthy_low: Decimal | None,
    healthy_high: Decimal | None,
    critical_high: Decimal | None,
) -> None:
    errors = thresholds_errors(direction, critical_low, healthy_low, healthy_high, critical_high)
    if errors:
        raise ValidationError(errors)


def status(thresholds: Thresholds, value: Decimal | None) -> str:
    """Healthy, warning or critical for this value; unknown without one."""
    if value is None:
        return UNKNOWN
    t = thresholds
    if (t.critical_low is not None and value < t.critical_low) or (
        t.critical_high is not None and value > t.critical_high
    ):
        return CRITICAL
    if (t.healthy_low is not None and value < t.healthy_low) or (
        t.healthy_high is not None and value > t.healthy_high
    ):
        return WARNING
    return HEALTHY


def breached(status_: str) -> bool:
    """A KPI out of its healthy range (warning or critical): a guardrail may be breached."""
    return SEVERITY.get(status_, 0) > 0


def guardrail_breached(kpi_status: str, progress_then: Decimal, progress_now: Decimal) -> bool:
    """A guardrail is breached when its KPI is out of its healthy range while the key result
    progresses: its progress now is above its progress when the KPI was last measured
    healthy (`progress_then`). A KPI that falls while the key result stays flat or falls
    back is the KPI's own trouble, not a key result bought at its expense."""
    return breached(kpi_status) and progress_now > progress_then


def worse(status_: str, than: str) -> bool:
    return SEVERITY.get(status_, 0) > SEVERITY.get(than, 0)


FIELD_LABELS = {
    "critical_low": _("critical below"),
    "healthy_low": _("healthy from"),
    "healthy_high": _("healthy up to"),
    "critical_high": _("critical above"),
}
