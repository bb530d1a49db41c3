"""The OKR quality coach: rules that review a draft objective and its key results.

Pure Python with no Django import, so that the web app, the API and the CLI give the same
advice and the rules are tested as plain Python. The coach advises and never blocks:
`review()` returns a list of `Advice` (possibly empty) and never raises, whatever the
draft holds (empty titles, missing values, NaN, infinities, huge decimals).

Messages exist in English and French; any other language falls back to English.

Word matching is done on normalised text: Unicode compatibility decomposition, case
folding and accents stripped, so "Organiser", "ORGANISER" and "organisé" all match, then
split into words. Every step is a single linear pass over the text: no regular expression.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext

from cible.lib.okrmath import Kind

# --- Rule codes (stable: the UI, the API and the tests key on them) --------------------

OBJECTIVE_HAS_METRIC = "objective_has_metric"
TOO_FEW_KRS = "too_few_krs"
TOO_MANY_KRS = "too_many_krs"
KR_NOT_MEASURABLE = "kr_not_measurable"
KR_IS_ACTIVITY = "kr_is_activity"
TOO_MANY_OBJECTIVES = "too_many_objectives"
ORPHAN_NOT_BOTTOM_UP = "orphan_not_bottom_up"
TARGET_BARELY_CHANGES = "target_barely_changes"
KR_NEEDS_GUARDRAIL = "kr_needs_guardrail"

RULES = (
    OBJECTIVE_HAS_METRIC,
    TOO_FEW_KRS,
    TOO_MANY_KRS,
    KR_NOT_MEASURABLE,
    KR_IS_ACTIVITY,
    TOO_MANY_OBJECTIVES,
    ORPHAN_NOT_BOTTOM_UP,
    TARGET_BARELY_CHANGES,
    KR_NEEDS_GUARDRAIL,
)

# --- Thresholds from the method (docs: /work/shared/METHOD.md) --------------------------

MIN_KRS = 3
MAX_KRS = 5
MAX_OBJECTIVES = 5  # per team or person in a cycle; the company sets 3 to 5 as well
MIN_RELATIVE_CHANGE = Decimal("0.05")  # a target less than 5 % away from the start is timid

LEVEL_COMPANY = "company"
ALIGNED_LEVELS = frozenset({"team", "person"})
BOTTOM_UP = "bottom_up"
SUPPORTED_LANGUAGES = frozenset({"en", "fr"})
DEFAULT_LANGUAGE = "en"

# --- Word lists (written normalised: lower case, no accents) ---------------------------

# Characters that make a title quantitative on their own.
METRIC_CHARACTERS = frozenset("%€$£")

# Words and phrases that name a metric (phrases are tuples of words).
METRIC_PHRASES: tuple[tuple[str, ...], ...] = (
    ("percent",),
    ("percentage",),
    ("per", "cent"),
    ("pourcent",),
    ("pourcentage",),
    ("pour", "cent"),
    ("kpi",),
    ("kpis",),
    ("rate",),
    ("rates",),
    ("taux",),
    ("number", "of"),
    ("nombre", "de"),
    ("nombre", "d"),  # "nombre d'utilisateurs": the apostrophe splits words
    ("eur",),
    ("euro",),
    ("euros",),
    ("keur",),
    ("meur",),
    ("usd",),
)

# An objective must be bounded in time (a quarter, a year): these figures name the period,
# not a metric, and do not make the objective quantitative.
PERIOD_WORDS = frozenset({"q1", "q2", "q3", "q4", "t1", "t2", "t3", "t4", "h1", "h2", "s1", "s2"})
# A four-digit year 1900-2099 counts as a period only right after one of these words or a
# period word ("in 2026", "by 2026", "en 2026", "d'ici 2026", "fin 2026", "Q3 2026");
# "Sign 2000 customers" stays a metric.
YEAR_PREPOSITIONS = frozenset({"in", "by", "for", "during", "until", "en", "ici", "fin", "pour"})

# Verbs (and their usual title forms) that describe an activity rather than a result.
ACTIVITY_PHRASES_EN: tuple[tuple[str, ...], ...] = (
    ("organise",),
    ("organising",),
    ("organize",),
    ("organizing",),
    ("launch",),
    ("launching",),
    ("run",),
    ("running",),
    ("hold",),
    ("holding",),
    ("do",),
    ("doing",),
    ("make",),
    ("making",),
    ("create",),
    ("creating",),
    ("write",),
    ("writing",),
    ("implement",),
    ("implementing",),
    ("set", "up"),
    ("set-up",),
    ("setting", "up"),
    ("prepare",),
    ("preparing",),
    ("start",),
    ("starting",),
    ("work", "on"),
    ("working", "on"),
    ("attend",),
    ("attending",),
    ("meet",),
    ("meeting",),
    ("build",),
    ("building",),
    ("develop",),
    ("developing",),
    ("plan",),
    ("planning",),
)
ACTIVITY_PHRASES_FR: tuple[tuple[str, ...], ...] = (
    ("organiser",),
    ("organisation",),
    ("lancer",),
    ("lancement",),
    ("faire",),
    ("mettre", "en", "place"),
    ("mise", "en", "place"),
    ("creer",),
    ("creation",),
    ("rediger",),
    ("redaction",),
    ("preparer",),
    ("preparation",),
    ("demarrer",),
    ("demarrage",),
    ("travailler", "sur"),
    ("participer",),
    ("participation",),
    ("animer",),
    ("animation",),
    ("construire",),
    ("construction",),
    ("developper",),
    ("developpement",),
    ("planifier",),
    ("planification",),
    ("realiser",),
    ("realisation",),
    ("tenir",),
)
ACTIVITY_PHRASES = ACTIVITY_PHRASES_EN + ACTIVITY_PHRASES_FR

# Key results that are often bought at something else's expense, and so often have a
# guardrail (a KPI they may not damage): a volume pushed up (more sign-ups, sales,
# revenue: at the expense of quality or satisfaction), a time pushed down (faster answers,
# shorter delivery: at the expense of quality or errors). Judged by the kind, then by the
# unit or a word of the title.
VOLUME_WORDS = frozenset(
    {
        # English
        "signups",
        "sign-ups",
        "sign-up",
        "signup",
        "registrations",
        "users",
        "customers",
        "clients",
        "subscribers",
        "subscriptions",
        "leads",
        "deals",
        "sales",
        "orders",
        "revenue",
        "bookings",
        "downloads",
        "installs",
        "visits",
        "visitors",
        "tickets",
        "calls",
        "meetings",
        "demos",
        "trials",
        "conversions",
        "arr",
        "mrr",
        "volume",
        # French
        "inscriptions",
        "inscrits",
        "utilisateurs",
        "abonnes",
        "abonnements",
        "prospects",
        "contrats",
        "ventes",
        "commandes",
        "chiffre",
        "ca",
        "telechargements",
        "visiteurs",
        "appels",
        "rendez-vous",
        "essais",
    }
)
VOLUME_UNITS = frozenset(
    {"€", "$", "£", "eur", "k€", "m€", "keur", "meur", "usd", "k$", "clients", "users"}
    | {"utilisateurs", "ventes", "leads", "commandes", "orders", "deals", "inscriptions"}
)
SPEED_WORDS = frozenset(
    {
        # English
        "time",
        "times",
        "delay",
        "delays",
        "duration",
        "latency",
        "lead-time",
        "turnaround",
        "cycle",
        "wait",
        "waiting",
        # French
        "temps",
        "delai",
        "delais",
        "duree",
        "latence",
        "attente",
    }
)
SPEED_UNITS = frozenset(
    {"s", "sec", "ms", "min", "mn", "h", "hrs", "hours", "heures", "d", "days", "j", "jours"}
    | {"weeks", "semaines", "minutes", "seconds", "secondes"}
)

# Words that may come before the verb ("We will organise...", "Nous allons lancer..."):
# they are skipped so that the first verb of the title is checked.
LEADING_FILLERS = frozenset(
    {
        # English
        "to",
        "we",
        "i",
        "will",
        "shall",
        "must",
        "should",
        "let",
        "lets",
        "us",
        "also",
        "and",
        # French
        "nous",
        "on",
        "je",
        "allons",
        "vais",
        "va",
        "devons",
        "doit",
        "il",
        "faut",
        "aussi",
        "et",
    }
)

# --- Messages ---------------------------------------------------------------------------

NBSP = "\u00a0"  # French typography: before ":", ";", "%" and inside « »

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        OBJECTIVE_HAS_METRIC: (
            "This objective contains a figure or a metric. Keep the objective qualitative, "
            "the direction you want to take, and move the numbers into its key results."
        ),
        TOO_FEW_KRS: (
            "Aim for 3 to 5 key results (this objective has {count}), so that progress is "
            "measured from several angles."
        ),
        TOO_MANY_KRS: (
            "Keep to 5 key results at most (this objective has {count}): beyond that, focus "
            "gets diluted. Move the others to another objective or drop them."
        ),
        KR_NOT_MEASURABLE + ":start": (
            "Key result {number}: give a start value, the baseline progress is measured from."
        ),
        KR_NOT_MEASURABLE + ":target": (
            "Key result {number}: give a target, the value that means success."
        ),
        KR_NOT_MEASURABLE + ":same": (
            "Key result {number}: the target equals the start value, so there is nothing to "
            "measure. Set the value you aim to reach."
        ),
        KR_NOT_MEASURABLE + ":target_max": "Key result {number}: a range needs an upper bound.",
        KR_IS_ACTIVITY: (
            "Key result {number} describes an activity, not a result. Say what will be "
            "measurably different once the work is done (for example 'from X to Y')."
        ),
        TOO_MANY_OBJECTIVES + ":company": (
            "{count} company objectives in this cycle: the method advises 3 to 5, so that "
            "everyone knows what matters most."
        ),
        TOO_MANY_OBJECTIVES: (
            "{count} objectives for the same owner in this cycle: keep to 5 at most to stay "
            "focused."
        ),
        ORPHAN_NOT_BOTTOM_UP: (
            "This objective is not aligned to any objective of the level above. Link it to "
            "the objective it contributes to, or mark it as bottom-up if it comes from the "
            "team."
        ),
        TARGET_BARELY_CHANGES: (
            "Key result {number}: the target is less than 5 % away from the start value. A "
            "good key result is ambitious: one you expect to reach at 60-70 %."
        ),
        KR_NEEDS_GUARDRAIL + ":volume": (
            "Key result {number} pushes a volume up: name a KPI it may not be reached at the "
            "expense of (quality, satisfaction, churn) as its guardrail."
        ),
        KR_NEEDS_GUARDRAIL + ":speed": (
            "Key result {number} pushes a time down: name a KPI it may not be reached at the "
            "expense of (quality, errors, satisfaction) as its guardrail."
        ),
    },
    "fr": {
        OBJECTIVE_HAS_METRIC: (
            "Cet objectif contient un chiffre ou un indicateur. Gardez l'objectif "
            "qualitatif, la direction que vous voulez prendre, et placez les chiffres dans "
            "ses résultats clés."
        ),
        TOO_FEW_KRS: (
            "Visez 3 à 5 résultats clés (cet objectif en a {count}), pour mesurer le progrès "
            "sous plusieurs angles."
        ),
        TOO_MANY_KRS: (
            f"Tenez-vous-en à 5 résultats clés au plus (cet objectif en a {{count}}){NBSP}: "
            f"au-delà, l'attention se disperse. Déplacez les autres vers un autre objectif "
            f"ou abandonnez-les."
        ),
        KR_NOT_MEASURABLE + ":start": (
            f"Résultat clé {{number}}{NBSP}: indiquez une valeur de départ, la référence à "
            f"partir de laquelle le progrès se mesure."
        ),
        KR_NOT_MEASURABLE + ":target": (
            f"Résultat clé {{number}}{NBSP}: indiquez une cible, la valeur qui signifie la "
            f"réussite."
        ),
        KR_NOT_MEASURABLE + ":same": (
            f"Résultat clé {{number}}{NBSP}: la cible est égale à la valeur de départ, il n'y "
            f"a donc rien à mesurer. Indiquez la valeur que vous visez."
        ),
        KR_NOT_MEASURABLE + ":target_max": (
            f"Résultat clé {{number}}{NBSP}: une fourchette a besoin d'une borne haute."
        ),
        KR_IS_ACTIVITY: (
            f"Le résultat clé {{number}} décrit une activité, pas un résultat. Dites ce qui "
            f"aura changé de façon mesurable une fois le travail fait (par exemple "
            f"«{NBSP}de X à Y{NBSP}»)."
        ),
        TOO_MANY_OBJECTIVES + ":company": (
            f"{{count}} objectifs d'entreprise sur ce cycle{NBSP}: la méthode en conseille "
            f"3 à 5, pour que chacun sache ce qui compte le plus."
        ),
        TOO_MANY_OBJECTIVES: (
            f"{{count}} objectifs pour le même propriétaire sur ce cycle{NBSP}: tenez-vous-en "
            f"à 5 au plus pour rester concentré."
        ),
        ORPHAN_NOT_BOTTOM_UP: (
            "Cet objectif n'est aligné sur aucun objectif du niveau supérieur. Reliez-le à "
            "l'objectif auquel il contribue, ou marquez-le comme ascendant s'il vient de "
            "l'équipe."
        ),
        TARGET_BARELY_CHANGES: (
            f"Résultat clé {{number}}{NBSP}: la cible est à moins de 5{NBSP}% de la valeur "
            f"de départ. Un bon résultat clé est ambitieux{NBSP}: on s'attend à l'atteindre "
            f"à 60-70{NBSP}%."
        ),
        KR_NEEDS_GUARDRAIL + ":volume": (
            f"Le résultat clé {{number}} pousse un volume à la hausse{NBSP}: nommez comme "
            f"garde-fou un KPI aux dépens duquel il ne doit pas être atteint (qualité, "
            f"satisfaction, attrition)."
        ),
        KR_NEEDS_GUARDRAIL + ":speed": (
            f"Le résultat clé {{number}} pousse un temps à la baisse{NBSP}: nommez comme "
            f"garde-fou un KPI aux dépens duquel il ne doit pas être atteint (qualité, "
            f"erreurs, satisfaction)."
        ),
    },
}


# --- API --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KRDraft:
    """A key result as typed in a form: `kind` is a `Kind` value, values may be missing."""

    title: str
    kind: str
    start: Decimal | None
    target: Decimal | None
    target_max: Decimal | None = None
    unit: str = ""
    # How many guardrails it names; None when not known (the guardrail rule is skipped).
    guardrails: int | None = None


@dataclass(frozen=True)
class ObjectiveDraft:
    """An objective as typed in a form, with the context the rules need."""

    title: str
    level: str  # "company" | "team" | "person"
    key_results: Sequence[KRDraft] = ()
    has_parent: bool = False
    origin: str = "top_down"  # or "bottom_up"
    siblings_in_cycle: int = 0  # how many OTHER objectives the same team/person owns here


@dataclass(frozen=True)
class Advice:
    """One piece of advice. `field` names the form field concerned ("title", "parents",
    "start", "target", "target_max") or is None for the objective as a whole;
    `key_result` is the index of the KR concerned in `ObjectiveDraft.key_results`."""

    rule: str
    message: str
    field: str | None = None
    key_result: int | None = None


def review(draft: ObjectiveDraft, language: str = "en") -> list[Advice]:
    """All the advice for a draft, objective-level rules first, then each KR in order."""
    messages = MESSAGES[_language(language)]
    advice: list[Advice] = []

    if _has_metric(_text(draft.title)):
        advice.append(Advice(OBJECTIVE_HAS_METRIC, messages[OBJECTIVE_HAS_METRIC], "title"))

    level = _text(draft.level)
    if level in ALIGNED_LEVELS and not draft.has_parent and _text(draft.origin) != BOTTOM_UP:
        advice.append(Advice(ORPHAN_NOT_BOTTOM_UP, messages[ORPHAN_NOT_BOTTOM_UP], "parents"))

    objectives = _count(draft.siblings_in_cycle) + 1
    if objectives > MAX_OBJECTIVES:
        key = TOO_MANY_OBJECTIVES + (":company" if level == LEVEL_COMPANY else "")
        advice.append(Advice(TOO_MANY_OBJECTIVES, messages[key].format(count=objectives)))

    key_results = list(draft.key_results or ())
    if len(key_results) < MIN_KRS:
        advice.append(Advice(TOO_FEW_KRS, messages[TOO_FEW_KRS].format(count=len(key_results))))
    elif len(key_results) > MAX_KRS:
        advice.append(Advice(TOO_MANY_KRS, messages[TOO_MANY_KRS].format(count=len(key_results))))

    for index, kr in enumerate(key_results):
        advice.extend(_review_kr(index, kr, messages))
    return advice


# --- Key result rules -------------------------------------------------------------------


def review_key_result(index: int, kr: KRDraft, language: str = "en") -> list[Advice]:
    """The advice on one key result, `index` its place among its objective's."""
    return _review_kr(index, kr, MESSAGES[_language(language)])


