"""The one rule for stored texts: no NUL, no bidirectional override, and titles on one
line without any control character."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from cible.lib.text import TextRulesMixin, check_text, searchable


@pytest.mark.parametrize("kind", ["text", "title"])
def test_a_nul_is_refused_with_its_code(kind: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_text("a\x00b", kind=kind)  # type: ignore[arg-type]
    assert refused.value.code == "null_character"
    assert "U+0000" in refused.value.messages[0]


@pytest.mark.parametrize(
    "char", [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)
@pytest.mark.parametrize("kind", ["text", "title"])
def test_every_bidi_override_and_isolate_is_refused(char: str, kind: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_text(f"a{char}b", kind=kind)  # type: ignore[arg-type]
    assert refused.value.code == "control_character"
    assert f"U+{ord(char):04X}" in refused.value.messages[0]


@pytest.mark.parametrize("char", ["\n", "\t", "\r", "\x07", "\x1b", "\x7f", "\x85", "\x9f"])
def test_a_title_refuses_every_control_character(char: str) -> None:
    with pytest.raises(ValidationError):
        check_text(f"a{char}b", kind="title")


def test_a_long_text_keeps_newlines_and_tabs_only() -> None:
    assert check_text("a\n\tb\r\n") == "a\n\tb\r\n"
    with pytest.raises(ValidationError):
        check_text("a\x1b[2Jb")


@pytest.mark.parametrize(
    "text", ["Grow revenue 20 %", "Croître de 20 %", "שלום", "مرحبا", "👍", ""]
)
def test_ordinary_texts_of_every_script_pass(text: str) -> None:
    assert check_text(text, kind="title") == text


def test_a_search_for_an_impossible_text_looks_for_nothing() -> None:
    assert searchable("a\x00") == ""
    assert searchable("sales") == "sales"


class Sample(TextRulesMixin, forms.Form):
    title = forms.CharField(max_length=200)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    note = forms.CharField(max_length=2000, required=False)
    level = forms.ChoiceField(choices=[("a", "A")], required=False)


def test_a_form_treats_its_text_areas_and_long_fields_as_long_texts() -> None:
    form = Sample({"title": "Fine", "notes": "one\ntwo", "note": "one\ntwo", "level": "a"})
    assert form.is_valid(), form.errors
    form = Sample({"title": "One\ntwo", "notes": "x\u202e", "note": "y\x00", "level": "a"})
    assert not form.is_valid()
    assert set(form.errors) == {"title", "notes", "note"}
    assert len(form.errors["note"]) == 1  # Django's own NUL check does not repeat it
