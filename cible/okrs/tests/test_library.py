"""The OKR template library: its content follows the method, and its API behaves."""

import re
from collections import Counter
from decimal import Decimal

import pytest

from cible.lib import okrmath
from cible.lib.okrmath import Kind
from cible.okrs import library
from cible.okrs.library import FUNCTIONS, TEMPLATES, KRTemplate, ObjectiveTemplate

REQUIRED_FUNCTIONS = (
    "marketing",
    "sales",
    "hr",
    "product",
    "customer_service",
    "engineering",
    "finance",
    "operations",
)
STANDARD_UNITS = {"%", "EUR", "days", "h", ""}
ALL_KRS = [(template, kr) for template in TEMPLATES for kr in template.key_results]


def kr_id(pair: tuple[ObjectiveTemplate, KRTemplate]) -> str:
    template, kr = pair
    return f"{template.key}:{kr.title_en[:40]}"


# --- Size and shape -----------------------------------------------------------------------


def test_at_least_forty_templates() -> None:
    assert len(TEMPLATES) >= 40


def test_required_functions_have_at_least_five_templates_each() -> None:
    counts = Counter(template.function for template in TEMPLATES)
    for function in REQUIRED_FUNCTIONS:
        assert function in FUNCTIONS
        assert counts[function] >= 5, function
    assert sum(1 for count in counts.values() if count >= 5) >= 8


def test_every_declared_function_is_used_and_every_template_declared() -> None:
    counts = Counter(template.function for template in TEMPLATES)
    assert set(counts) == set(FUNCTIONS)
    assert all(count >= 5 for count in counts.values())


def test_function_names_exist_in_both_languages() -> None:
    for en, fr in FUNCTIONS.values():
        assert en.strip() and fr.strip()


def test_keys_are_unique_slugs_prefixed_by_their_function() -> None:
    keys = [template.key for template in TEMPLATES]
    assert len(keys) == len(set(keys))
    for template in TEMPLATES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", template.key), template.key
        assert template.key.startswith(template.function.replace("_", "-") + "-")


def test_three_to_five_key_results_per_objective() -> None:
    for template in TEMPLATES:
        assert 3 <= len(template.key_results) <= 5, template.key
        assert isinstance(template.key_results, tuple)


def test_every_kind_is_used() -> None:
    used = {kr.kind for _, kr in ALL_KRS}
    assert used == {kind.value for kind in Kind}


def test_at_most_one_milestone_per_objective() -> None:
    for template in TEMPLATES:
        milestones = [kr for kr in template.key_results if kr.kind == Kind.MILESTONE]
        assert len(milestones) <= 1, template.key


def test_objectives_are_not_only_milestones() -> None:
    for template in TEMPLATES:
        assert any(kr.kind != Kind.MILESTONE for kr in template.key_results), template.key


# --- Texts ----------------------------------------------------------------------------------


def _check_pair(en: str, fr: str, where: str) -> None:
    assert en.strip() and fr.strip(), where
    assert en == en.strip() and fr == fr.strip(), where
    assert en != fr, where


def test_objective_texts_exist_in_both_languages_and_differ() -> None:
    for template in TEMPLATES:
        _check_pair(template.title_en, template.title_fr, template.key)
        _check_pair(template.description_en, template.description_fr, template.key)


def test_kr_titles_exist_in_both_languages_and_differ() -> None:
    for template, kr in ALL_KRS:
        _check_pair(kr.title_en, kr.title_fr, f"{template.key}: {kr.title_en}")


def test_objective_titles_are_qualitative_without_digits() -> None:
    for template in TEMPLATES:
        for title in (template.title_en, template.title_fr):
            assert not any(ch.isdigit() for ch in title), title


def test_titles_are_unique_within_a_language() -> None:
    for attr in ("title_en", "title_fr"):
        titles = [getattr(template, attr) for template in TEMPLATES]
        assert len(titles) == len(set(titles)), attr


def test_texts_fit_the_database_columns() -> None:
    for template in TEMPLATES:
        assert len(template.title_en) <= 200 and len(template.title_fr) <= 200
        for kr in template.key_results:
            assert len(kr.title_en) <= 200 and len(kr.title_fr) <= 200
            assert len(kr.unit_en) <= 20 and len(kr.unit_fr) <= 20