def _review_kr(index: int, kr: KRDraft, messages: dict[str, str]) -> list[Advice]:
    number = index + 1
    advice: list[Advice] = []
    kind = _kind(kr.kind)
    start, target = _decimal(kr.start), _decimal(kr.target)

    if kind is not Kind.MILESTONE:
        missing = _not_measurable(kind, start, target, _decimal(kr.target_max))
        if missing is not None:
            key, field = missing
            advice.append(
                Advice(
                    KR_NOT_MEASURABLE,
                    messages[KR_NOT_MEASURABLE + ":" + key].format(number=number),
                    field,
                    index,
                )
            )

    # Decision: the activity rule applies to every kind, milestones included. A milestone
    # is binary by design, but one titled "Launch the new app" is exactly the activity trap
    # (it says what we will do, not what will change); one with a figure in its title
    # ("Launch 3 major features", "Sign 10 partners") states a measurable result and is
    # exempt, as is any KR whose title carries a figure.
    if _is_activity(_text(kr.title)):
        advice.append(
            Advice(KR_IS_ACTIVITY, messages[KR_IS_ACTIVITY].format(number=number), "title", index)
        )

    if (
        kind in (Kind.INCREASE, Kind.DECREASE)
        and start is not None
        and target is not None
        and start != target
        and _barely_changes(start, target)
    ):
        advice.append(
            Advice(
                TARGET_BARELY_CHANGES,
                messages[TARGET_BARELY_CHANGES].format(number=number),
                "target",
                index,
            )
        )

    guarded = kr.guardrails
    needs = _guardrail_kind(kind, _text(kr.title), _text(kr.unit))
    if needs is not None and isinstance(guarded, int) and guarded == 0:
        message = messages[KR_NEEDS_GUARDRAIL + ":" + needs].format(number=number)
        advice.append(Advice(KR_NEEDS_GUARDRAIL, message, "guardrails", index))
    return advice


