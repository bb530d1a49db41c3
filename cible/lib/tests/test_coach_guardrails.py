"""The coach suggests a guardrail for a key result whose kind often has one: a volume
pushed up (a count or an amount), a time pushed down; judged by its kind, then its unit or
a word of its title, in English and French."""

from decimal import Decimal

import pytest

from cible.lib.coach import KR_NEEDS_GUARDRAIL, KRDraft, review_key_result

D = Decimal


def advised(kr: KRDraft, language: str = "en") -> list[str]:
    return [a.message for a in review_key_result(2, kr, language) if a.rule == KR_NEEDS_GUARDRAIL]


@pytest.mark.parametrize(
    ("title", "kind", "unit"),
    [
        ("Double the sign-ups", "increase", ""),
        ("Grow revenue", "increase", ""),
        ("Grow the business", "increase", "k€"),
        ("Doubler les inscriptions", "increase", ""),
        ("Augmenter le chiffre d'affaires", "increase", ""),
        ("Answer faster", "decrease", "h"),
        ("Cut the delivery time", "decrease", ""),
        ("Réduire le délai de livraison", "decrease", ""),
        ("Raccourcir l'attente", "decrease", "jours"),
    ],
)
def test_a_volume_or_speed_target_without_guardrail_is_advised_one(
    title: str, kind: str, unit: str
) -> None:
    kr = KRDraft(title, kind, D(10), D(1) if kind == "decrease" else D(20), unit=unit, guardrails=0)
    [message] = advised(kr)
    assert message.startswith("Key result 3 pushes a")
    [french] = advised(kr, "fr")
    assert french.startswith("Le résultat clé 3 pousse un")


@pytest.mark.parametrize(
    ("title", "kind", "unit", "guardrails"),
    [
        ("Double the sign-ups", "increase", "", 1),  # it has one
        ("Double the sign-ups", "increase", "", None),  # not known: no advice
        ("Raise the NPS", "increase", "points", 0),  # not a volume
        ("Cut churn", "decrease", "%", 0),  # not a time
        ("Grow revenue", "decrease", "", 0),  # a volume going down is not pushed
        ("Answer faster", "increase", "h", 0),  # a time going up is not a speed target
        ("Keep revenue", "stay_above", "€", 0),
        ("Launch the shop", "milestone", "", 0),
    ],
)
def test_other_key_results_are_not_advised_one(
    title: str, kind: str, unit: str, guardrails: int | None
) -> None:
    kr = KRDraft(title, kind, D(1), D(2), unit=unit, guardrails=guardrails)
    assert advised(kr) == []
