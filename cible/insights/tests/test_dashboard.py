"""The dashboards: numbers checked against a small organisation whose every figure is
worked out here by hand, visibility, access, French, and a query count that does not grow
with the organisation."""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cible.checkins.services import record_check_in
from cible.insights.dashboard import Dashboard
from cible.okrs.models import (
    Cycle,
    KeyResult,
    Level,
    Objective,
    ObjectiveState,
    Origin,
    Visibility,
)
from cible.okrs.services import create_key_result, create_objective
from cible.orgs.models import Membership, Organization, Role, Team, TeamMember
from conftest import make_user

pytestmark = pytest.mark.django_db

D = Decimal


SECTIONS = ("", "rhythm/", "alignment/", "balance/", "focus/", "attention/")


def url(team: Team | None = None, slug: str = "acme", section: str = "") -> str:
    """A dashboard's address; `section` (e.g. "focus/"): one of its sections but the first."""
    base = f"/o/{slug}/teams/{team.pk}/dashboard/" if team else f"/o/{slug}/dashboard/"
    return base + section


def board_for(
    client: Client, address: str, sections: tuple[str, ...] = ()
) -> tuple[Dashboard, str]:
    """The board and the page at `address`; with `sections`, the pages of those sections of
    the dashboard at `address`, one after the other."""
    pages = []
    for section in sections or ("",):
        response = client.get(address + section)
        assert response.status_code == 200
        pages.append(response.content.decode())
    return response.context["board"], "\n".join(pages)


def cell(html: str, name: str) -> str:
    """The text of the element marked data-cell="name"."""
    match = re.search(rf'data-cell="{re.escape(name)}">([^<]*)<', html)
    assert match, name
    return match.group(1)


def increase(objective: Objective, title: str, current: int, owner=None, target: int = 10):  # type: ignore[no-untyped-def]
    return create_key_result(
        objective,
        owner=owner,
        title=title,
        kind="increase",
        start=D(0),
        target=D(target),
        current=D(current),
    )


@dataclass
class Acme:
    """The world's Acme, in the middle of its cycle (50 % of it elapsed), with:

    objective (level, origin, parent)       KRs: progress, status at 50 % elapsed,
                                            checked in this week?
    C1 Delight our customers (company, TD)  c1a 5/10 = 0.5 on track, yes
                                            c1b 6/10 = 0.6 on track, yes
                                            c1c milestone not done, on track, no
    T1 Answer faster (Product, TD, C1)      kr 4 -> 1 at 2 = 2/3 on track, no
                                            t1b 3/10 = 0.3 at risk, yes
    T2 Ship the help centre (Product, BU)   t2a 1/10 = 0.1 off track, no (10 days ago)
    T3 Grow revenue (Sales, TD, C1)         s1 50/100 = 0.5 on track, yes
    P1 Learn to negotiate (Carol, BU, T3)   p1 2/4 = 0.5 on track, no
    P2 Private plan (Bob, BU, private)      p2 0/10 = 0 off track, no

    Left out everywhere: an archived objective, a cancelled one, a cancelled KR and an
    archived KR of T1.
    """

    carol: object
    sales: Team
    c1: Objective
    t1: Objective
    t2: Objective
    t3: Objective
    p1: Objective
    p2: Objective
    krs: dict[str, KeyResult]


