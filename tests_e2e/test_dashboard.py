"""The dashboard in the browser, on the demo organisation: the owner opens it from the
header, and every share it shows equals the one worked out here from the database."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cible.checkins.models import CheckIn
from cible.lib import okrmath
from cible.okrs.models import KeyResult, Level, Objective, Origin, thresholds_for
from cible.orgs.models import Organization, TeamMember
from cible.samples.demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo
from tests_e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def percent(count: int, total: int) -> str:
    return f"{round(Decimal(count) * 100 / Decimal(total))}\u00a0%"


def live_krs(objective: Objective) -> list[KeyResult]:
    return list(
        KeyResult.objects.filter(
            objective=objective, archived_at__isnull=True, cancelled_at__isnull=True
        )
    )


def progress_of(objective: Objective) -> Decimal:
    pairs = [
        (kr.weight, progress_of(kr.driven_by) if kr.driven_by else kr.progress())
        for kr in live_krs(objective)
    ]
    total = sum((w for w, _p in pairs), Decimal(0))
    return sum((w * p for w, p in pairs), Decimal(0)) / total if total else Decimal(0)


def status_of(objective: Objective, org: Organization) -> str:
    """The objective's own status (docs/status.md): not started while none of its live KRs
    has a reading, reached when all of them are, else its progress against the weighted
    mean of their expected progress (the share of their span elapsed; a milestone expects
    nothing before its end), by the organisation's gaps."""
    today = timezone.localdate()
    krs = live_krs(objective)
    statuses = []
    for kr in krs:
        driven = progress_of(kr.driven_by) if kr.driven_by else None
        statuses.append(str(kr.status(today, thresholds_for(org), driven)))
    if not krs or all(s == "not_started" for s in statuses):
        return "not_started"
    if all(s == "reached" for s in statuses):
        return "reached"
    weighted = Decimal(0)
    for kr in krs:
        start, end = objective.cycle.start, kr.due_date or objective.cycle.end
        if kr.kind == "milestone":
            expected = Decimal(1) if today >= end else Decimal(0)
        else:
            expected = okrmath.expected_progress(start, end, today)
        weighted += kr.weight * expected
    gap = weighted / sum((kr.weight for kr in krs), Decimal(0)) - progress_of(objective)
    if gap >= org.off_track_gap:
        return "off_track"
    return "at_risk" if gap >= org.at_risk_gap else "on_track"