def _guardrail_kind(kind: Kind | None, title: str, unit: str) -> str | None:
    """ "volume" for an increase of a count or an amount, "speed" for a decrease of a time or
    a duration (by its unit, else a word of its title); None for any other key result."""
    words = set(_words(title, joiners="-"))
    unit = unit.strip()
    if kind is Kind.INCREASE and (unit in VOLUME_UNITS or words & VOLUME_WORDS):
        return "volume"
    if kind is Kind.DECREASE and (unit in SPEED_UNITS or words & SPEED_WORDS):
        return "speed"
    return None


def _not_measurable(
    kind: Kind | None,
    start: Decimal | None,
    target: Decimal | None,
    target_max: Decimal | None,
) -> tuple[str, str] | None:
    """(message key, field) of what makes a non-milestone KR unmeasurable, if anything."""
    if start is None:
        return "start", "start"
    if target is None:
        return "target", "target"
    if kind in (Kind.INCREASE, Kind.DECREASE) and start == target:
        return "same", "target"
    if kind is Kind.STAY_BETWEEN and target_max is None:
        return "target_max", "target_max"
    return None


# Arithmetic on arbitrary user decimals: no trap, no overflow error (it yields infinity).
_SAFE = Context(prec=50, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[])


def _barely_changes(start: Decimal, target: Decimal) -> bool:
    """|target - start| / |start| < 5 %, computed without division; False when start is 0
    (no relative change can be measured from zero)."""
    with localcontext(_SAFE):
        if start.is_zero():
            return False
        change = abs(target - start)
        return bool(change < abs(start) * MIN_RELATIVE_CHANGE)


