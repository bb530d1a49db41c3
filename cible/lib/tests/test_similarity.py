"""Title similarity in French and in English, pair by pair."""

import pytest

from cible.lib.similarity import similar, similarity, stems

SIMILAR_PAIRS = [
    ("Increase the number of monthly active users", "Increase monthly active users"),
    ("Improve customer satisfaction", "Improve the satisfaction of our customers"),
    ("Augmenter le nombre d'utilisateurs actifs", "Augmenter les utilisateurs actifs mensuels"),
    ("Réduire le taux d'attrition des clients", "Reduire l attrition client"),
    ("Signer 20 nouveaux contrats", "Signer 30 contrats"),
]
DIFFERENT_PAIRS = [
    ("Reduce customer churn", "Launch the new website"),
    ("Delight our customers", "Reduce the number of support tickets"),
    ("Increase signups", "Increase churn"),
    ("Améliorer la satisfaction des clients", "Recruter trois développeurs"),
    ("Ouvrir un bureau à Lyon", "Réduire les délais de livraison"),
]


@pytest.mark.parametrize(("a", "b"), SIMILAR_PAIRS)
def test_close_titles_are_similar(a: str, b: str) -> None:
    assert similar(a, b)
    assert similar(b, a)


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PAIRS)
def test_unrelated_titles_are_not(a: str, b: str) -> None:
    assert not similar(a, b)


def test_accents_elisions_and_stop_words_are_folded() -> None:
    assert stems("L'équipe livre les épisodes") == stems("equipe livrer episode")
    assert similarity("Le même titre", "le meme titre") == 1.0


def test_figures_and_empty_titles() -> None:
    assert stems("Q3 2026 : 40 %") == frozenset({"q3"})
    assert similarity("", "anything") == 0.0
    assert similarity("the of and", "le la les") == 0.0
