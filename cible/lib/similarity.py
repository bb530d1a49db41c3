"""How close two short titles are, in French or English, with no network service.

Pure Python with no Django import. A title becomes a set of word stems: lower case,
accents folded ("équipe" and "equipe" are one word), elisions cut ("l'équipe" is
"equipe"), the stop words of both languages and the figures dropped (a target changes
from one cycle to the next), and a few plural and derivation endings stripped ("users",
"utilisateurs", "increasing" become "user", "utilisat", "increas"). The similarity of two
titles is the mean of the Jaccard index of their stem sets and that of the letter
trigrams of their stems (which forgives a stem the rules got slightly wrong): 1 for the
same words, 0 for nothing in common.
"""

import re
import unicodedata
from fractions import Fraction

__all__ = ["SIMILAR", "normalise", "similar", "similarity", "stems"]

# From this similarity on, two titles are about the same thing.
SIMILAR = 0.45

ENGLISH_STOP_WORDS = (
    "a an the and or of to in on for by with at from into our your their my its this that "
    "these those is are be been being was were will shall can we you they it as per each "
    "every all more less than up down over under new get make keep very so"
)
# Accents folded, as the words are compared.
FRENCH_STOP_WORDS = (
    "le la les l un une des du de d et ou a au aux en dans sur pour par avec sans chez "
    "notre nos votre vos leur leurs mon ma mes son sa ses ce cet cette ces qui que qu est "
    "sont etre sera seront nous vous ils elles il elle on se s plus moins tout tous toute "
    "toutes chaque tres faire nouveau nouvelle nouveaux nouvelles"
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS.split()) | frozenset(FRENCH_STOP_WORDS.split())

# Endings stripped, longest first; a stem keeps at least three letters.
SUFFIXES = (
    "issements",
    "issement",
    "ements",
    "ement",
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ies",
    "ees",
    "ers",
    "eurs",
    "euse",
    "ives",
    "ive",
    "ifs",
    "if",
    "ed",
    "er",
    "ee",
    "es",
    "s",
    "x",
    "e",
)
MIN_STEM = 3

_WORD = re.compile(r"[a-z0-9]+")
_ELISION = re.compile(r"\b[ldjmnstc]'|\bqu'")


def normalise(text: str) -> str:
    """Lower case, accents folded, elisions cut, apostrophes straightened."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _ELISION.sub(" ", text)


def _stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> frozenset[str]:
    """The stems of the words that carry meaning (no figure)."""
    words = _WORD.findall(normalise(text))
    return frozenset(
        _stem(w) for w in words if w not in STOP_WORDS and len(w) > 1 and not w.isdigit()
    )


def _trigrams(words: frozenset[str]) -> frozenset[str]:
    grams: set[str] = set()
    for word in words:
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> Fraction:
    if not a and not b:
        return Fraction(0)
    return Fraction(len(a & b), len(a | b))


def similarity(a: str, b: str) -> float:
    """From 0 (nothing in common) to 1 (the same words)."""
    sa, sb = stems(a), stems(b)
    if not sa or not sb:
        return 0.0
    return float((_jaccard(sa, sb) + _jaccard(_trigrams(sa), _trigrams(sb))) / 2)


def similar(a: str, b: str) -> bool:
    return similarity(a, b) >= SIMILAR
