"""Forecasts of key results: the service (one query for any number of KRs), the "needs
attention" order, and the forecast on the KR page."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from cible.checkins.services import record_check_in
from cible.insights.forecasts import forecasts, needs_attention
from cible.lib.forecast import Basis
from cible.okrs.models import KeyResult
from cible.okrs.services import create_key_result

pytestmark = pytest.mark.django_db

D = Decimal


def noon(days_ago: int) -> datetime:
    """Noon, `days_ago` days before today: whole days apart, whatever the clock says."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(12)))


def kr_with(world, title: str, readings: list[tuple[int, str]], **fields) -> KeyResult:  # type: ignore[no-untyped-def]
    fields = {"kind": "increase", "start": D(0), "target": D(10), **fields}
    kr = create_key_result(world.team_objective, owner=world.bob, title=title, **fields)
    for days_ago, value in readings:
        record_check_in(kr, world.bob, D(value), at=noon(days_ago))
    return kr


def loaded(*krs: KeyResult) -> list[KeyResult]:
    return list(
        KeyResult.objects.filter(pk__in=[kr.pk for kr in krs])
        .select_related("objective__cycle")
        .order_by("pk")
    )


def test_forecasts_take_one_query_whatever_the_number_of_krs(world) -> None:
    krs = [kr_with(world, f"KR {n}", [(14, "1"), (7, "2"), (0, "3")]) for n in range(6)]
    counts = []
    for chosen in (krs[:2], krs):
        objects = loaded(*chosen)
        with CaptureQueriesContext(connection) as queries:
            result = forecasts(objects)
        counts.append(len(queries))
        assert set(result) == {kr.pk for kr in chosen}
    assert counts == [1, 1]


def test_a_forecast_follows_the_readings(world) -> None:
    # 1, 2, 3 a week apart: 1/7 a day; the cycle ends in 45 days: 3 + 45/7 = 66/7.
    kr = kr_with(world, "Steady", [(14, "1"), (7, "2"), (0, "3")])
    [forecast] = forecasts(loaded(kr)).values()
    assert forecast.basis is Basis.TREND
    assert forecast.value == D(66) / D(7)
    assert forecast.progress == forecast.value / 10


def test_needs_attention_puts_the_largest_shortfall_first(world) -> None:
    # The cycle ends in 45 days.
    # A: 2, 3, 4 a week apart, 1/7 a day: 4 + 45/7 > 10, reached, not listed.
    # B: 1, 1.5, 2: 1/14 a day: 2 + 45/14 = 73/14, progress 73/140, short by 67/140.
    # C: 4, 4: flat, progress 0.4, short by 0.6.
    # D: stay above 90 at 95, 94, 93: 93 - 45/7 = 606/7, below 90 by 24/7:
    #    progress 1 - (24/7)/90 = 1 - 4/105.
    # The fixture's KR: no check-in, at 2 on its way from 4 to 1: progress 2/3.
    # A milestone and a KR driven by another objective have no forecast.
    a = kr_with(world, "A", [(14, "2"), (7, "3"), (0, "4")])
    b = kr_with(world, "B", [(14, "1"), (7, "1.5"), (0, "2")])
    c = kr_with(world, "C", [(7, "4"), (0, "4")])
    d = kr_with(world, "D", [(14, "95"), (7, "94"), (0, "93")], kind="stay_above", target=D(90))
    kr_with(world, "Milestone", [(0, "0")], kind="milestone")
    items = needs_attention(loaded(a, b, c, d, world.kr, *KeyResult.objects.all()))

    assert [item.kr.title for item in items] == ["C", "B", world.kr.title, "D"]
    shortfalls = [item.shortfall for item in items]
    assert shortfalls[0] == D("0.6")
    assert abs(shortfalls[1] - D(67) / D(140)) < D("1e-20")
    assert abs(shortfalls[2] - D(1) / D(3)) < D("1e-20")
    assert abs(shortfalls[3] - D(4) / D(105)) < D("1e-20")


def test_a_tie_puts_the_lower_best_case_first(world) -> None:
    # Both forecast 0.4; E's range reaches 1 (one reading: anything from start to
    # target), F's is a flat line (no range).
    e = kr_with(world, "E", [(0, "4")])
    f = kr_with(world, "F", [(7, "4"), (0, "4")])
    items = needs_attention(loaded(e, f))
    assert [item.kr.title for item in items] == ["F", "E"]


# The KR page ---------------------------------------------------------------------------


def page(client: Client, kr: KeyResult) -> str:
    response = client.get(kr.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_kr_page_tells_the_forecast_in_a_sentence(world) -> None:
    # 3.8, 3.6, 3.4 h ten days apart: -0.02 h a day, 3.4 - 0.9 = 2.5 h in 45 days,
    # (4 - 2.5) / (4 - 1) = 50 % of the way.
    for days_ago, value in ((20, "3.8"), (10, "3.6"), (0, "3.4")):
        record_check_in(world.kr, world.bob, D(value), at=noon(days_ago))
    html = page(world.client_for(world.vera), world.kr)
    with translation.override("en"):
        end = date_format(world.cycle.end, "DATE_FORMAT")
    assert f"At this pace: about 2.5\u00a0h by {end}, 50\u00a0% of the way." in html
    assert html.index('id="forecast-heading"') > html.index("<svg")
    # The chart draws it too: a dotted segment after the latest check-in.
    assert 'class="chart-forecast"' in html
    assert f"Forecast: about 2.5\u00a0h by {end}" in html


def test_a_noisy_history_shows_its_range(world) -> None:
    # 4, 3, 3.4 h ten days apart: least squares -0.03 h a day through (mean day 10,
    # mean 3.4667): 3.4667 - 0.03 * 55 = 1.8167, shown as 1.8 h; paces -0.1 and +0.04:
    # 1.8167 + (-0.1 + 0.03) * 45 = -1.3333 and 1.8167 + (0.04 + 0.03) * 45 = 4.9667.
    for days_ago, value in ((20, "4"), (10, "3"), (0, "3.4")):
        record_check_in(world.kr, world.bob, D(value), at=noon(days_ago))
    html = page(world.client_for(world.bob), world.kr)
    assert "about 1.8\u00a0h" in html
    assert "(between -1.3\u00a0h and 5\u00a0h)" in html


def test_a_milestone_has_no_forecast(world) -> None:
    kr = kr_with(world, "Open the forum", [(3, "0")], kind="milestone")
    assert 'id="forecast-heading"' not in page(world.client_for(world.bob), kr)


def test_in_french_the_forecast_uses_a_decimal_comma(world) -> None:
    for days_ago, value in ((20, "3.8"), (10, "3.6"), (0, "3.4")):
        record_check_in(world.kr, world.bob, D(value), at=noon(days_ago))
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(world.vera)
    html = page(client, world.kr)
    section = html[html.index('id="forecast-heading"') :]
    assert "2,5\u00a0h" in section