@pytest.fixture
def acme(world) -> Acme:  # type: ignore[no-untyped-def]
    org, now = world.org, timezone.now()
    carol = make_user("carol@acme.test", "Carol Blanc")
    Membership.objects.create(organization=org, user=carol, role=Role.MEMBER)
    sales = Team.objects.create(organization=org, name="Sales", lead=world.adam)
    TeamMember.objects.create(team=sales, user=carol)
    c1, t1 = world.company_objective, world.team_objective
    krs = {"kr": world.kr}
    krs["c1a"] = increase(c1, "Raise the satisfaction score", 0, owner=world.alice)
    record_check_in(krs["c1a"], world.alice, D(3), at=now - timedelta(days=14))
    record_check_in(krs["c1a"], world.alice, D(5), at=now)
    krs["c1b"] = increase(c1, "Publish help articles", 0, owner=world.alice)
    record_check_in(krs["c1b"], world.alice, D(6), at=now)
    krs["c1c"] = create_key_result(c1, owner=world.alice, title="Open the forum", kind="milestone")
    krs["t1b"] = increase(t1, "Answer chats in a minute", 0, owner=world.bob)
    record_check_in(krs["t1b"], world.bob, D(3), at=now)
    gone = increase(t1, "An abandoned idea", 0, owner=world.bob)
    KeyResult.objects.filter(pk=gone.pk).update(cancelled_at=now)
    old = increase(t1, "An archived KR", 0, owner=world.bob)
    KeyResult.objects.filter(pk=old.pk).update(archived_at=now)
    cycle = world.cycle
    t2 = create_objective(
        org, world.bob, cycle=cycle, title="Ship the help centre", level=Level.TEAM,
        team=world.team, origin=Origin.BOTTOM_UP,
    )  # fmt: skip
    krs["t2a"] = increase(t2, "Write the articles", 0, owner=world.bob)
    record_check_in(krs["t2a"], world.bob, D(1), at=now - timedelta(days=10))
    t3 = create_objective(
        org, world.adam, parents=[c1], cycle=cycle, title="Grow revenue", level=Level.TEAM,
        team=sales,
    )  # fmt: skip
    krs["s1"] = increase(t3, "Sign new customers", 0, owner=carol, target=100)
    record_check_in(krs["s1"], carol, D(50), at=now)
    p1 = create_objective(
        org, carol, parents=[t3], cycle=cycle, title="Learn to negotiate", level=Level.PERSON,
        origin=Origin.BOTTOM_UP,
    )  # fmt: skip
    krs["p1"] = increase(p1, "Take the course", 2, target=4)
    p2 = create_objective(
        org, world.bob, cycle=cycle, title="Private plan", level=Level.PERSON,
        origin=Origin.BOTTOM_UP, visibility=Visibility.PRIVATE,
    )  # fmt: skip
    krs["p2"] = increase(p2, "Secret KR", 0)
    archived = create_objective(
        org, world.bob, cycle=cycle, title="Archived idea", level=Level.TEAM, team=world.team
    )
    increase(archived, "Archived objective's KR", 0)
    Objective.objects.filter(pk=archived.pk).update(archived_at=now)
    cancelled = create_objective(
        org, world.bob, cycle=cycle, title="Cancelled idea", level=Level.TEAM, team=world.team,
        state=ObjectiveState.CANCELLED,
    )  # fmt: skip
    increase(cancelled, "Cancelled objective's KR", 0)
    return Acme(carol, sales, c1, t1, t2, t3, p1, p2, krs)


def shares(board: Dashboard) -> dict[str, tuple[int, int]]:
    return {item.status.value: (item.share.count, item.share.total) for item in board.statuses}


def test_status_shares_and_average_progress_match_the_data(world, acme) -> None:
    board, html = board_for(world.client_for(world.vera), url())

    # Vera sees C1, T1, T2, T3 and P1, halfway through the cycle. Each objective's progress
    # against its key results' expected pace: C1 37 % for 33 % (its milestone expects
    # nothing before its due date), T1 48 % for 50 % (its KR at 30 % no longer makes the
    # whole objective at risk), T3 and P1 50 % for 50 %: on track; T2 10 % for 50 %: off.
    assert shares(board) == {
        "reached": (0, 5),
        "on_track": (4, 5),
        "at_risk": (0, 5),
        "off_track": (1, 5),
        "not_started": (0, 5),
    }
    assert cell(html, "status-on_track-share") == "80\u00a0%"
    assert cell(html, "status-at_risk-count") == "0"
    assert cell(html, "status-off_track-share") == "20\u00a0%"
    progress = {
        "C1": (D("0.5") + D("0.6") + 0) / 3,
        "T1": (D(2) / D(3) + D("0.3")) / 2,
        "T2": D("0.1"),
        "T3": D("0.5"),
        "P1": D("0.5"),
    }
    average = sum(progress.values(), D(0)) / 5  # 0.39
    assert board.average_progress is not None
    assert abs(board.average_progress - average) < D("1e-20")
    assert "39\u00a0%" in html
    assert [row.objective.title for row in board.listed] == ["Delight our customers"]


