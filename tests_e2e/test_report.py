"""The cycle review report in the browser, on the demo organisation: the owner opens the
report of the current quarter and downloads its PDF, whose text holds every objective and
its score, worked out here from the key results."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.text import slugify
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cible.checkins.scoring import close_cycle
from cible.okrs.models import KeyResult, Level, Objective
from cible.samples.demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo
from tests_e2e.conftest import NewPage, sign_in
from tests_e2e.test_a11y import AXE, violations

pytestmark = pytest.mark.browser

STEP = Decimal("0.01")


def progress_of(objective: Objective) -> Decimal:
    """The weighted mean of the live KRs' progress, a driven KR counting with the progress
    of the objective that drives it."""
    pairs = []
    for kr in KeyResult.objects.filter(
        objective=objective, archived_at__isnull=True, cancelled_at__isnull=True
    ):
        value = progress_of(kr.driven_by) if kr.driven_by else kr.progress()
        pairs.append((kr.weight, min(max(value, Decimal(0)), Decimal(1))))
    total = sum((w for w, _v in pairs), Decimal(0))
    return sum((w * v for w, v in pairs), Decimal(0)) / total if total else Decimal(0)


def proposed_score(objective: Objective) -> str:
    """What closing the quarter would set: each KR at its progress to two decimals, then
    their weighted mean."""
    pairs = []
    for kr in KeyResult.objects.filter(
        objective=objective, archived_at__isnull=True, cancelled_at__isnull=True
    ):
        value = progress_of(kr.driven_by) if kr.driven_by else kr.progress()
        pairs.append((kr.weight, min(max(value, Decimal(0)), Decimal(1)).quantize(STEP)))
    total = sum((w for w, _v in pairs), Decimal(0))
    return f"{(sum((w * v for w, v in pairs), Decimal(0)) / total).quantize(STEP):.2f}"


def headline(objective: Objective) -> str:
    """The objective's title and facts, then its score, as the PDF sets them."""
    facts = [str(Level(objective.level).label)]
    if objective.team:
        facts.append(objective.team.name)
    facts.append(objective.owner.display_name)
    return f"{objective.title} {' · '.join(facts)} Score: {proposed_score(objective)}"


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_owner_downloads_the_report_of_the_current_quarter(page: Page, tmp_path: Path) -> None:
    demo = create_demo()
    org, quarter = demo.organization, demo.quarter
    objectives = list(
        Objective.objects.filter(cycle=quarter).select_related("team", "owner").order_by("pk")
    )
    assert len(objectives) > 10
    sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)

    page.goto(f"/o/{org.slug}/cycles/{quarter.pk}/review/")
    page.get_by_role("link", name="Report", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Review of {quarter.name}: {org.name}"
    )
    for objective in objectives[:4]:
        expect(page.get_by_role("heading", level=3, name=objective.title)).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    download = info.value
    assert download.suggested_filename == f"{org.slug}-{slugify(quarter.name)}.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    text = pdf_text(path)
    assert f"Review of {quarter.name}: {org.name}" in text
    for objective in objectives:
        assert headline(objective) in text, objective.title


def test_a_team_report_comes_from_the_team_picker(page: Page) -> None:
    demo = create_demo()
    org, quarter = demo.organization, demo.quarter
    team_objective = (
        Objective.objects.filter(cycle=quarter, level=Level.TEAM).select_related("team").first()
    )
    assert team_objective is not None and team_objective.team is not None
    company = Objective.objects.filter(cycle=quarter, level=Level.COMPANY).first()
    assert company is not None
    sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)

    page.goto(f"/o/{org.slug}/cycles/{quarter.pk}/report/")
    page.get_by_label("Report for").select_option(label=team_objective.team.name)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Review of {quarter.name}: {team_objective.team.name}"
    )
    expect(page.get_by_role("heading", level=3, name=team_objective.title)).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=company.title)).to_have_count(0)


@pytest.fixture(scope="module")
def axe() -> str:
    if not AXE.exists():
        pytest.skip(f"axe-core not installed ({AXE} missing): run `npm ci`")
    return AXE.read_text(encoding="utf-8")


def test_the_report_and_calibration_pages_pass_axe(axe: str, new_page: NewPage) -> None:
    demo = create_demo()
    page = new_page(bypass_csp=True)
    sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    slug = demo.organization.slug
    page.goto(f"/o/{slug}/cycles/{demo.quarter.pk}/report/")
    assert violations(page, axe) == []
    close_cycle(demo.quarter, demo.owner)  # so that calibration has scores to show
    page.goto(f"/o/{slug}/calibration/")
    expect(page.get_by_role("heading", name="Trend over cycles")).to_be_visible()
    assert violations(page, axe) == []
