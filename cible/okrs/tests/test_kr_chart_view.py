"""The KR page's chart of values over time: a server-rendered SVG next to the check-ins
table that serves as its text alternative."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.okrs.models import KeyResult

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def page(client: Client, kr: KeyResult) -> str:
    response = client.get(kr.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def chart_of(html: str) -> ET.Element:
    # The chart, not the progress bar's pace marker (a small SVG of its own).
    [svg] = re.findall(r'<svg\b[^>]*\bclass="chart\b.*?</svg>', html, flags=re.DOTALL)
    return ET.fromstring(svg)


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def texts(root: ET.Element) -> list[str]:
    """Every piece of text the chart shows or says: labels, tooltips, title, description."""
    return [e.text for e in root.iter() if e.text and e.text.strip()]


def polyline_size(root: ET.Element) -> int:
    [line] = by_class(root, "chart-line")
    return len((line.get("points") or "").split())


def record_three(world) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    for days_ago, value in ((30, "3.5"), (20, "2.5"), (10, "1.5")):
        record_check_in(
            world.kr,
            world.bob,
            Decimal(value),
            confidence=7,
            comment=f"reading {value}",
            at=now - timedelta(days=days_ago),
        )


def test_the_kr_page_shows_the_chart_with_a_point_per_check_in(world):
    record_three(world)
    html = page(world.client_for(world.vera), world.kr)
    root = chart_of(html)
    assert root.get("role") == "img"
    assert polyline_size(root) == 3
    assert len(by_class(root, "chart-dot")) == 3
    # Oldest first, left to right.
    tips = [dot.findtext(f"{SVG}title") or "" for dot in by_class(root, "chart-dot")]
    assert [tip.rsplit(": ", 1)[1] for tip in tips] == ["3.5\u00a0h", "2.5\u00a0h", "1.5\u00a0h"]
    legend = [t.text for t in by_class(root, "chart-legend-label")]
    assert legend == ["Target 1\u00a0h", "Start 4\u00a0h", "Expected pace"]
    assert by_class(root, "chart-today-line")
    title = root.findtext(f"{SVG}title") or ""
    desc = root.findtext(f"{SVG}desc") or ""
    assert world.kr.title in title
    assert "3 check-ins" in desc and "1.5\u00a0h" in desc
    # A figure with its caption, and the table as the text alternative, linked to.
    assert '<figure class="chart-figure">' in html
    assert "<figcaption>" in html
    assert "Progress over time" in html
    assert 'href="#check-ins"' in html and 'id="check-ins"' in html
    assert html.index("<svg") < html.index('id="check-ins"')
    assert "reading 1.5" in html


def test_no_check_in_draws_only_the_reference_lines(world):
    root = chart_of(page(world.client_for(world.bob), world.kr))
    assert not by_class(root, "chart-line") and not by_class(root, "chart-dot")
    assert by_class(root, "chart-target") and by_class(root, "chart-expected")
    assert "No check-in yet." in (root.findtext(f"{SVG}desc") or "")


def test_at_most_the_last_200_check_ins(world):
    now = timezone.now()
    CheckIn.objects.bulk_create(
        CheckIn(
            key_result=world.kr,
            author=world.bob,
            value=Decimal(4) - Decimal(i) / 100,
            created_at=now - timedelta(hours=210 - i),
        )
        for i in range(210)
    )
    root = chart_of(page(world.client_for(world.bob), world.kr))
    assert polyline_size(root) == 200
    tips = [dot.findtext(f"{SVG}title") or "" for dot in by_class(root, "chart-dot")]
    # The ten oldest readings (4 down to 3.91) are left out; the newest is last.
    assert tips[0].endswith(": 3.9\u00a0h") and tips[-1].endswith(": 1.91\u00a0h")


def test_the_chart_is_escaped_and_has_no_inline_style(world):
    world.kr.title = "<script>alert('x')</script>"
    world.kr.save(update_fields=["title"])
    record_three(world)
    response = world.client_for(world.bob).get(world.kr.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert" not in html
    root = chart_of(html)
    assert (root.findtext(f"{SVG}title") or "").startswith("<script>alert('x')</script>")
    svg = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)[0]
    assert "style=" not in svg
    assert "style-src" in response.headers["Content-Security-Policy"]


def test_a_milestone_steps_from_not_done_to_done(world):
    kr = KeyResult.objects.create(
        objective=world.team_objective,
        title="Ship the help centre",
        kind="milestone",
        owner=world.bob,
        start=Decimal(0),
        target=Decimal(1),
    )
    now = timezone.now()
    record_check_in(kr, world.bob, Decimal(0), at=now - timedelta(days=20))
    record_check_in(kr, world.bob, Decimal(1), at=now - timedelta(days=5))
    root = chart_of(page(world.client_for(world.bob), kr))
    assert polyline_size(root) == 3  # two check-ins and the step between them
    ticks = [t.text for t in by_class(root, "chart-axis-y")[0].iter(f"{SVG}text")]
    assert ticks == ["Not done", "Done"]


def test_in_french_the_numbers_use_a_decimal_comma(world):
    record_three(world)
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(world.vera)
    html = page(client, world.kr)
    assert '<html lang="fr">' in html
    root = chart_of(html)
    words = " ".join(texts(root))
    assert "1,5\u00a0h" in words and "2,5\u00a0h" in words
    assert "1.5" not in words and "2.5" not in words
