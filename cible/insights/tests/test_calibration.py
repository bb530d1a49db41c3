"""Ambition calibration: score histograms, flags and trend over the closed cycles, with
the expected numbers worked out by hand from the scores below."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import strategies as st

from cible.checkins import scoring
from cible.insights import scores
from cible.insights.calibration import calibration_for, computed_calibration, draw
from cible.insights.models import CalibrationFact
from cible.insights.tasks import tally_closed_cycle
from cible.insights.views import reports
from cible.okrs.models import (
    Cycle,
    CycleState,
    KeyResult,
    Level,
    Objective,
    ObjectiveState,
    Visibility,
)
from cible.orgs.models import Membership, Team

pytestmark = pytest.mark.django_db

URL = "/o/acme/calibration/"


def closed_cycle(org, name: str, start: date) -> Cycle:  # type: ignore[no-untyped-def]
    return Cycle.objects.create(
        organization=org,
        name=name,
        kind="quarter",
        state=CycleState.CLOSED,
        start=start,
        end=start + timedelta(days=89),
    )


def scored(  # type: ignore[no-untyped-def]
    world,
    cycle: Cycle,
    team: Team | None,
    score: str,
    kr_scores: tuple[str, ...] = (),
    **fields,
) -> Objective:
    """An objective scored at close, with KRs scored at close."""
    fields.setdefault("level", Level.TEAM if team else Level.COMPANY)
    fields.setdefault("owner", world.alice)
    objective = Objective.objects.create(
        organization=cycle.organization,
        cycle=cycle,
        title=f"Objective at {score}",
        team=team,
        score=Decimal(score),
        state=fields.pop("state", ObjectiveState.CLOSED),
        **fields,
    )
    for kr_score in kr_scores:
        KeyResult.objects.create(
            objective=objective,
            title=f"KR at {kr_score}",
            owner=objective.owner,
            kind="increase",
            start=Decimal(0),
            target=Decimal(10),
            score=Decimal(kr_score),
        )
    return objective


@pytest.fixture
def history(world):  # type: ignore[no-untyped-def]
    """Two closed quarters. Product always scores >= 0.9, Sales always <= 0.3, Care lands
    on 0.65, Ops has one cycle only; a private personal objective of Bob's, and objectives
    and KRs that must not count (archived, cancelled, in an open cycle, in another org)."""
    org = world.org
    q1 = closed_cycle(org, "Q1 2025", date(2025, 1, 1))
    q2 = closed_cycle(org, "Q2 2025", date(2025, 4, 1))
    sales = Team.objects.create(organization=org, name="Sales")
    care = Team.objects.create(organization=org, name="Care")
    ops = Team.objects.create(organization=org, name="Ops")
    product = world.team

    first = scored(world, q1, product, "0.95", ("0.9", "1.0"))
    scored(world, q2, product, "0.92", ("0.92",))
    scored(world, q2, product, "0.96", ("0.96",))
    scored(world, q1, sales, "0.2", ("0.2", "0.25"))
    scored(world, q2, sales, "0.1", ("0.1",))
    scored(world, q1, care, "0.65", ("0.6", "0.7"))
    scored(world, q2, care, "0.65", ("0.65",))
    scored(world, q2, ops, "0.95")
    scored(world, q1, None, "0.5", ("0.5",))
    scored(world, q2, None, "0.7", ("0.7",))
    scored(
        world,
        q1,
        None,
        "0.05",
        ("0.0",),
        level=Level.PERSON,
        owner=world.bob,
        visibility=Visibility.PRIVATE,
    )

    # None of these count.
    scored(world, q1, care, "0.0", ("0.0",), archived_at=timezone.now())
    scored(world, q2, sales, "1.0", ("1.0",), state=ObjectiveState.CANCELLED)
    Objective.objects.filter(pk=world.team_objective.pk).update(score=Decimal("1.0"))
    KeyResult.objects.create(
        objective=first,
        title="Archived KR",
        owner=world.alice,
        target=Decimal(10),
        score=Decimal("0.0"),
        archived_at=timezone.now(),
    )
    KeyResult.objects.create(
        objective=first,
        title="Cancelled KR",
        owner=world.alice,
        target=Decimal(10),
        score=Decimal("0.0"),
        cancelled_at=timezone.now(),
    )
    globex = closed_cycle(world.other_org, "Q1 2025", date(2025, 1, 1))
    Objective.objects.create(
        organization=world.other_org,
        cycle=globex,
        title="Globex objective",
        level=Level.COMPANY,
        owner=world.oscar,
        score=Decimal("0.0"),
    )
    return {"q1": q1, "q2": q2, "product": product, "sales": sales, "care": care, "ops": ops}


def membership(world, user) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.select_related("organization").get(organization=world.org, user=user)


def counts(**bins: int) -> list[int]:
    """A histogram from its non-empty bins: counts(b6=2) has 2 scores in 0.6-0.7."""
    result = [0] * 10
    for name, count in bins.items():
        result[int(name[1:])] = count
    return result


# The pure statistics ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "index"),
    [
        ("0", 0),
        ("0.09", 0),
        ("0.1", 1),
        ("0.59", 5),
        ("0.6", 6),
        ("0.69", 6),
        ("0.7", 7),
        ("0.99", 9),
        ("1", 9),
        ("1.00", 9),
    ],
)
def test_a_score_falls_in_the_bin_of_its_first_decimal(score: str, index: int) -> None:
    assert scores.bin_index(Decimal(score)) == index


@given(st.lists(st.decimals(min_value=0, max_value=1, places=2), max_size=40))
def test_every_score_lands_in_a_bin_whose_bounds_hold_it(values: list[Decimal]) -> None:
    histogram = scores.histogram(values)
    assert sum(histogram) == len(values)
    for value in values:
        low, high = scores.bin_bounds(scores.bin_index(value))
        assert low <= value < high or (value == 1 and high == 1)


@pytest.mark.parametrize(
    ("means", "flag"),
    [
        (["0.95", "0.92"], scores.Flag.NOT_AMBITIOUS),
        (["0.9", "0.9"], scores.Flag.NOT_AMBITIOUS),
        (["0.95", "0.89"], None),
        (["0.2", "0.1"], scores.Flag.OVER_REACHING),
        (["0.3", "0.3", "0.3"], scores.Flag.OVER_REACHING),
        (["0.31", "0.1"], None),
        (["0.65", "0.65"], None),
        (["1.0"], None),  # one cycle is not "always"
        ([], None),
    ],
)
def test_a_group_is_flagged_only_when_every_cycle_is_at_an_extreme(
    means: list[str], flag: scores.Flag | None
) -> None:
    assert scores.ambition_flag(Decimal(m) for m in means) == flag


def test_the_mean_is_rounded_to_two_decimals_and_none_when_empty() -> None:
    assert scores.mean([Decimal("0.92"), Decimal("0.96")]) == Decimal("0.94")
    assert scores.mean([Decimal(1), Decimal(0), Decimal(0)]) == Decimal("0.33")
    assert scores.mean([]) is None


# The calibration of an organisation -----------------------------------------------------


def test_the_organisation_histograms_count_every_final_score_the_owner_sees(world, history) -> None:
    calibration = calibration_for(membership(world, world.alice))
    org = calibration.organization.stats
    # 0.05 | 0.1 | 0.2 | 0.5 | 0.65 0.65 | 0.7 | 0.95 0.92 0.96 0.95
    assert org.objective_counts == counts(b0=1, b1=1, b2=1, b5=1, b6=2, b7=1, b9=4)
    assert org.objective_total == 11
    # 0.0 | 0.1 | 0.2 0.25 | 0.5 | 0.6 0.65 | 0.7 0.7 | 0.9 1.0 0.92 0.96
    assert org.kr_counts == counts(b0=1, b1=1, b2=2, b5=1, b6=2, b7=2, b9=4)
    assert [c.name for c in calibration.cycles] == ["Q1 2025", "Q2 2025"]


def test_a_viewer_does_not_count_a_private_objective_of_someone_else(world, history) -> None:
    calibration = calibration_for(membership(world, world.vera))
    org = calibration.organization.stats
    assert org.objective_counts == counts(b1=1, b2=1, b5=1, b6=2, b7=1, b9=4)
    assert org.kr_counts == counts(b1=1, b2=2, b5=1, b6=2, b7=2, b9=4)


def test_each_team_has_its_own_histogram(world, history) -> None:
    groups = {g.name: g for g in calibration_for(membership(world, world.alice)).teams}
    assert list(groups) == ["Care", "Ops", "Product", "Sales"]
    assert groups["Product"].stats.objective_counts == counts(b9=3)
    assert groups["Product"].stats.kr_counts == counts(b9=4)
    assert groups["Sales"].stats.objective_counts == counts(b1=1, b2=1)
    assert groups["Care"].stats.kr_counts == counts(b6=2, b7=1)
    assert groups["Ops"].stats.kr_total == 0


def test_teams_always_at_an_extreme_are_flagged(world, history) -> None:
    calibration = calibration_for(membership(world, world.alice))
    flags = {g.name: g.stats.flag for g in calibration.groups}
    assert flags == {
        "The whole organisation": None,
        "Care": None,
        "Ops": None,  # 0.95, but in one closed cycle only
        "Product": scores.Flag.NOT_AMBITIOUS,  # means 0.95, then (0.92 + 0.96) / 2 = 0.94
        "Sales": scores.Flag.OVER_REACHING,  # 0.2, then 0.1
    }
    assert [g.name for g in calibration.flagged] == ["Product", "Sales"]


def test_the_trend_is_the_mean_objective_score_of_each_closed_cycle(world, history) -> None:
    calibration = calibration_for(membership(world, world.alice))
    # Q1: (0.95 + 0.2 + 0.65 + 0.5 + 0.05) / 5 = 0.47
    # Q2: (0.92 + 0.96 + 0.1 + 0.65 + 0.95 + 0.7) / 6 = 0.713...
    assert calibration.organization.trend == [Decimal("0.47"), Decimal("0.71")]
    teams = {g.name: g.trend for g in calibration.teams}
    assert teams["Product"] == [Decimal("0.95"), Decimal("0.94")]
    assert teams["Ops"] == [None, Decimal("0.95")]


def test_the_histogram_chart_highlights_and_labels_the_target_band(world, history) -> None:
    chart = draw(calibration_for(membership(world, world.alice)).organization).objective_chart
    assert chart.count('class="bar bar-highlight"') == 1
    assert "0.6–0.7 (target)" in chart
    assert "<title" in chart


def test_the_page_shows_flags_histograms_tables_and_trend(world, history) -> None:
    response = world.client_for(world.vera).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    flags = re.search(r'<ul class="flags">(.*?)</ul>', html, re.S)
    assert flags is not None
    assert "Product" in flags.group(1) and "Not ambitious enough" in flags.group(1)
    assert "Sales" in flags.group(1) and "Over-reaching" in flags.group(1)
    assert "Care" not in flags.group(1)
    # The organisation's two histograms and trend, then three charts for each of 4 teams.
    assert html.count('class="bar-chart"') == 3 + 3 * 4
    assert "Q1 2025" in html and "Q2 2025" in html
    assert html.count('class="target-band"') == 5


def test_without_a_closed_cycle_the_page_says_so(world) -> None:
    closed_cycle(world.org, "Empty quarter", date(2025, 1, 1))
    response = world.client_for(world.bob).get(URL)
    assert response.status_code == 200
    assert "No final score yet" in response.content.decode()


def test_a_closed_cycle_without_scores_is_left_out_of_the_trend(world, history) -> None:
    closed_cycle(world.org, "Empty quarter", date(2025, 7, 1))
    calibration = calibration_for(membership(world, world.alice))
    assert [c.name for c in calibration.cycles] == ["Q1 2025", "Q2 2025"]


def test_the_cycles_page_links_to_calibration(world) -> None:
    html = world.client_for(world.vera).get("/o/acme/cycles/").content.decode()
    assert f'href="{URL}"' in html


def test_the_page_queries_do_not_grow_with_the_data(world, history) -> None:
    client = world.client_for(world.alice)
    client.get(URL)
    with CaptureQueriesContext(connection) as before:
        assert client.get(URL).status_code == 200
    q3 = closed_cycle(world.org, "Q3 2025", date(2025, 7, 1))
    for name in ("Legal", "Finance", "Support"):
        team = Team.objects.create(organization=world.org, name=name)
        scored(world, q3, team, "0.4", ("0.4", "0.5"))
    # The newly closed cycle is added up once, by the first page that finds it missing.
    with CaptureQueriesContext(connection) as first:
        assert client.get(URL).status_code == 200
    assert CalibrationFact.objects.filter(cycle=q3).exists()
    with CaptureQueriesContext(connection) as after:
        assert client.get(URL).status_code == 200
    assert len(after) == len(before) < len(first)


def _figures(calibration):  # type: ignore[no-untyped-def]
    for group in calibration.groups:
        draw(group)
    return [
        (g.name, g.stats, g.trend, g.bins, g.objective_chart, g.kr_chart, g.trend_chart)
        for g in calibration.groups
    ] + [[c.pk for c in calibration.cycles]]


@pytest.mark.parametrize("who", ["alice", "bob", "vera"])
def test_stored_tallies_give_the_computed_calibration(world, history, who) -> None:
    member = membership(world, getattr(world, who))
    assert _figures(calibration_for(member)) == _figures(computed_calibration(member))


def test_a_correction_in_a_closed_cycle_is_counted_again(world, history) -> None:
    alice = membership(world, world.alice)
    calibration_for(alice)
    marks = dict(CalibrationFact.objects.values_list("cycle_id", "change_mark"))
    closed = KeyResult.objects.filter(
        objective__cycle__state=CycleState.CLOSED, score__isnull=False
    ).exclude(objective__visibility=Visibility.PRIVATE)
    kr = closed.select_related("objective").first()
    assert kr is not None
    # A score given by an OKR file, as an admin may in a closed cycle.
    scoring.record_given_score(kr, world.alice, Decimal("0.05"), "A correction")
    objective = kr.objective
    objective.score = Decimal("0.05")
    objective.save(update_fields=["score"])
    stored = calibration_for(alice)
    assert _figures(stored) == _figures(computed_calibration(alice))
    after = dict(CalibrationFact.objects.values_list("cycle_id", "change_mark"))
    assert after[objective.cycle_id] > marks[objective.cycle_id]
    others = [c for c in marks if c != objective.cycle_id]
    assert all(after[c] == marks[c] for c in others)


def test_outsider_gets_404_and_a_visitor_is_sent_to_sign_in(world) -> None:
    assert world.client_for(world.oscar).get(URL).status_code == 404
    response = world.client_for(None).get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_closing_a_cycle_queues_its_tally_for_the_worker(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        scoring.close_cycle(world.cycle, world.alice)
    queued = DBTaskResult.objects.filter(task_path__endswith="tally_closed_cycle")
    assert queued.count() == 1
    assert not CalibrationFact.objects.filter(cycle=world.cycle).exists()
    assert tally_closed_cycle.call(world.cycle.pk) == "tallied"  # what the worker runs
    fact = CalibrationFact.objects.get(cycle=world.cycle)
    scored_count = Objective.objects.filter(cycle=world.cycle, score__isnull=False).count()
    assert sum(count for count, _total, _bins in fact.objectives.values()) == scored_count >= 1
    assert tally_closed_cycle.call(world.cycle.pk + 1000) == "gone"


def test_the_teams_come_a_page_at_a_time_with_their_charts(world, history, monkeypatch) -> None:
    monkeypatch.setattr(reports, "TEAMS_PER_PAGE", 1)
    client = world.client_for(world.alice)
    first = client.get(URL)
    second = client.get(URL + "?page=2")
    assert first.status_code == second.status_code == 200
    [one], [two] = list(first.context["teams"]), list(second.context["teams"])
    assert one.name != two.name and one.drawn and two.drawn
    html = first.content.decode()
    assert f'id="team-{one.team.pk}"' in html and f'id="team-{two.team.pk}"' not in html
    assert 'rel="next"' in html
    undrawn = [g for g in first.context["calibration"].teams if not g.drawn]
    assert len(undrawn) == len(first.context["calibration"].teams) - 1