def test_check_in_discipline_by_team_and_who_is_behind(world, acme) -> None:
    board, html = board_for(world.client_for(world.vera), url(section="rhythm/"))
    discipline = board.discipline
    assert discipline is not None

    # To check in: c1a c1b c1c kr t1b t2a s1 p1; this week: c1a c1b t1b s1 -> 4 of 8.
    assert (discipline.overall.count, discipline.overall.total) == (4, 8)
    assert cell(html, "discipline-overall") == "50\u00a0%"
    groups = {g.label: (g.share.count, g.share.total) for g in discipline.groups}
    # Product: kr t1b t2a (1 of 3); Sales: s1, and p1 through Carol (1 of 2); no team: C1.
    assert groups == {"Product": (1, 3), "Sales": (1, 2), "": (2, 3)}
    assert cell(html, f"discipline-team-{world.team.pk}") == "33\u00a0%"
    assert cell(html, f"discipline-team-{acme.sales.pk}") == "50\u00a0%"
    assert cell(html, "discipline-none") == "67\u00a0%"
    behind = [(b.person.display_name, len(b.pending), b.total) for b in discipline.behind]
    assert behind == [("Bob Durand", 2, 3), ("Alice Martin", 1, 3), ("Carol Blanc", 1, 2)]
    start = html.index('id="people-behind"')
    people = html[start : html.index("</ul>", start)]
    assert "Write the articles" in people and "Open the forum" in people
    assert "Sign new customers" not in people


def test_the_week_starts_on_the_organisations_check_in_day(world, acme) -> None:
    # A check-in two days ago counts when the week began three days ago, not when it
    # began yesterday.
    now = timezone.now()
    record_check_in(acme.krs["p1"], acme.carol, D(2), at=now - timedelta(days=2))
    org = world.org
    for days_back, expected in ((3, 5), (1, 4)):
        org.checkin_weekday = (timezone.localdate() - timedelta(days=days_back)).weekday()
        org.save()
        board, _html = board_for(world.client_for(world.vera), url())
        assert board.discipline is not None
        assert board.discipline.overall.count == expected


def test_alignment_coverage_and_orphans(world, acme) -> None:
    board, html = board_for(world.client_for(world.vera), url(section="alignment/"))

    # Team and personal: T1 (to C1), T2 (none), T3 (to C1), P1 (to T3): 3 of 4.
    share = board.alignment.share
    assert (share.count, share.total) == (3, 4)
    assert cell(html, "alignment") == "75\u00a0%"
    assert [o.title for o in board.alignment.orphans] == ["Ship the help centre"]


def test_top_down_bottom_up_balance(world, acme) -> None:
    board, html = board_for(world.client_for(world.vera), url(section="balance/"))

    # Top-down C1 T1 T3, bottom-up T2 P1: 60 %, the method's balance.
    overall = board.overall_balance
    assert (overall.top_down, overall.bottom_up) == (3, 2)
    assert overall.gap == 0 and overall.verdict == "balanced"
    assert cell(html, "balance-all") == "60\u00a0%"
    rows = {b.label: (b.top_down, b.bottom_up) for b in board.balance}
    assert rows == {"Product": (1, 1), "Sales": (1, 1)}  # Sales: T3, and Carol's P1
    assert cell(html, f"balance-{world.team.pk}") == "50\u00a0%"
    assert "-10 points" in html


def test_focus_against_three_to_five(world, acme) -> None:
    board, html = board_for(world.client_for(world.vera), url(section="focus/"))
    focus = board.focus

    assert {c.label: c.count for c in focus.teams} == {"Product": 2, "Sales": 1}
    assert {c.label: c.count for c in focus.people} == {"Carol Blanc": 1}
    # Live KRs: C1 3, T1 2 (one cancelled, one archived left out), T2 1, T3 1, P1 1.
    assert [c.count for c in focus.objectives] == [3, 2, 1, 1, 1]
    assert (focus.objectives_share.count, focus.objectives_share.total) == (1, 5)
    assert cell(html, "focus-objectives") == "20\u00a0%"
    assert cell(html, "focus-teams") == "0\u00a0%"
    assert cell(html, "krs-per-objective") == "1.6"  # 8 / 5
    start = html.index('id="focus-outside"')
    outside = html[start : html.index("</ul>", start)]
    assert "Team Product: 2 objectives" in outside and "Answer faster" in outside
    assert "Delight our customers</a>" not in outside