# --- Text helpers -----------------------------------------------------------------------


def _language(language: object) -> str:
    """The messages' language: "fr", "FR", "fr-CA", "fr_FR" -> "fr"; any other -> "en"."""
    if not isinstance(language, str):
        return DEFAULT_LANGUAGE
    primary = language.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def _text(value: object) -> str:
    """Lower case, accents stripped: "Organisé" -> "organise". Never raises."""
    if not isinstance(value, str):
        return ""
    decomposed = unicodedata.normalize("NFKD", value).casefold()
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str, joiners: str = "") -> list[str]:
    """Runs of letters and digits; characters in `joiners` (e.g. "-") stay inside a word
    ("first-rate") but not at its ends."""
    spaced = "".join(ch if ch.isalnum() or ch in joiners else " " for ch in text)
    words = (word.strip(joiners) for word in spaced.split())
    return [word for word in words if word]


def _contains(words: Sequence[str], phrase: Sequence[str]) -> bool:
    size = len(phrase)
    return any(tuple(words[i : i + size]) == tuple(phrase) for i in range(len(words) - size + 1))


def _starts_with(words: Sequence[str], phrase: Sequence[str]) -> bool:
    return tuple(words[: len(phrase)]) == tuple(phrase)


def _is_period(word: str, previous: str | None) -> bool:
    if word in PERIOD_WORDS:
        return True
    return (
        len(word) == 4
        and word.isdigit()
        and word[:2] in ("19", "20")
        and (previous in YEAR_PREPOSITIONS or previous in PERIOD_WORDS)
    )


