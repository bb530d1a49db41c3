"""Property and table tests of the OKR math (cible.lib.okrmath), a pure module."""

import ast
import inspect
import subprocess
import sys
import types
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cible.lib import okrmath
from cible.lib.okrmath import (
    Band,
    Kind,
    KRInput,
    MathError,
    Status,
    Thresholds,
    band,
    creates_cycle,
    expected_progress,
    progress,
    proposed_score,
    raw_progress,
    rollup,
    status,
    weighted_mean,
)

ZERO, ONE = Decimal(0), Decimal(1)
TINY = Decimal("1e-20")

values = st.decimals(
    min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False
)
unit_values = st.decimals(min_value=0, max_value=1, places=3, allow_nan=False, allow_infinity=False)
weights = st.decimals(
    min_value=Decimal("0.01"), max_value=1000, places=2, allow_nan=False, allow_infinity=False
)
confidences = st.none() | st.integers(min_value=0, max_value=10)
all_kinds = st.sampled_from(list(Kind))

fast = settings(max_examples=200, deadline=None, database=None)


@st.composite
def distinct_pair(draw: st.DrawFn) -> tuple[Decimal, Decimal]:
    """Two different values, lowest first."""
    a, b = draw(values), draw(values)
    assume(a != b)
    return min(a, b), max(a, b)


@st.composite
def ordered_pair(draw: st.DrawFn) -> tuple[Decimal, Decimal]:
    """Two values, lowest first, possibly equal."""
    a, b = draw(values), draw(values)
    return min(a, b), max(a, b)


@st.composite
def valid_kr(draw: st.DrawFn) -> tuple[Kind, Decimal, Decimal, Decimal | None]:
    """(kind, start, target, target_max) that the math accepts."""
    kind = draw(all_kinds)
    start, target, target_max = draw(values), draw(values), None
    if kind is Kind.INCREASE:
        start, target = draw(distinct_pair())
    elif kind is Kind.DECREASE:
        target, start = draw(distinct_pair())
    elif kind is Kind.STAY_BETWEEN:
        target, target_max = draw(ordered_pair())
    return kind, start, target, target_max


def rank(value: Status) -> int:
    return [Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK].index(value)


# --- Progress of one KR ----------------------------------------------------------------


@fast
@given(valid_kr(), values)
def test_progress_always_within_0_and_1(kr, current):
    kind, start, target, target_max = kr
    value = progress(kind, start, target, current, target_max)
    assert ZERO <= value <= ONE


@fast
@given(valid_kr(), values)
def test_progress_is_raw_progress_clamped(kr, current):
    kind, start, target, target_max = kr
    raw = raw_progress(kind, start, target, current, target_max)
    assert progress(kind, start, target, current, target_max) == max(ZERO, min(ONE, raw))


@fast
@given(distinct_pair(), values, values)
def test_increase_is_monotone_in_current(bounds, current_a, current_b):
    start, target = bounds
    low, high = sorted((current_a, current_b))
    assert progress(Kind.INCREASE, start, target, low) <= progress(
        Kind.INCREASE, start, target, high
    )
    assert raw_progress(Kind.INCREASE, start, target, low) <= raw_progress(
        Kind.INCREASE, start, target, high
    )


@fast
@given(values, values, values)
def test_decrease_mirrors_increase(start, target, current):
    try:
        increase = progress(Kind.INCREASE, -start, -target, -current)
    except MathError as error:
        with pytest.raises(MathError) as mirrored:
            progress(Kind.DECREASE, start, target, current)
        assert mirrored.value.field == error.field == "target"
        return
    assert progress(Kind.DECREASE, start, target, current) == increase
    assert raw_progress(Kind.DECREASE, start, target, current) == raw_progress(
        Kind.INCREASE, -start, -target, -current
    )