def test_needs_attention_lists_the_largest_shortfall_first(world, acme) -> None:
    board, html = board_for(world.client_for(world.vera), url(section="attention/"))

    # c1a rises 3 -> 5 in 14 days and reaches 10 before the end: not listed. The others
    # have a single reading or none: they stay where they are. Shortfalls: t2a 0.9,
    # t1b 0.7, s1 0.5, p1 0.5 (a tie, in creation order), c1b 0.4, kr 1/3; the milestone
    # has no forecast.
    order = [item.kr.pk for item in board.attention]
    names = ["t2a", "t1b", "s1", "p1", "c1b", "kr"]
    assert order == [acme.krs[name].pk for name in names]
    assert [item.shortfall for item in board.attention[:2]] == [D("0.9"), D("0.7")]
    table = html[html.index('id="attention-table"') :]
    assert table.index("Write the articles") < table.index("Answer chats in a minute")


def test_a_private_objective_counts_only_for_who_may_see_it(world, acme) -> None:
    seen_by_vera, vera_html = board_for(world.client_for(world.vera), url())
    seen_by_bob, _bob_html = board_for(world.client_for(world.bob), url())

    assert len(seen_by_vera.rows) == 5 and len(seen_by_bob.rows) == 6
    assert "Private plan" not in vera_html and "Secret KR" not in vera_html
    assert shares(seen_by_bob)["off_track"] == (1, 6)
    assert shares(seen_by_bob)["not_started"] == (1, 6)  # the private plan: no check-in yet
    assert seen_by_bob.discipline and seen_by_bob.discipline.overall.total == 9
    assert seen_by_bob.alignment.share.total == 5
    assert (seen_by_bob.overall_balance.top_down, seen_by_bob.overall_balance.bottom_up) == (3, 3)
    # Bob's personal objective has no team of its own: it counts with Product, his team.
    assert {b.label: b.bottom_up for b in seen_by_bob.balance}["Product"] == 2
    assert acme.krs["p2"].pk in [item.kr.pk for item in seen_by_bob.attention]
    assert acme.krs["p2"].pk not in [item.kr.pk for item in seen_by_vera.attention]


def test_the_team_dashboard_counts_the_teams_objectives_and_its_members(world, acme) -> None:
    board, html = board_for(world.client_for(world.vera), url(acme.sales))

    # Sales: T3 (team) and P1 (Carol's).
    assert [row.objective.title for row in board.rows] == ["Grow revenue", "Learn to negotiate"]
    assert [row.objective.title for row in board.listed] == ["Grow revenue"]
    assert board.discipline is not None
    assert (board.discipline.overall.count, board.discipline.overall.total) == (1, 2)
    assert [(g.label, g.share.count) for g in board.discipline.groups] == [("Carol Blanc", 1)]
    assert (board.alignment.share.count, board.alignment.share.total) == (2, 2)
    assert [(b.label, b.top_down, b.bottom_up) for b in board.balance] == [("Sales", 1, 1)]
    assert "Dashboard of Sales" in html


def test_progress_over_time_is_rebuilt_from_the_check_ins(world, acme) -> None:
    board, html = board_for(world.client_for(world.vera), url(acme.sales))

    # Sales: s1 read 50 of 100 today, p1 has no check-in (its start, 0, counts): the
    # average is 0 until today's point, then (0.5 + 0) / 2.
    *earlier, last = board.history
    assert last.day == timezone.localdate()
    assert all(point.progress == 0 for point in earlier)
    assert last.progress == D("0.25")
    assert last.expected == D("0.5")
    assert len(earlier) >= 6  # 45 days: six or seven weeks have ended
    assert 'id="history-table"' in html and 'class="line-chart"' in html


def test_every_chart_has_its_table(world, acme) -> None:
    _board, html = board_for(world.client_for(world.vera), url(), SECTIONS)
    for chart, table in (
        ("status-chart", "status-table"),
        ("discipline-chart", "discipline-table"),
        ("balance-chart", "balance-table"),
        ("progress-chart", "history-table"),
    ):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'id="{table}"' in html
    assert "style=" not in "".join(re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL))


def test_another_cycle_can_be_chosen(world, acme) -> None:
    today = timezone.localdate()
    later = Cycle.objects.create(
        organization=world.org, name="Later", kind="custom", state="planning",
        start=today + timedelta(days=50), end=today + timedelta(days=140),
    )  # fmt: skip
    create_objective(world.org, world.alice, cycle=later, title="Open in Spain", level="company")
    board, html = board_for(
        world.client_for(world.vera), url(section="rhythm/") + f"?cycle={later.pk}"
    )

    assert [row.objective.title for row in board.rows] == ["Open in Spain"]
    assert board.discipline is None and board.history == []
    assert "Weekly check-ins are followed while the cycle is active." in html
    assert 'id="cycle-select"' in html