def test_the_dashboard_shows_the_shares_of_the_demo_organisation(page: Page) -> None:
    demo = create_demo()
    org, quarter = demo.organization, demo.quarter
    objectives = list(
        Objective.objects.filter(cycle=quarter, archived_at__isnull=True)
        .exclude(state="cancelled")
        .select_related("cycle")
    )
    assert len(objectives) > 10

    # Status: the owner sees every objective.
    statuses = [status_of(o, org) for o in objectives]
    # Discipline: the live KRs not driven by another objective, checked in since the
    # latest check-in weekday began in the organisation's time zone.
    zone = ZoneInfo(org.time_zone)
    today = timezone.now().astimezone(zone).date()
    monday_like = today - timedelta(days=(today.weekday() - org.checkin_weekday) % 7)
    since = datetime.combine(monday_like, time(0), tzinfo=zone)
    to_check = [kr for o in objectives for kr in live_krs(o) if kr.driven_by_id is None]
    done = [kr for kr in to_check if CheckIn.objects.filter(key_result=kr, created_at__gte=since)]
    # Alignment: team and personal objectives with a parent.
    alignable = [o for o in objectives if o.level in (Level.TEAM, Level.PERSON)]
    aligned = [o for o in alignable if o.parents.exists()]
    top_down = [o for o in objectives if o.origin == Origin.TOP_DOWN]
    # One team's discipline: its team objectives, and its members' personal ones.
    team = next(o.team for o in objectives if o.team is not None)
    members = set(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))

    def in_team_objective(o: Objective) -> bool:
        if o.team_id is not None:
            return o.team_id == team.pk
        return o.level == Level.PERSON and o.owner_id in members

    def in_team(kr: KeyResult) -> bool:
        return in_team_objective(kr.objective)

    team_krs = [kr for kr in to_check if in_team(kr)]
    team_objectives = [o for o in objectives if in_team_objective(o)]
    team_top_down = [o for o in team_objectives if o.origin == Origin.TOP_DOWN]
    team_done = [kr for kr in done if in_team(kr)]

    sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    page.goto(f"/o/{org.slug}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dashboard of {org.name}")
    expect(page.get_by_label("Cycle")).to_have_value(str(quarter.pk))

    def shown(name: str) -> str:
        return page.locator(f'[data-cell="{name}"]').inner_text()

    sections = page.get_by_role("navigation", name="Dashboard sections")

    def tab(name: str) -> None:
        sections.get_by_role("link", name=name).click()
        expect(sections.get_by_role("link", name=name)).to_have_attribute("aria-current", "page")
        # Each section fits in about two screens of 1,280 x 800.
        assert page.evaluate("document.documentElement.scrollHeight") <= 1_700, name

    for status in okrmath.Status:
        assert shown(f"status-{status}-count") == str(statuses.count(status)), status
        assert shown(f"status-{status}-share") == percent(statuses.count(status), len(statuses))
    average = sum((progress_of(o) for o in objectives), Decimal(0)) / len(objectives)
    expect(page.locator(".dash-figures").first).to_contain_text(
        f"{len(objectives)} objectives, {round(average * 100)}\u00a0% average progress."
    )
    for chart in ("status-chart", "progress-chart"):
        expect(page.locator(f'svg[aria-labelledby^="{chart}-title"]')).to_be_visible()
    tab("Progress")
    tab("Alignment")
    assert shown("alignment") == percent(len(aligned), len(alignable))
    tab("Balance")
    assert shown("balance-all") == percent(len(top_down), len(objectives))
    assert shown(f"balance-{team.pk}") == percent(len(team_top_down), len(team_objectives))
    expect(page.locator('svg[aria-labelledby^="balance-chart-title"]')).to_be_visible()
    tab("Focus")
    tab("Needs attention")
    tab("Rhythm")
    assert shown("discipline-overall") == percent(len(done), len(to_check))
    assert shown(f"discipline-team-{team.pk}") == percent(len(team_done), len(team_krs))
    expect(page.locator('svg[aria-labelledby^="discipline-chart-title"]')).to_be_visible()

    # A team's own dashboard, from its row.
    page.locator("#discipline-table").get_by_role("link", name=team.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dashboard of {team.name}")
    tab("Rhythm")
    assert shown("discipline-overall") == percent(len(team_done), len(team_krs))


def test_a_large_organisation_reads_the_dashboard_the_worker_computed(page: Page, settings) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    from cible.insights.tasks import refresh_dashboard

    demo = create_demo()
    org, quarter = demo.organization, demo.quarter
    settings.DASHBOARD_LIVE_LIMIT = 2  # the demo counts as large
    sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    page.goto(f"/o/{org.slug}/dashboard/")
    expect(page.locator("#dashboard-pending")).to_contain_text("being computed")
    assert DBTaskResult.objects.filter(task_path__endswith="refresh_dashboard").count() == 1

    refresh_dashboard.call(org.pk, quarter.pk)  # what `cible worker` runs
    page.get_by_role("link", name="Reload").click()
    expect(page.locator("#dashboard-stored")).to_contain_text("This organisation is large")
    public = Objective.objects.filter(
        cycle=quarter, archived_at__isnull=True, visibility="organization"
    ).exclude(state="cancelled")
    expect(page.locator(".dash-figures").first).to_contain_text(f"{public.count()} objectives")
    expect(page.locator('svg[aria-labelledby^="status-chart-title"]')).to_be_visible()