@fast
@given(distinct_pair())
def test_progress_is_0_at_start_and_1_at_target(bounds):
    low, high = bounds
    assert progress(Kind.INCREASE, low, high, low) == ZERO
    assert progress(Kind.INCREASE, low, high, high) == ONE
    assert progress(Kind.DECREASE, high, low, high) == ZERO
    assert progress(Kind.DECREASE, high, low, low) == ONE


@fast
@given(values, values, values)
def test_stay_above(target, current, further):
    value = progress(Kind.STAY_ABOVE, ZERO, target, current)
    if current >= target:
        assert value == ONE
    else:
        assert value < ONE
        # Further below the floor is no better.
        farther = min(current, further)
        assert progress(Kind.STAY_ABOVE, ZERO, target, farther) <= value


@fast
@given(values, values, values)
def test_stay_below(target, current, further):
    value = progress(Kind.STAY_BELOW, ZERO, target, current)
    if current <= target:
        assert value == ONE
    else:
        assert value < ONE
        farther = max(current, further)
        assert progress(Kind.STAY_BELOW, ZERO, target, farther) <= value


@fast
@given(ordered_pair(), values, values)
def test_stay_between(bounds, current, further):
    low, high = bounds
    value = progress(Kind.STAY_BETWEEN, ZERO, low, current, high)
    if low <= current <= high:
        assert value == ONE
    elif current < low:
        assert value < ONE
        farther = min(current, further)
        assert progress(Kind.STAY_BETWEEN, ZERO, low, farther, high) <= value
    else:
        assert value < ONE
        farther = max(current, further)
        assert progress(Kind.STAY_BETWEEN, ZERO, low, farther, high) <= value


@fast
@given(values, values, values)
def test_milestone_is_done_or_not(start, target, current):
    assert progress(Kind.MILESTONE, start, target, current) == (ONE if current >= 1 else ZERO)


@fast
@given(values, values)
def test_start_equal_to_target_is_an_error_naming_target(value, current):
    for kind in (Kind.INCREASE, Kind.DECREASE):
        with pytest.raises(MathError) as error:
            raw_progress(kind, value, value, current)
        assert error.value.field == "target"


@fast
@given(distinct_pair(), values)
def test_target_on_the_wrong_side_is_an_error_naming_target(bounds, current):
    low, high = bounds
    with pytest.raises(MathError) as error:
        raw_progress(Kind.INCREASE, high, low, current)
    assert error.value.field == "target"
    with pytest.raises(MathError) as error:
        raw_progress(Kind.DECREASE, low, high, current)
    assert error.value.field == "target"


# --- The method's examples ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "start", "target", "current", "expected"),
    [
        # Time to hire from 60 to 35 days, now 45 days.
        ("decrease", "60", "35", "45", "0.600"),
        # First-response time from 4 h to 1 h, now 2 h.
        ("decrease", "4", "1", "2", "0.667"),
        # First-contact resolution from 65 % to 85 %, now 75 %.
        ("increase", "65", "85", "75", "0.500"),
        ("increase", "0", "10", "0", "0.000"),
        ("increase", "0", "10", "10", "1.000"),
    ],
)
def test_method_examples(kind, start, target, current, expected):
    value = progress(kind, Decimal(start), Decimal(target), Decimal(current))
    assert value.quantize(Decimal("0.001")) == Decimal(expected)


def test_over_achievement_is_kept_raw_and_clamped_for_rollup():
    assert raw_progress("increase", ZERO, Decimal(100), Decimal(120)) == Decimal("1.2")
    assert progress("increase", ZERO, Decimal(100), Decimal(120)) == ONE
    assert raw_progress("decrease", Decimal(60), Decimal(35), Decimal(30)) == Decimal("1.2")
    assert progress("decrease", Decimal(60), Decimal(35), Decimal(30)) == ONE


def test_regress_below_the_start_is_kept_raw_and_clamped_for_rollup():
    assert raw_progress("increase", ZERO, Decimal(100), Decimal(-10)) == Decimal("-0.1")
    assert progress("increase", ZERO, Decimal(100), Decimal(-10)) == ZERO


