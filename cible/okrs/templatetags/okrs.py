from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        okrmath.Status.ON_TRACK: _("On track"),
        okrmath.Status.AT_RISK: _("At risk"),
        okrmath.Status.OFF_TRACK: _("Off track"),
    }
    return labels.get(status, "")


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
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


FIELD_LABELS = {
    "parents": gettext_lazy("contributes to"),
    "depends_on": gettext_lazy("depends on"),
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
