"""The status pill's words."""

from django.utils import translation

from cible.okrs.templatetags.okrs import status_label


def test_each_status_has_its_words_in_both_languages() -> None:
    assert status_label("on_track") == "On track"
    assert status_label("off_track") == "Off track"
    with translation.override("fr"):
        assert status_label("at_risk") == "À risque"


def test_a_value_that_is_no_status_has_no_words() -> None:
    assert status_label("") == ""
    assert status_label("sideways") == ""