@pytest.mark.parametrize("kind", ["increase", "decrease"])
def test_start_equal_to_target_names_target(kind):
    with pytest.raises(MathError) as error:
        raw_progress(kind, Decimal(5), Decimal(5), Decimal(5))
    assert error.value.field == "target"
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize("target_max", [None, Decimal(9)])
def test_missing_or_inverted_range_names_target_max(target_max):
    with pytest.raises(MathError) as error:
        raw_progress("stay_between", ZERO, Decimal(10), Decimal(10), target_max)
    assert error.value.field == "target_max"


def test_stay_between_a_single_point_is_allowed():
    assert progress("stay_between", ZERO, Decimal(5), Decimal(5), Decimal(5)) == ONE


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        progress("sideways", ZERO, ONE, ONE)


# --- Weighted mean and roll-up -------------------------------------------------------


pairs = st.lists(st.tuples(weights, values), min_size=1, max_size=8)


@fast
@given(pairs)
def test_weighted_mean_lies_between_min_and_max(items):
    mean = weighted_mean(items)
    progress_values = [value for _, value in items]
    assert min(progress_values) <= mean <= max(progress_values)


@fast
@given(pairs, st.decimals(min_value=Decimal("0.01"), max_value=100, places=2))
def test_weighted_mean_is_invariant_under_scaling_weights(items, factor):
    scaled = [(weight * factor, value) for weight, value in items]
    assert weighted_mean(scaled) == weighted_mean(items)


def test_weighted_mean_of_nothing_is_zero():
    assert weighted_mean([]) == ZERO


@pytest.mark.parametrize("weight", [Decimal(0), Decimal("-1")])
def test_weighted_mean_refuses_non_positive_weights(weight):
    with pytest.raises(MathError) as error:
        weighted_mean([(ONE, ONE), (weight, ZERO)])
    assert error.value.field == "weight"


def test_weighted_mean_example():
    assert weighted_mean([(Decimal(1), Decimal("0.5")), (Decimal(3), ONE)]) == Decimal("0.875")


kr_inputs = st.lists(st.builds(KRInput, weight=weights, progress=unit_values), max_size=6)


@fast
@given(kr_inputs, weights, st.integers(min_value=1, max_value=5))
def test_rollup_through_driven_krs_equals_the_childs_progress(leaf_krs, weight, depth):
    # A chain: objective 0 <- driven by 1 <- ... <- driven by `depth`, which has real KRs.
    objectives: dict[int, list[KRInput]] = {depth: leaf_krs}
    for level in range(depth):
        objectives[level] = [KRInput(weight=weight, driven_by=level + 1)]
    result = rollup(objectives)
    assert set(result) == set(objectives)
    for level in range(depth):
        # Equal up to the last of Decimal's 28 significant digits: w * p / w rounds twice.
        assert abs(result[level] - result[depth]) <= TINY
    assert result[depth] == weighted_mean((kr.weight, kr.progress) for kr in leaf_krs)


@fast
@given(kr_inputs, weights, unit_values, weights)
def test_rollup_mixes_a_driven_kr_with_own_krs(child_krs, driven_weight, own, own_weight):
    result = rollup(
        {
            "parent": [
                KRInput(weight=driven_weight, driven_by="child"),
                KRInput(weight=own_weight, progress=own),
            ],
            "child": child_krs,
        }
    )
    assert result["parent"] == weighted_mean([(driven_weight, result["child"]), (own_weight, own)])


@fast
@given(st.lists(st.builds(KRInput, weight=weights, progress=values), min_size=1, max_size=6))
def test_rollup_clamps_kr_progress(krs):
    assert ZERO <= rollup({"o": krs})["o"] <= ONE


def test_rollup_counts_a_missing_driver_as_zero():
    result = rollup({"o": [KRInput(ONE, driven_by="gone"), KRInput(ONE, progress=ONE)]})
    assert result["o"] == Decimal("0.5")