def test_french_texts_use_straight_apostrophes_and_no_stray_spaces() -> None:
    for template, kr in ALL_KRS:
        for text in (template.title_fr, template.description_fr, kr.title_fr):
            assert "  " not in text, text
            assert "’" not in text, text


# --- Key result values ----------------------------------------------------------------------


@pytest.mark.parametrize("pair", ALL_KRS, ids=kr_id)
def test_kr_values_are_finite_decimals(pair: tuple[ObjectiveTemplate, KRTemplate]) -> None:
    _, kr = pair
    values = [kr.start, kr.target] + ([kr.target_max] if kr.target_max is not None else [])
    for value in values:
        assert isinstance(value, Decimal)
        assert value.is_finite()
        # the database keeps 4 decimal places and 16 digits before the point
        assert value == value.quantize(Decimal("0.0001"))
        assert abs(value) < Decimal(10) ** 16


@pytest.mark.parametrize("pair", ALL_KRS, ids=kr_id)
def test_kr_is_measurable_in_its_direction(pair: tuple[ObjectiveTemplate, KRTemplate]) -> None:
    _, kr = pair
    kind = Kind(kr.kind)
    if kind is Kind.STAY_BETWEEN:
        assert kr.target_max is not None
        assert kr.target < kr.target_max
    else:
        assert kr.target_max is None
    if kind is Kind.INCREASE:
        assert kr.target > kr.start
    elif kind is Kind.DECREASE:
        assert kr.target < kr.start
    elif kind is Kind.MILESTONE:
        assert (kr.start, kr.target) == (Decimal(0), Decimal(1))
        assert kr.unit_en == kr.unit_fr == ""


@pytest.mark.parametrize("pair", ALL_KRS, ids=kr_id)
def test_kr_units_are_standard_or_translated(pair: tuple[ObjectiveTemplate, KRTemplate]) -> None:
    _, kr = pair
    if kr.unit_en in STANDARD_UNITS:
        expected_fr = "jours" if kr.unit_en == "days" else kr.unit_en
        assert kr.unit_fr == expected_fr
    else:
        assert kr.unit_en.strip() and kr.unit_fr.strip()
    assert kr.unit("en") == kr.unit_en and kr.unit("fr") == kr.unit_fr


@pytest.mark.parametrize("pair", ALL_KRS, ids=kr_id)
def test_kr_progress_runs_from_zero_to_one(pair: tuple[ObjectiveTemplate, KRTemplate]) -> None:
    """The shared OKR math accepts every template KR as it stands."""
    _, kr = pair
    kind = Kind(kr.kind)
    done = okrmath.progress(kind, kr.start, kr.target, kr.target, kr.target_max)
    assert done == 1
    if kind in (Kind.INCREASE, Kind.DECREASE, Kind.MILESTONE):
        assert okrmath.progress(kind, kr.start, kr.target, kr.start, kr.target_max) == 0


def _find(kind: Kind, start: str, target: str, unit: str) -> list[KRTemplate]:
    return [
        kr
        for _, kr in ALL_KRS
        if kr.kind == kind
        and kr.start == Decimal(start)
        and kr.target == Decimal(target)
        and kr.unit_en == unit
    ]


@pytest.mark.parametrize(
    ("kind", "start", "target", "unit", "word"),
    [
        (Kind.INCREASE, "50000", "100000", "visitors", "organic"),
        (Kind.DECREASE, "60", "35", "days", "time-to-hire"),
        (Kind.DECREASE, "4", "1", "h", "first-response"),
        (Kind.INCREASE, "65", "85", "%", "first-contact"),
        (Kind.INCREASE, "20000", "25000", "EUR", "contract value"),
        (Kind.INCREASE, "0", "3", "features", "features"),
        (Kind.INCREASE, "0", "60", "%", "adoption"),
    ],
)
def test_method_examples_are_included(
    kind: Kind, start: str, target: str, unit: str, word: str
) -> None:
    found = _find(kind, start, target, unit)
    assert any(word in kr.title_en.lower() for kr in found)


def test_csat_example_is_a_floor_of_ninety_five_percent() -> None:
    found = [
        kr
        for _, kr in ALL_KRS
        if kr.kind == Kind.STAY_ABOVE and kr.target == Decimal(95) and "CSAT" in kr.title_en
    ]
    assert found and all(kr.unit_en == "%" for kr in found)


