from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cible.lib import okrmath
from cible.lib.numbers import unit_for
from cible.okrs.models import KeyResult, Objective

register = template.Library()


@register.filter
def value(number: Decimal | None, unit: str = "") -> str:
    """A KR value in the reader's locale, without trailing zeros: 1 234,5 in French."""
    if number is None:
        return "–"
    normalized = number.normalize()
    places = max(0, -normalized.as_tuple().exponent)  # type: ignore[operator]
    text = number_format(normalized, decimal_pos=min(places, 4), force_grouping=True)
    if not unit:
        return text
    return f"{text}\u00a0{unit_for(normalized, unit)}"


@register.filter
def percent(fraction: Decimal | None) -> str:
    if fraction is None:
        return "–"
    return f"{number_format(round(fraction * 100), force_grouping=True)}\u00a0%"


@register.filter
def bar_width(fraction: Decimal | None) -> int:
    """Progress as a whole percentage from 0 to 100, for a bar's width."""
    if fraction is None:
        return 0
    return round(okrmath.clamp(fraction) * 100)


@register.filter
def status_label(status: str) -> str:
    """The status in words; nothing for a value that is no status (an empty one)."""
    labels: dict[str, str] = {
        okrmath.Status.REACHED: _("Reached"),
        okrmath.Status.ON_TRACK: _("On track"),
        okrmath.Status.AT_RISK: _("At risk"),
        okrmath.Status.OFF_TRACK: _("Off track"),
        okrmath.Status.NOT_STARTED: _("Not started"),
    }
    return labels.get(status, "")


@register.filter
def status_reason(status: Any) -> str:
    """Why a status is what it is, in words: "48 % done, 68 % expected by today,
    confidence 4/10". Nothing for a bare status (one that came without its reason)."""
    if not isinstance(status, okrmath.Assessment):
        return ""
    Reason = okrmath.Reason
    facts, reason = status.facts, status.reason
    unit = facts.unit
    numbers = {
        "progress": percent(facts.progress),
        "expected": percent(facts.expected),
        "confidence": facts.confidence,
        "current": value(facts.current, unit),
        "target": value(facts.target, unit),
        "high": value(facts.target_max, unit),
        "due": date_format(facts.due) if facts.due else "",
    }
    with_confidence = facts.confidence is not None
    if reason is Reason.NO_CHECK_IN:
        if facts.key_results:
            return _("None of its key results has a check-in yet.")
        return _("No check-in yet: the status comes with the first one.")
    if reason is Reason.NO_KEY_RESULT:
        return _("No key result yet.")
    if reason is Reason.PACE:
        if with_confidence:
            text = _(
                "%(progress)s done, %(expected)s expected by today, confidence %(confidence)s/10"
            )
        else:
            text = _("%(progress)s done, %(expected)s expected by today")
        return text % numbers
    if reason is Reason.TARGET_REACHED:
        return _("%(progress)s done: the target, %(target)s, is reached") % numbers
    if reason in (Reason.INSIDE, Reason.BELOW_FLOOR, Reason.ABOVE_CEILING):
        text = _stay_reason(reason, facts) % numbers
        if with_confidence:
            return _("%(reason)s, confidence %(confidence)s/10") % {**numbers, "reason": text}
        return text
    if reason is Reason.MILESTONE_DONE:
        return _("Done.")
    if reason is Reason.MILESTONE_DUE:
        text = _("Not done yet, due %(due)s") % numbers
        if with_confidence:
            return _("%(reason)s, confidence %(confidence)s/10") % {**numbers, "reason": text}
        return text
    if reason is Reason.MILESTONE_LATE:
        return _("Not done, it was due %(due)s") % numbers
    return _objective_reason(status)


def _stay_reason(reason: okrmath.Reason, facts: okrmath.Facts) -> str:
    ranged = facts.kind == okrmath.Kind.STAY_BETWEEN
    if reason is okrmath.Reason.INSIDE:
        if ranged:
            return _("%(current)s, between %(target)s and %(high)s")
        if facts.kind == okrmath.Kind.STAY_BELOW:
            return _("%(current)s, at or below the ceiling of %(target)s")
        return _("%(current)s, at or above the floor of %(target)s")
    if reason is okrmath.Reason.BELOW_FLOOR:
        if ranged:
            return _("%(current)s, below the range from %(target)s to %(high)s")
        return _("%(current)s, below the floor of %(target)s")
    if ranged:
        return _("%(current)s, above the range from %(target)s to %(high)s")
    return _("%(current)s, above the ceiling of %(target)s")


def _objective_reason(assessment: okrmath.Assessment) -> str:
    facts = assessment.facts
    numbers = {
        "progress": percent(facts.progress),
        "expected": percent(facts.expected),
        "count": facts.key_results,
    }
    if assessment.status is okrmath.Status.REACHED:
        return (
            ngettext(
                "Its key result is reached.",
                "All its %(count)s key results are reached.",
                facts.key_results,
            )
            % numbers
        )
    text = (
        ngettext(
            "%(progress)s done, %(expected)s expected by today, from its key result",
            "%(progress)s done, %(expected)s expected by today, weighted over its "
            "%(count)s key results",
            facts.key_results,
        )
        % numbers
    )
    if facts.key_results < 2:
        return text
    counts = ", ".join(f"{count} {status_label(status).lower()}" for status, count in facts.counts)
    return f"{text} ({counts})"


@register.filter
def score(value: Decimal | None, display: str = "decimal") -> str:
    if value is None:
        return "–"
    if display == "percent":
        return percent(value)
    return number_format(value, decimal_pos=2)


@register.filter
def band(value: Decimal) -> str:
    return okrmath.band(value).value


@register.filter
def template_title(template: Any, language: str) -> str:
    """A library template's (or template KR's) title in the reader's language."""
    return str(template.title(language))


@register.filter
def template_numbers(kr: Any, language: str) -> str:
    """A library key result's example numbers, in words: "50,000 → 100,000 visitors"."""
    unit = kr.unit(language)
    numbers = {
        "start": value(kr.start, unit),
        "target": value(kr.target, unit),
        "high": value(kr.target_max, unit),
    }
    kind = okrmath.Kind(kr.kind)
    if kind is okrmath.Kind.MILESTONE:
        return _("done or not")
    if kind is okrmath.Kind.STAY_ABOVE:
        return _("at least %(target)s (today %(start)s)") % numbers
    if kind is okrmath.Kind.STAY_BELOW:
        return _("at most %(target)s (today %(start)s)") % numbers
    if kind is okrmath.Kind.STAY_BETWEEN:
        return _("between %(target)s and %(high)s (today %(start)s)") % numbers
    return _("from %(start)s to %(target)s") % numbers


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


FIELD_LABELS = {
    "parents": gettext_lazy("contributes to"),
    "depends_on": gettext_lazy("depends on"),
    "dependency_state": gettext_lazy("dependency state"),
}


@register.filter
def field_label(name: str) -> str:
    """The translated label of a field named in the history."""
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    for model in (Objective, KeyResult):
        try:
            return str(getattr(model._meta.get_field(name), "verbose_name", name))
        except Exception:  # a field of the other model
            continue
    return name
