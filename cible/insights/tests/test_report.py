"""The cycle review report: HTML, PDF (text extracted with pypdf) and Markdown, for the
organisation or a team, as each reader may see it."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from cible.checkins import reviews, scoring
from cible.checkins.models import Review, ReviewKind
from cible.insights import report_pdf
from cible.insights.report_markdown import escape
from cible.okrs.models import Cycle, Level, Visibility
from cible.okrs.services import create_key_result, create_objective
from cible.orgs.models import Team

pytestmark = pytest.mark.django_db

FRENCH = "Réduire le coût d'acquisition à 50 € en été"


def urls(cycle_pk: int, query: str = "") -> dict[str, str]:
    base = f"/o/acme/cycles/{cycle_pk}/"
    return {
        "html": f"{base}report/{query}",
        "pdf": f"{base}report.pdf{query}",
        "md": f"{base}report.md{query}",
    }


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def body(response) -> str:  # type: ignore[no-untyped-def]
    if response["Content-Type"] == "application/pdf":
        return pdf_text(response.content)
    return response.content.decode()


@pytest.fixture
def report_world(world):  # type: ignore[no-untyped-def]
    """The fixture's cycle, plus a French objective of the Product team at 0.50 and a
    private objective of Bob's."""
    french = create_objective(
        world.org,
        world.bob,
        cycle=world.cycle,
        title=FRENCH,
        level=Level.TEAM,
        team=world.team,
    )
    create_key_result(
        french,
        owner=world.bob,
        title="Coût par client : de 80 € à 50 €",
        kind="decrease",
        start=Decimal(80),
        target=Decimal(50),
        current=Decimal(65),
        unit="€",
    )
    secret = create_objective(
        world.org,
        world.bob,
        cycle=world.cycle,
        title="Bob secret plan",
        level=Level.PERSON,
        visibility=Visibility.PRIVATE,
    )
    create_key_result(
        secret,
        owner=world.bob,
        title="Secret key result",
        kind="increase",
        start=Decimal(0),
        target=Decimal(4),
        current=Decimal(1),
    )
    return world


# Formats --------------------------------------------------------------------------------


def test_the_html_report_shows_objectives_krs_and_proposed_scores(report_world) -> None:
    world = report_world
    response = world.client_for(world.alice).get(urls(world.cycle.pk)["html"])
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Delight our customers", "Answer faster", "Cut first response time"):
        assert text in html
    assert "0.67" in html  # (4 - 2) / (4 - 1), proposed
    assert "0.50" in html  # (80 - 65) / (80 - 50)
    assert "(proposed)" in html
    assert html.count('class="bar-chart"') == 2  # score histogram, status distribution
    assert 'class="bar bar-highlight"' in html
    assert f'href="/o/acme/cycles/{world.cycle.pk}/report.pdf"' in html


