"""A rich organisation, built through the services as people would: the world (see the
root conftest) plus every kind of thing an OKR file carries."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cible.accounts.models import User
from cible.checkins.models import CheckIn, ReviewKind
from cible.checkins.reviews import (
    adjust_key_result,
    carry_over,
    create_review,
    save_retrospective,
)
from cible.checkins.scoring import close_cycle, score_key_result
from cible.checkins.services import record_check_in
from cible.okrs.models import CycleKind, CycleState, KeyResult, Level, Objective, Origin
from cible.okrs.services import (
    archive_key_result,
    archive_objective,
    create_cycle,
    create_dependency,
    create_initiative,
    create_key_result,
    create_objective,
    set_co_owners,
    update_key_result,
)
from cible.orgs.models import Membership, Organization, Role, Team
from cible.orgs.services import add_team_member, save_team
from conftest import World, make_user


@dataclass
class Rich:
    world: World
    sales: Team
    past: Objective
    carried: Objective
    private: Objective
    former: User
    cancelled: KeyResult
    driven: KeyResult


def build_rich(world: World) -> Rich:
    org, alice, bob = world.org, world.alice, world.bob
    Organization.objects.filter(pk=org.pk).update(
        checkin_weekday=3, score_display="percent", at_risk_gap=Decimal("0.2")
    )
    org.refresh_from_db()
    sales = save_team(
        Team(
            organization=org,
            name="Sales",
            parent=world.team,
            lead=world.adam,
            chat_webhook_url="https://chat.example.com/hooks/secret",
            chat_format="mattermost",
        ),
        alice,
    )
    add_team_member(sales, world.vera, alice)
    Membership.objects.filter(organization=org, user=world.vera).update(reminders_muted=True)

    # A past cycle, scored, retrospected and closed; its unfinished objective carried over.
    now = world.cycle
    year = create_cycle(
        org,
        alice,
        name="Year",
        kind=CycleKind.YEAR,
        start=now.start - timedelta(days=200),
        end=now.end + timedelta(days=100),
        state=CycleState.ACTIVE,
    )
    now.parent = year
    now.save(update_fields=["parent"])
    past_cycle = create_cycle(
        org,
        alice,
        name="Past",
        kind=CycleKind.QUARTER,
        start=year.start,
        end=now.start - timedelta(days=1),
        parent=year,
        state=CycleState.REVIEW,
    )
    past = create_objective(
        org,
        bob,
        cycle=past_cycle,
        title="Win back trust",
        description="Line one\nLine two: =SUM(A1)",
        level=Level.TEAM,
        team=world.team,
        origin=Origin.BOTTOM_UP,
    )
    past_kr = create_key_result(
        past, bob, title="Raise the CSAT", kind="increase", start=Decimal(70), target=Decimal(90)
    )
    record_check_in(
        past_kr, bob, Decimal("80.5"), 6, "Halfway", "=cmd|' /C calc'!A0", timezone.now()
    )
    create_key_result(
        past,
        bob,
        title="Stay within budget",
        kind="stay_between",
        start=Decimal(10),
        target=Decimal(20),
        target_max=Decimal("30.25"),
        unit="kEUR",
        weight=Decimal("2.5"),
    )
    score_key_result(past_kr, bob, Decimal("0.6"), "Harder than we thought")
    save_retrospective(
        past, bob, retro_worked="Weekly rota", retro_learned="Start earlier", retro_celebrate="Us"
    )
    create_review(
        org,
        past_cycle,
        None,
        ReviewKind.QUARTERLY,
        alice,
        notes="The quarter in short",
        worked="Focus",
        duration_seconds=3600,
    )
    carried = carry_over(past, now, bob)
    close_cycle(past_cycle, alice)

    # Now: a multi-parent private objective, a driven KR, a cancelled and an archived KR.
    private = create_objective(
        org,
        bob,
        parents=[world.company_objective, world.team_objective],
        cycle=now,
        title="Learn the new support tool",
        level=Level.PERSON,
        visibility="private",
    )
    driven = create_key_result(
        world.company_objective,
        alice,
        title="Answers follow the team",
        kind="increase",
        start=Decimal(0),
        target=Decimal(100),
        driven_by=world.team_objective,
    )
    milestone = create_key_result(
        private, bob, title="Certified", kind="milestone", due_date=now.end - timedelta(days=5)
    )
    record_check_in(milestone, bob, Decimal(1), 9, "Done")
    for days, value in ((20, "3.5"), (10, "3"), (3, "2.25")):
        record_check_in(
            world.kr,
            bob,
            Decimal(value),
            7,
            f"Week of {days}",
            "Holidays" if days == 10 else "",
            timezone.now() - timedelta(days=days),
        )
    cancelled = create_key_result(
        world.team_objective, bob, title="Hire two people", start=Decimal(0), target=Decimal(2)
    )
    adjust_key_result(cancelled, alice, "Budget frozen", cancel=True)
    dropped = create_key_result(
        world.team_objective, bob, title="Old metric", start=Decimal(1), target=Decimal(5)
    )
    archive_key_result(dropped, bob)
    update_key_result(world.kr, bob, target=Decimal("0.5"), confidence=None)

    # Someone who left after writing an objective and a check-in; an erased author.
    former = make_user("fred@acme.test", "Fred Gone")
    Membership.objects.create(organization=org, user=former, role=Role.MEMBER)
    fred_objective = create_objective(
        org,
        former,
        cycle=now,
        title="Tidy the wiki",
        level=Level.PERSON,
        origin=Origin.BOTTOM_UP,
        state="cancelled",
    )
    fred_kr = create_key_result(
        fred_objective, former, title="Pages reviewed", start=Decimal(0), target=Decimal(40)
    )
    record_check_in(fred_kr, former, Decimal(12), 4, "", "")
    # Fred leaves afterwards: his initiative stays his.
    create_initiative(fred_objective, former, key_result=fred_kr, title="Review the wiki")
    erased = record_check_in(fred_kr, former, Decimal(15), None, "", "")
    CheckIn.objects.filter(pk=erased.pk).update(author=None)
    Membership.objects.filter(user=former).delete()
    archive_objective(fred_objective, alice)
    create_initiative(
        world.team_objective,
        bob,
        key_result=world.kr,
        title="A chatbot for the <common> questions",
        state="in_progress",
        due_date=now.end - timedelta(days=10),
        link="https://tickets.example.com/OPS-12",
    )
    create_initiative(world.team_objective, bob, owner=alice, title="Train the team", state="done")
    set_co_owners(world.kr, bob, [alice, world.adam])

    sales_objective = create_objective(
        org,
        world.adam,
        parents=[world.company_objective],
        cycle=now,
        title="Sell the support plan",
        level=Level.TEAM,
        team=sales,
    )
    sales_kr = create_key_result(
        sales_objective, world.adam, title="Signed plans", start=Decimal(0), target=Decimal(30)
    )
    create_dependency(
        world.adam,
        organization=org,
        from_objective=sales_objective,
        from_key_result=sales_kr,
        to_objective=world.team_objective,
        to_key_result=world.kr,
        note="Plans sell when answers are fast",
        state="accepted",
    )
    create_dependency(
        bob, organization=org, from_objective=world.team_objective, to_objective=sales_objective
    )
    create_review(
        org,
        now,
        world.team,
        ReviewKind.WEEKLY,
        bob,
        notes="On track",
        decisions="Keep going",
        duration_seconds=900,
    )
    return Rich(world, sales, past, carried, private, former, cancelled, driven)
