"""How much text a person may type into the fields that the database leaves unbounded
(descriptions, notes, comments, retrospectives: TextFields). The forms cap them, so that a
pasted book or a hostile request is refused with the field named instead of stored."""

from django import forms
from django.core.validators import MaxLengthValidator

LONG_TEXT = 5_000  # descriptions, meeting notes and decisions, retrospectives
SHORT_TEXT = 2_000  # check-in comments and blockers, reasons, score and dependency notes
# The years a date typed, sent or imported may fall in: year 1 or 9999 is a typo or a probe,
# and would only break the charts, the forecasts and the time zone arithmetic.
YEARS = range(1970, 3000)


def limit_length(field: forms.Field, limit: int) -> None:
    """Cap a form's text field at ``limit`` characters, as ``max_length`` would have: the
    browser stops typing there, and the server refuses a longer value."""
    if not isinstance(field, forms.CharField):
        raise TypeError(f"{field!r} is not a text field")
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)