def _has_figure(text: str, allow_periods: bool = False) -> bool:
    """Does the text hold a digit? With `allow_periods`, quarters and years after a time
    preposition ("Q3", "in 2026") do not count."""
    if not allow_periods:
        return any(ch.isdigit() for ch in text)
    previous: str | None = None
    for word in _words(text):
        if any(ch.isdigit() for ch in word) and not _is_period(word, previous):
            return True
        previous = word
    return False


def _has_metric(text: str) -> bool:
    """Figures, %, currency or metric words in an (already normalised) objective title."""
    if any(ch in METRIC_CHARACTERS for ch in text):
        return True
    if _has_figure(text, allow_periods=True):
        return True
    words = _words(text, joiners="-")
    return any(_contains(words, phrase) for phrase in METRIC_PHRASES)


def _is_activity(text: str) -> bool:
    """A KR title whose first verb is an activity verb and that holds no figure."""
    if _has_figure(text):
        return False
    words = _words(text, joiners="-")
    first = 0
    while first < len(words) and words[first] in LEADING_FILLERS:
        first += 1
    rest = words[first:]
    return any(_starts_with(rest, phrase) for phrase in ACTIVITY_PHRASES)


# --- Value helpers ----------------------------------------------------------------------


def _kind(value: object) -> Kind | None:
    """The KR kind, or None when unknown (an unknown kind is treated as a numeric KR)."""
    try:
        return Kind(_text(value).strip())
    except ValueError:
        return None


def _decimal(value: object) -> Decimal | None:
    """A finite Decimal, or None: missing, NaN and infinite values cannot be measured."""
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except (ArithmeticError, ValueError, TypeError):
            return None
    return value if value.is_finite() else None


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return max(0, value)