@pytest.mark.parametrize("name", ["alice", "adam", "bob", "vera"])
def test_members_and_viewers_can_read_both_dashboards(world, acme, name: str) -> None:
    client = world.client_for(getattr(world, name))
    assert client.get(url()).status_code == 200
    assert client.get(url(world.team)).status_code == 200


def test_the_outsider_gets_404(world) -> None:
    client = world.client_for(world.oscar)
    assert client.get(url()).status_code == 404
    assert client.get(url(world.team)).status_code == 404
    # Nor through their own organisation's address.
    assert client.get(url(world.team, slug="globex")).status_code == 404


def test_a_visitor_is_sent_to_sign_in(world) -> None:
    response = Client().get(url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_in_french_numbers_use_a_decimal_comma(world, acme) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(world.vera)
    for address in (url(), url(world.team)):
        response = client.get(address)
        assert response.status_code == 200
    html = client.get(url(section="focus/")).content.decode()
    assert '<html lang="fr">' in html
    assert cell(html, "krs-per-objective") == "1,6"


def test_the_navigation_and_the_team_page_link_to_the_dashboards(world) -> None:
    html = world.client_for(world.vera).get(f"/o/acme/teams/{world.team.pk}/").content.decode()
    assert 'href="/o/acme/dashboard/"' in html
    assert f'href="/o/acme/teams/{world.team.pk}/dashboard/?cycle={world.cycle.pk}"' in html


# Query count --------------------------------------------------------------------------


def populate(org: Organization, owner, cycle: Cycle, size: int) -> Team:  # type: ignore[no-untyped-def]
    """`size` teams, each with two members, team and personal objectives (some private,
    some aligned), KRs (one driven, one milestone) and a few check-ins."""
    now = timezone.now()
    company = create_objective(org, owner, cycle=cycle, title="Company", level=Level.COMPANY)
    first = None
    for n in range(size):
        lead = make_user(f"lead{n}@{org.slug}.test", f"Lead {n}")
        member = make_user(f"member{n}@{org.slug}.test", f"Member {n}")
        team = Team.objects.create(organization=org, name=f"Team {n}", lead=lead)
        first = first or team
        for user in (lead, member):
            Membership.objects.create(organization=org, user=user, role=Role.MEMBER)
            TeamMember.objects.create(team=team, user=user)
        objective = create_objective(
            org, lead, parents=[company], cycle=cycle, title=f"Team goal {n}", level=Level.TEAM,
            team=team,
        )  # fmt: skip
        personal = create_objective(
            org, member, parents=[objective], cycle=cycle, title=f"Personal {n}",
            level=Level.PERSON, origin=Origin.BOTTOM_UP,
            visibility=Visibility.PRIVATE if n % 2 else Visibility.ORGANIZATION,
        )  # fmt: skip
        kr = increase(personal, f"Personal KR {n}", 0)
        for days_ago, value in ((14, 2), (7, 3), (0, 5)):
            record_check_in(kr, member, D(value), at=now - timedelta(days=days_ago))
        increase(objective, f"Team KR {n}", 4)
        create_key_result(objective, title=f"Milestone {n}", kind="milestone")
        create_key_result(
            objective, title=f"Driven {n}", kind="increase", start=D(0), target=D(100),
            driven_by=personal,
        )  # fmt: skip
    assert first is not None
    return first


def count_queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("team_page", [False, True])
def test_the_query_count_does_not_grow_with_the_organisation(world, team_page: bool) -> None:
    counts = []
    for slug, size in (("small", 2), ("big", 6)):
        org = Organization.objects.create(name=slug, slug=slug)
        Membership.objects.create(organization=org, user=world.bob, role=Role.MEMBER)
        today = timezone.localdate()
        cycle = Cycle.objects.create(
            organization=org, name="Now", kind="custom", state="active",
            start=today - timedelta(days=30), end=today + timedelta(days=60),
        )  # fmt: skip
        team = populate(org, world.alice, cycle, size)
        Membership.objects.create(organization=org, user=world.alice, role=Role.OWNER)
        address = url(team if team_page else None, slug=slug)
        counts.append(count_queries(world.client_for(world.bob), address))
    assert counts[0] == counts[1]
    assert counts[0] <= 20


def test_long_lists_are_cut_and_say_how_many_more(world, acme, monkeypatch) -> None:
    monkeypatch.setattr("cible.insights.dashboard.LIST_SHOWN", 1)
    monkeypatch.setattr("cible.insights.dashboard.ATTENTION_CANDIDATES", 2)
    board, html = board_for(world.client_for(world.vera), url(), SECTIONS)

    assert board.discipline is not None
    assert [b.person.display_name for b in board.discipline.behind_shown] == ["Bob Durand"]
    assert "And 2 more people behind." in html
    # The lowest share of the two teams, then the objectives of no team, always listed
    # and never counted as a team left out.
    shown = [(g.label, g.is_no_team) for g in board.discipline.groups_shown]
    assert shown == [("Product", False), ("", True)]
    assert board.discipline.groups_more == 1
    assert "and 1 more team." in html
    assert 'id="orphans-more"' not in html  # one orphan: all shown
    # Outside 3 to 5: Product and Sales, Carol, and four objectives; Product is shown.
    assert "Team Product: 2 objectives" in html and "And 6 more outside 3 to 5." in html
    # Only the two KRs with the lowest progress are forecast: t2a (0.1) and t1b (0.3).
    assert [item.kr.pk for item in board.attention] == [acme.krs["t2a"].pk, acme.krs["t1b"].pk]
    assert (board.candidates, board.forecastable) == (2, 7)
    assert "Forecast for the 2 key results with the lowest progress: 2 fall short." in html


def test_a_team_dashboard_rolls_a_driven_kr_up_from_another_teams_objective(world, acme) -> None:
    # T3 (Sales) gets a KR driven by T2 (Product, aligned to it for the occasion), whose
    # t2a read 1 of 10 ten days ago.
    acme.t2.parents.add(acme.t3)
    create_key_result(
        acme.t3, title="Help centre shipped", kind="increase", start=D(0), target=D(1),
        driven_by=acme.t2,
    )  # fmt: skip
    board, _html = board_for(world.client_for(world.vera), url(acme.sales))

    # Today: T3 = (s1 0.5 + T2 0.1) / 2 = 0.3, P1 = 0 (no check-in): 0.15 on average.
    assert board.history[-1].progress == D("0.15")
    assert [row.objective.title for row in board.rows] == ["Grow revenue", "Learn to negotiate"]


def test_each_section_has_its_own_address_and_tab(world, acme) -> None:
    client = world.client_for(world.vera)
    headings = {
        "": "dash-progress",
        "rhythm/": "dash-discipline",
        "alignment/": "dash-alignment",
        "balance/": "dash-balance",
        "focus/": "dash-focus",
        "attention/": "dash-attention",
    }
    for team in (None, world.team):
        for section, shown in headings.items():
            html = client.get(url(team, section=section)).content.decode()
            assert f'id="{shown}"' in html
            assert [h for h in headings.values() if f'id="{h}"' in html] == [shown]
            current = re.findall(r'<a href="([^"]+)" aria-current="page">', html)
            assert current[-1] == url(team, section=section) + f"?cycle={world.cycle.pk}"
        assert client.get(url(team, section="progress/")).status_code == 200
        assert client.get(url(team, section="nothing/")).status_code == 404


def test_a_section_keeps_the_chosen_cycle_in_its_tabs(world, acme) -> None:
    html = world.client_for(world.vera).get(url(section="focus/") + f"?cycle={world.cycle.pk}")
    text = html.content.decode()
    for section in SECTIONS:
        assert f'href="{url(section=section)}?cycle={world.cycle.pk}"' in text


@pytest.mark.parametrize("section", SECTIONS[1:])
def test_every_section_costs_the_queries_of_the_first(world, acme, section: str) -> None:
    client = world.client_for(world.vera)
    count_queries(client, url())  # the first request warms the caches
    assert count_queries(client, url(section=section)) == count_queries(client, url())


def test_the_navigation_marks_the_dashboard_on_every_section(world, acme) -> None:
    html = world.client_for(world.vera).get(url(section="focus/")).content.decode()
    assert 'href="/o/acme/dashboard/" aria-current="page">Dashboard</a>' in html