@fast
@given(st.integers(min_value=1, max_value=6), st.data())
def test_rollup_detects_loops(size, data):
    # A ring 0 -> 1 -> ... -> size-1 -> 0, optionally fed from outside.
    objectives: dict[int, list[KRInput]] = {
        node: [KRInput(weight=ONE, driven_by=(node + 1) % size)] for node in range(size)
    }
    entry = data.draw(st.integers(min_value=0, max_value=size - 1))
    objectives[100] = [KRInput(weight=ONE, driven_by=entry)]
    with pytest.raises(MathError) as error:
        rollup(objectives)
    assert error.value.field == "driven_by"


def test_rollup_allows_a_diamond():
    result = rollup(
        {
            "top": [KRInput(ONE, driven_by="left"), KRInput(ONE, driven_by="right")],
            "left": [KRInput(ONE, driven_by="bottom")],
            "right": [KRInput(ONE, driven_by="bottom")],
            "bottom": [KRInput(ONE, progress=Decimal("0.4"))],
        }
    )
    assert result == {k: Decimal("0.4") for k in ("top", "left", "right", "bottom")}


# --- Pace and status -----------------------------------------------------------------


spans = st.tuples(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=1, max_value=1000),
)
offsets = st.integers(min_value=-500, max_value=1500)


@fast
@given(spans, offsets, offsets)
def test_expected_progress_within_0_1_and_monotone_in_date(span, offset_a, offset_b):
    start, days = span
    end = start + timedelta(days=days)
    early, late = sorted((offset_a, offset_b))
    at_early = expected_progress(start, end, start + timedelta(days=early))
    at_late = expected_progress(start, end, start + timedelta(days=late))
    assert ZERO <= at_early <= at_late <= ONE


@fast
@given(spans)
def test_expected_progress_is_0_at_start_and_1_at_end(span):
    start, days = span
    end = start + timedelta(days=days)
    assert expected_progress(start, end, start) == ZERO
    assert expected_progress(start, end, end) == ONE


def test_expected_progress_halfway():
    assert expected_progress(date(2027, 1, 1), date(2027, 1, 11), date(2027, 1, 6)) == Decimal(
        "0.5"
    )


@pytest.mark.parametrize("days", [0, -1])
def test_expected_progress_refuses_an_empty_span(days):
    start = date(2027, 1, 1)
    with pytest.raises(MathError) as error:
        expected_progress(start, start + timedelta(days=days), start)
    assert error.value.field == "end"


@st.composite
def thresholds(draw: st.DrawFn) -> Thresholds:
    gaps = sorted(draw(st.lists(unit_values, min_size=2, max_size=2)))
    levels = sorted(draw(st.lists(st.integers(0, 10), min_size=2, max_size=2)))
    return Thresholds(
        at_risk_gap=gaps[0],
        off_track_gap=gaps[1],
        at_risk_confidence=levels[1],
        off_track_confidence=levels[0],
    )


progress_values = st.decimals(min_value=Decimal("-0.5"), max_value=Decimal("1.5"), places=3)


@fast
@given(
    progress_values, progress_values, unit_values, confidences, st.just(Thresholds()) | thresholds()
)
def test_status_gets_no_better_as_progress_drops(p_a, p_b, expected, confidence, limits):
    low, high = sorted((p_a, p_b))
    assert rank(status(low, expected, confidence, limits)) >= rank(
        status(high, expected, confidence, limits)
    )


@fast
@given(
    progress_values,
    unit_values,
    st.integers(0, 10),
    st.integers(0, 10),
    st.just(Thresholds()) | thresholds(),
)
def test_status_gets_no_better_as_confidence_drops(value, expected, c_a, c_b, limits):
    low, high = sorted((c_a, c_b))
    assert rank(status(value, expected, low, limits)) >= rank(status(value, expected, high, limits))
    # No confidence given is no worse than any confidence.
    assert rank(status(value, expected, low, limits)) >= rank(status(value, expected, None, limits))