# --- API -------------------------------------------------------------------------------------


def test_language_switch_on_titles_and_descriptions() -> None:
    template = library.get("hr-recruiting")
    assert template is not None
    assert template.title("fr") == template.title_fr
    assert template.title("en") == template.title_en
    assert template.title("de") == template.title_en
    assert template.title("") == template.title_en
    assert template.title("fr-ca") == template.title_fr
    assert template.description("fr") == template.description_fr
    assert template.description("en") == template.description_en
    kr = template.key_results[0]
    assert kr.title("fr") == kr.title_fr and kr.title("en-gb") == kr.title_en
    assert (kr.unit("fr"), kr.unit("en")) == ("jours", "days")


def test_templates_are_immutable() -> None:
    template = TEMPLATES[0]
    with pytest.raises(AttributeError):
        template.key = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        template.key_results[0].target = Decimal(0)  # type: ignore[misc]


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError):
        KRTemplate("a", "b", "sideways", Decimal(0), Decimal(1))


def test_get() -> None:
    for template in TEMPLATES:
        assert library.get(template.key) is template
    assert library.get("no-such-template") is None
    assert library.get("") is None


@pytest.mark.parametrize("language", ["en", "fr"])
def test_by_function_follows_functions_order(language: str) -> None:
    groups = library.by_function(language)
    index = 1 if language == "fr" else 0
    assert [name for name, _ in groups] == [names[index] for names in FUNCTIONS.values()]
    flattened = [template for _, templates in groups for template in templates]
    assert sorted(t.key for t in flattened) == sorted(t.key for t in TEMPLATES)
    for (name, templates), function in zip(groups, FUNCTIONS, strict=True):
        assert name == FUNCTIONS[function][index]
        assert templates and all(t.function == function for t in templates)


def test_by_function_uses_localised_names() -> None:
    names_fr = [name for name, _ in library.by_function("fr")]
    names_en = [name for name, _ in library.by_function("en")]
    assert "Ventes" in names_fr and "Sales" in names_en
    assert "Ressources humaines" in names_fr
    assert names_en == [name for name, _ in library.by_function("xx")]


def test_search_recrutement_in_french_finds_the_hr_templates() -> None:
    found = library.search("recrutement", "fr")
    keys = {template.key for template in found}
    assert {"hr-recruiting", "hr-employer-brand"} <= keys
    assert all(template.function == "hr" for template in found)


def test_search_is_case_insensitive() -> None:
    lower = library.search("recrutement", "fr")
    assert library.search("Recrutement", "fr") == lower
    assert library.search("RECRUTEMENT", "fr") == lower


def _french_text(template: ObjectiveTemplate) -> str:
    krs = " ".join(kr.title_fr for kr in template.key_results)
    return f"{template.title_fr} {template.description_fr} {krs}"


def test_search_is_accent_insensitive() -> None:
    plain = library.search("equipe", "fr")
    with_accent = [t for t in TEMPLATES if "équipe" in _french_text(t).lower()]
    assert with_accent
    assert plain == with_accent
    assert library.search("équipe", "fr") == plain
    assert library.search("ÉQUIPE", "fr") == plain
    assert library.search("securite", "fr") == library.search("Sécurité", "fr") != []


def test_search_looks_in_descriptions_and_kr_titles() -> None:
    # only in a KR title
    assert library.get("customer-service-satisfaction") in library.search("CSAT", "en")
    # only in a description
    hits = library.search("loudest opinion", "en")
    assert [t.key for t in hits] == ["product-discovery"]


def test_search_uses_the_requested_language_only() -> None:
    assert library.search("recrutement", "en") == []
    assert library.get("hr-recruiting") in library.search("time-to-hire", "en")
    assert library.search("time-to-hire", "fr") == []


def test_search_matches_all_words_in_any_order() -> None:
    both = library.search("hire faster", "en")
    assert library.get("hr-recruiting") in both
    assert library.search("faster hire", "en") == both
    assert library.search("hire zzzunknownzzz", "en") == []


def test_blank_search_returns_everything_in_order() -> None:
    assert library.search("", "en") == list(TEMPLATES)
    assert library.search("   ", "fr") == list(TEMPLATES)
