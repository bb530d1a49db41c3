from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from cible.lib.numbers import plain, plain_decimal_inputs, unit_for
from cible.lib.text import TextRulesMixin, sort_key


@pytest.mark.parametrize(
    ("number", "text"),
    [
        ("2000000.0000", "2000000"),
        ("0.0000", "0"),
        ("-0.0000", "0"),
        ("12.5000", "12.5"),
        ("0.0500", "0.05"),
        ("-3.2500", "-3.25"),
        ("1E+3", "1000"),
    ],
)
def test_plain_numbers_have_no_trailing_zeros_nor_exponent(number: str, text: str) -> None:
    assert plain(Decimal(number)) == text


class Target(TextRulesMixin, forms.Form):
    target = forms.DecimalField(max_digits=20, decimal_places=4)
    name = forms.CharField(required=False)


def test_a_form_shows_its_decimal_values_without_trailing_zeros() -> None:
    html = str(Target(initial={"target": Decimal("2000000.0000")})["target"])
    assert 'value="2000000"' in html
    zero = str(Target(initial={"target": Decimal("0.0000")})["target"])
    assert 'value="0"' in zero
    # What someone typed comes back as typed, errors or not.
    typed = str(Target(data={"target": "2000000.50"})["target"])
    assert 'value="2000000.50"' in typed


def test_without_the_mixin_django_shows_the_trailing_zeros() -> None:
    class Raw(forms.Form):
        target = forms.DecimalField(max_digits=20, decimal_places=4)

    assert 'value="2000000.0000"' in str(Raw(initial={"target": Decimal("2000000.0000")})["target"])
    form = Raw(initial={"target": Decimal("2000000.0000")})
    plain_decimal_inputs(form)
    assert 'value="2000000"' in str(form["target"])


@pytest.mark.parametrize(
    ("language", "number", "unit", "expected"),
    [
        ("en", "1", "days", "day"),
        ("en", "2", "days", "days"),
        ("en", "0", "days", "days"),
        ("en", "1.5", "days", "days"),
        ("en", "-1", "day", "day"),
        ("fr", "1", "days", "jour"),
        ("fr", "0", "jours", "jour"),
        ("fr", "35", "jours", "jours"),
        ("fr", "1", "heures", "heure"),
        ("en", "3", "Weeks", "weeks"),
        ("fr", "2", "month", "mois"),
        ("en", "1", "tickets", "tickets"),
        ("en", "1", "EUR", "EUR"),
        ("fr", "1", "h", "h"),
    ],
)
def test_units_of_time_follow_the_readers_plural(
    language: str, number: str, unit: str, expected: str
) -> None:
    with translation.override(language):
        assert unit_for(Decimal(number), unit) == expected


def test_names_sort_as_people_expect() -> None:
    names = ["Zoé", "Élise", "emma", "Émile", "Eric", "Ève", "zack", "Ana"]
    assert sorted(names, key=sort_key) == [
        "Ana",
        "Élise",
        "Émile",
        "emma",
        "Eric",
        "Ève",
        "zack",
        "Zoé",
    ]
    assert sorted(names) != sorted(names, key=sort_key)  # code points put É after z
    assert sort_key("Œuvre") < sort_key("Pierre")