def test_the_pdf_downloads_with_the_objectives_and_their_scores(report_world) -> None:
    world = report_world
    response = world.client_for(world.alice).get(urls(world.cycle.pk)["pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="acme-now.pdf"'
    text = pdf_text(response.content)
    assert "Review of Now: Acme" in text
    assert "Answer faster Team · Product · Bob Durand Score: 0.67" in text
    assert f"{FRENCH} Team · Product · Bob Durand Score: 0.50" in text
    assert "Coût par client : de 80 € à 50 €" in text
    assert "Delight our customers Company · Alice Martin Score: –" in text
    assert "Cut first response time" in text


def test_the_pdf_falls_back_on_a_core_font_without_the_font_package(
    report_world, monkeypatch
) -> None:
    world = report_world
    monkeypatch.setattr(report_pdf, "font_files", lambda: None)
    response = world.client_for(world.alice).get(urls(world.cycle.pk)["pdf"])
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert FRENCH in text  # Windows-1252 still has the accents and the euro sign
    assert "Answer faster" in text and "0.67" in text


def test_the_markdown_holds_the_objectives_and_their_scores(report_world) -> None:
    world = report_world
    response = world.client_for(world.alice).get(urls(world.cycle.pk)["md"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="acme-now.md"'
    text = response.content.decode()
    assert text.startswith("# Review of Now: Acme\n")
    assert "### Answer faster\n\nTeam · Product · Bob Durand\n\n**Score: 0.67" in text
    assert f"### {FRENCH}\n" in text
    assert "| Cut first response time | Bob Durand | 67\u00a0% | 0.67 |  |" in text
    assert "| **0.6–0.7 (target)** | 1 |" in text


def test_markdown_escapes_what_people_wrote() -> None:
    assert escape("*Win* <b>big</b> | [link](x)") == r"\*Win\* \<b\>big\</b\> \| \[link\](x)"
    assert escape("- not a list\nand one line") == r"\- not a list and one line"
    assert escape("1. first") == r"1\. first"
    assert escape("Sales & Marketing &amp;") == r"Sales & Marketing \&amp;"


def test_after_closing_the_scores_are_final(report_world) -> None:
    world = report_world
    scoring.score_key_result(world.kr, world.bob, Decimal("0.6"), "Slower in August")
    scoring.close_cycle(world.cycle, world.alice)
    client = world.client_for(world.alice)
    html = client.get(urls(world.cycle.pk)["html"]).content.decode()
    assert "This cycle is closed: its scores are final." in html
    assert "(proposed)" not in html
    text = pdf_text(client.get(urls(world.cycle.pk)["pdf"]).content)
    assert "Answer faster Team · Product · Bob Durand Score: 0.60" in text
    assert "Slower in August" in text
    markdown = client.get(urls(world.cycle.pk)["md"]).content.decode()
    assert (
        "| Cut first response time | Bob Durand | 67\u00a0% | 0.60 | Slower in August |" in markdown
    )


def test_the_report_holds_the_retrospectives(report_world) -> None:
    world = report_world
    reviews.save_retrospective(
        world.team_objective,
        world.bob,
        retro_worked="Macros saved hours",
        retro_learned="Staff the mornings",
    )
    Review.objects.create(
        organization=world.org,
        cycle=world.cycle,
        team=world.team,
        kind=ReviewKind.QUARTERLY,
        held_on=date(2026, 3, 30),
        celebrate="First week under one hour",
    )
    Review.objects.create(
        organization=world.org, cycle=world.cycle, kind=ReviewKind.MONTHLY, notes="Not a retro"
    )
    client = world.client_for(world.vera)
    for fmt, response in ((f, client.get(u)) for f, u in urls(world.cycle.pk).items()):
        text = body(response)
        assert "Macros saved hours" in text, fmt
        assert "Staff the mornings" in text, fmt
        assert "First week under one hour" in text, fmt
        assert "Not a retro" not in text, fmt
    markdown = client.get(urls(world.cycle.pk)["md"]).content.decode()
    assert "**What worked**\n\nMacros saved hours" in markdown
    assert "### Product · March 30, 2026" in markdown


# Scope and visibility ---------------------------------------------------------------------


def test_a_team_report_holds_that_team_only(report_world) -> None:
    world = report_world
    client = world.client_for(world.alice)
    for fmt, url in urls(world.cycle.pk, f"?team={world.team.pk}").items():
        response = client.get(url)
        assert response.status_code == 200, fmt
        text = body(response)
        assert "Answer faster" in text, fmt
        assert "Delight our customers" not in text, fmt
    response = client.get(urls(world.cycle.pk, f"?team={world.team.pk}")["pdf"])
    assert response["Content-Disposition"] == 'attachment; filename="acme-now-product.pdf"'


@pytest.mark.parametrize("fmt", ["html", "pdf", "md"])
def test_a_private_objective_shows_to_its_readers_only(report_world, fmt: str) -> None:
    world = report_world
    url = urls(world.cycle.pk)[fmt]
    for user, sees in ((world.vera, False), (world.alice, True), (world.bob, True)):
        text = body(world.client_for(user).get(url))
        assert ("Bob secret plan" in text) is sees, user
        assert ("Secret key result" in text) is sees, user
        assert "Answer faster" in text


@pytest.mark.parametrize("fmt", ["html", "pdf", "md"])
@pytest.mark.parametrize("query", ["?team=abc", "?team=", "?team=9" * 10, "?team=-1"])
def test_a_malformed_team_is_ignored(world, fmt: str, query: str) -> None:
    response = world.client_for(world.alice).get(urls(world.cycle.pk, query)[fmt])
    assert response.status_code == 200
    assert "Delight our customers" in body(response)


@pytest.mark.parametrize("fmt", ["html", "pdf", "md"])
def test_another_organisations_team_is_a_404(world, fmt: str) -> None:
    foreign = Team.objects.create(organization=world.other_org, name="Globex team")
    client = world.client_for(world.alice)
    assert client.get(urls(world.cycle.pk, f"?team={foreign.pk}")[fmt]).status_code == 404
    assert client.get(urls(world.cycle.pk, "?team=999999")[fmt]).status_code == 404


# Access -------------------------------------------------------------------------------------


def test_a_viewer_may_read_every_format(world) -> None:
    client = world.client_for(world.vera)
    for fmt, url in urls(world.cycle.pk).items():
        assert client.get(url).status_code == 200, fmt


def test_an_outsider_gets_404_on_every_format(world) -> None:
    client = world.client_for(world.oscar)
    for fmt, url in urls(world.cycle.pk).items():
        assert client.get(url).status_code == 404, fmt


def test_a_cycle_of_another_organisation_is_a_404(world) -> None:
    foreign = Cycle.objects.get(organization=world.other_org)
    client = world.client_for(world.alice)
    for fmt, url in urls(foreign.pk).items():
        assert client.get(url).status_code == 404, fmt
    # ... also under the organisation it belongs to, for whoever is not a member of it
    for url in urls(foreign.pk).values():
        assert client.get(url.replace("/o/acme/", "/o/globex/")).status_code == 404


def test_a_visitor_is_sent_to_sign_in(world) -> None:
    for url in urls(world.cycle.pk).values():
        response = world.client_for(None).get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_cycle_review_links_to_the_report_and_the_exports(world) -> None:
    html = world.client_for(world.vera).get(f"/o/acme/cycles/{world.cycle.pk}/review/")
    text = html.content.decode()
    assert f'href="/o/acme/cycles/{world.cycle.pk}/report/"' in text
    for name in ("okrs.csv", "okrs.xlsx", "check-ins.csv", "check-ins.xlsx"):
        assert f'href="/o/acme/cycles/{world.cycle.pk}/export/{name}"' in text


def test_the_report_queries_do_not_grow_with_the_objectives(report_world) -> None:
    world = report_world
    client = world.client_for(world.bob)
    url = urls(world.cycle.pk)["html"]
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for index in range(4):
        objective = create_objective(
            world.org,
            world.bob,
            cycle=world.cycle,
            title=f"More {index}",
            level=Level.TEAM,
            team=world.team,
        )
        for kr_index in range(3):
            create_key_result(objective, owner=world.bob, title=f"KR {kr_index}")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