@pytest.mark.parametrize(
    ("value", "expected", "confidence", "result"),
    [
        ("0.5", "0.5", None, Status.ON_TRACK),
        ("0.5", "0.5", 8, Status.ON_TRACK),
        ("0.5", "0.5", 5, Status.AT_RISK),
        ("0.5", "0.5", 3, Status.OFF_TRACK),
        ("0.35", "0.5", None, Status.AT_RISK),
        ("0.2", "0.5", None, Status.OFF_TRACK),
        ("1.2", "0.5", None, Status.ON_TRACK),
    ],
)
def test_status_examples(value, expected, confidence, result):
    assert status(Decimal(value), Decimal(expected), confidence) == result


# --- Scores --------------------------------------------------------------------------


@fast
@given(st.decimals(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False))
def test_proposed_score_in_0_1_with_two_decimals(value):
    score = proposed_score(value)
    assert ZERO <= score <= ONE
    assert score.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "score"),
    [("0.666", "0.67"), ("1.2", "1.00"), ("-0.3", "0.00"), ("0.5", "0.50")],
)
def test_proposed_score_examples(value, score):
    assert proposed_score(Decimal(value)) == Decimal(score)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("0", Band.LOW),
        ("0.3", Band.LOW),
        ("0.4", Band.MID),
        ("0.6", Band.MID),
        ("0.7", Band.HIGH),
        ("1.0", Band.HIGH),
    ],
)
def test_band_boundaries(score, expected):
    assert band(Decimal(score)) == expected


@fast
@given(unit_values, unit_values)
def test_band_is_monotone(a, b):
    order = [Band.LOW, Band.MID, Band.HIGH]
    low, high = sorted((a, b))
    assert order.index(band(low)) <= order.index(band(high))


# --- Alignment loops -----------------------------------------------------------------


NODES = 6
edges = st.sets(st.tuples(st.integers(0, NODES - 1), st.integers(0, NODES - 1)), max_size=12)


def closure(graph: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Transitive closure (Warshall): (a, b) when b is an ancestor of a."""
    reach = {(a, b): (a, b) in graph for a in range(NODES) for b in range(NODES)}
    for k in range(NODES):
        for i in range(NODES):
            for j in range(NODES):
                reach[i, j] = reach[i, j] or (reach[i, k] and reach[k, j])
    return {pair for pair, reached in reach.items() if reached}


@fast
@given(edges, st.integers(0, NODES - 1), st.integers(0, NODES - 1))
def test_creates_cycle_on_small_graphs(graph, child, parent):
    def parents_of(node: int) -> list[int]:
        return [b for a, b in graph if a == node]

    expected = child == parent or (parent, child) in closure(graph)
    assert creates_cycle(parents_of, child, parent) is expected


def test_creates_cycle_examples():
    graph = {"team": ["company"], "person": ["team"], "company": []}
    parents_of = graph.__getitem__
    assert creates_cycle(parents_of, "company", "person")
    assert creates_cycle(parents_of, "company", "company")
    assert not creates_cycle(parents_of, "person", "company")
    assert not creates_cycle(parents_of, "team", "company")


def test_creates_cycle_terminates_on_an_existing_loop_elsewhere():
    graph = {"a": ["b"], "b": ["a"], "c": []}
    assert not creates_cycle(graph.__getitem__, "c", "a")


# --- Purity --------------------------------------------------------------------------


def test_okrmath_imports_nothing_from_django():
    tree = ast.parse(inspect.getsource(okrmath))
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append(node.module or "")
    assert imported, "the source walk found no import at all"
    assert not [name for name in imported if name.split(".")[0] == "django"]
    for name, value in vars(okrmath).items():
        module = (
            value.__name__
            if isinstance(value, types.ModuleType)
            else getattr(value, "__module__", None)
        )
        assert not (module or "").startswith("django"), name


def test_okrmath_loads_without_django():
    code = (
        "import sys, cible.lib.okrmath;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(okrmath.__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "[]"
