"""Numbers as people read and type them: no trailing zeros, the unit's plural.

The database keeps values with four decimal places (2000000.0000); a form shows the number
itself (2000000), and a page the reader's grouping (2 000 000 in French, 2,000,000 in
English, see the `value` filter of cible/okrs/templatetags/okrs.py).
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import ngettext


def plain(number: Decimal) -> str:
    """The number without trailing zeros nor exponent, as a number field takes it:
    2000000, 0, 12.5."""
    text = format(number.normalize(), "f")
    return "0" if text in {"-0", ""} else text


def _plain_input(format_value: Any) -> Any:
    def formatted(value: Any) -> Any:
        if isinstance(value, Decimal) and value.is_finite():
            return plain(value)
        return format_value(value)

    return formatted


def plain_decimal_inputs(form: forms.BaseForm) -> None:
    """Every decimal field of the form shows its initial value without trailing zeros
    (what the person typed, when the form comes back with errors, stays as typed)."""
    for field in form.fields.values():
        if isinstance(field, forms.DecimalField):
            field.widget.format_value = _plain_input(field.widget.format_value)  # type: ignore[method-assign]


# Units of time, in either language, as key results name them: a count of them reads in the
# reader's language, singular or plural by its rules (1 day, 2 days; 1 jour, 2 jours).
_TIME_UNITS = {
    "day": "day",
    "days": "day",
    "jour": "day",
    "jours": "day",
    "hour": "hour",
    "hours": "hour",
    "heure": "hour",
    "heures": "hour",
    "week": "week",
    "weeks": "week",
    "semaine": "week",
    "semaines": "week",
    "month": "month",
    "months": "month",
    "mois": "month",
    "year": "year",
    "years": "year",
    "an": "year",
    "ans": "year",
    "année": "year",
    "années": "year",
}


def unit_for(number: Decimal, unit: str) -> str:
    """The unit as it reads after this number: a unit of time in the reader's language
    and grammatical number, any other unit as it was written."""
    kind = _TIME_UNITS.get(" ".join(unit.split()).casefold())
    if kind is None:
        return unit
    # Whole numbers choose the form by the language's rule; a fraction (1.5) reads plural.
    count = int(abs(number)) if number == number.to_integral_value() else 2
    if kind == "day":
        return ngettext("day", "days", count)
    if kind == "hour":
        return ngettext("hour", "hours", count)
    if kind == "week":
        return ngettext("week", "weeks", count)
    if kind == "month":
        return ngettext("month", "months", count)
    return ngettext("year", "years", count)
