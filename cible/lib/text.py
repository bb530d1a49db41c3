"""The one rule for every text that reaches the database, whatever door it comes through
(a web form, the API, an OKR file, a query parameter).

- No text may hold a NUL character: PostgreSQL refuses it in text columns (a 500 there,
  while SQLite would store it silently).
- No text may hold a bidirectional override or isolate (U+202A-202E, U+2066-2069): they
  reorder what a reader sees ("Trojan Source"), so a title could read otherwise than it is.
- Titles and names are one line: no control character at all (C0, DEL, C1).
- Long texts (descriptions, comments, notes) keep their newlines and tabs, and refuse the
  other control characters.

Nothing here imports the app: forms, API schemas and the OKR-file schema all call it.
"""

import unicodedata
from collections.abc import Callable
from typing import Any, Literal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from cible.lib.numbers import plain_decimal_inputs

type Kind = Literal["text", "title"]

NUL = "\x00"
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# What a long text may keep of the control characters.
LINE_CONTROLS = frozenset("\t\n\r")


def _refused(char: str, kind: Kind) -> bool:
    if char in BIDI_CONTROLS:
        return True
    if unicodedata.category(char) != "Cc":
        return False
    return kind == "title" or char not in LINE_CONTROLS


def text_problem(value: str, *, kind: Kind = "text") -> ValidationError | None:
    """Why this text may not be stored, or None when it may."""
    if NUL in value:
        return ValidationError(
            _("Remove the null character (U+0000) from this text."), code="null_character"
        )
    for char in value:
        if _refused(char, kind):
            return ValidationError(
                _("Remove the invisible control character %(char)s from this text."),
                code="control_character",
                params={"char": f"U+{ord(char):04X}"},
            )
    return None


def check_text(value: str, *, kind: Kind = "text") -> str:
    """The text itself, or a ValidationError (code `null_character` or
    `control_character`) that says which character to remove."""
    problem = text_problem(value, kind=kind)
    if problem is not None:
        raise problem
    return value


def searchable(words: str) -> str:
    """Typed words to look for, or "" (nothing is looked for, nothing found) when they
    hold a character that no stored title or name may hold."""
    return "" if text_problem(words, kind="title") else words


# Letters that no decomposition takes apart, sorted as the letters they stand for.
_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})


def sort_key(text: str) -> tuple[str, str]:
    """The order people expect in a list of names, whatever the language: accents and
    case set aside first (Élise before Zoé, émile beside Emile), then as written, so
    that equal keys keep one order. Databases sort by code point (Z before É)."""
    folded = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    return folded.casefold().translate(_LETTERS), text


def message_of(error: ValidationError) -> str:
    """The error's sentence, its parameters filled in."""
    return str(next(iter(error)))


def validator(kind: Kind) -> Callable[[Any], None]:
    def validate(value: Any) -> None:
        if isinstance(value, str):
            check_text(value, kind=kind)

    validate.__name__ = f"check_{kind}"
    return validate


check_title_field = validator("title")
check_text_field = validator("text")


# A one-line text is at most this long (a title): a longer or unbounded one is a long text.
LINE_LENGTH = 200


def guard_fields(form: forms.BaseForm) -> None:
    """Every text field of the form follows the rule: a field typed into a text area, or
    longer than a title, is a long text; any other is one line (choice fields are no text
    fields: their values are checked against the choices)."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField):
            continue
        long_text = (
            isinstance(field.widget, forms.Textarea)
            or field.max_length is None
            or field.max_length > LINE_LENGTH
        )
        check = check_text_field if long_text else check_title_field
        # Django's own NUL check would say it a second time, in other words.
        field.validators = [
            v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        if check not in field.validators:
            field.validators.append(check)


class TextRulesMixin:
    """A form whose text fields follow the rule of this module (see `guard_fields`), and
    whose decimal fields show their values without trailing zeros (cible.lib.numbers)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_fields(self)  # type: ignore[arg-type]
        plain_decimal_inputs(self)  # type: ignore[arg-type]
