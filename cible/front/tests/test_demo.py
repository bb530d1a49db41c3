from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from cible.checkins.models import CheckIn
from cible.lib import okrmath
from cible.okrs.contexts import objective_rows
from cible.okrs.models import (
    Cycle,
    CycleKind,
    CycleState,
    KeyResult,
    KRKind,
    Level,
    Objective,
    Origin,
    Visibility,
)
from cible.orgs.models import Membership, Organization, Role, Team
from cible.samples.demo import DEMO_EMAIL, DEMO_PASSWORD, DemoResult, create_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> DemoResult:
    return create_demo()


def test_teams_in_several_levels(demo: DemoResult) -> None:
    teams = list(Team.objects.filter(organization=demo.organization).select_related("parent"))
    assert len(teams) >= 5
    depths = {len(team.ancestors()) for team in teams}
    assert {0, 1} <= depths
    assert all(team.lead_id is not None for team in teams)


def test_people_and_owner(demo: DemoResult) -> None:
    memberships = Membership.objects.filter(organization=demo.organization)
    assert memberships.count() >= 20
    owner = memberships.get(user__email=DEMO_EMAIL)
    assert owner.role == Role.OWNER
    assert demo.owner.check_password(DEMO_PASSWORD)
    emails = memberships.exclude(user=demo.owner).values_list("user__email", flat=True)
    assert all(email.endswith("@demo.cible.test") for email in emails)
    assert Client().login(email=DEMO_EMAIL, password=DEMO_PASSWORD)


def test_cycles(demo: DemoResult) -> None:
    today = timezone.localdate()
    assert demo.year.kind == CycleKind.YEAR
    assert demo.year.start == date(today.year, 1, 1)
    assert Cycle.objects.filter(parent=demo.year, kind=CycleKind.QUARTER).count() == 4
    assert demo.quarter.start <= today <= demo.quarter.end
    states = dict(Cycle.objects.filter(organization=demo.organization).values_list("pk", "state"))
    assert states[demo.year.pk] == states[demo.quarter.pk] == CycleState.ACTIVE
    assert Cycle.objects.current_for(demo.organization) == demo.quarter


def test_company_objectives_in_current_quarter(demo: DemoResult) -> None:
    company = Objective.objects.filter(organization=demo.organization, level=Level.COMPANY)
    assert 3 <= company.filter(cycle=demo.quarter).count() <= 5
    assert not company.exclude(cycle=demo.quarter).exists()


def test_alignment_and_origins(demo: DemoResult) -> None:
    objectives = Objective.objects.filter(organization=demo.organization).annotate(
        parent_count=Count("parents")
    )
    below = objectives.exclude(level=Level.COMPANY)
    assert below.filter(level=Level.TEAM).exists()
    assert below.filter(level=Level.PERSON).exists()
    assert not below.filter(parent_count=0).exists()
    bottom_up = objectives.filter(origin=Origin.BOTTOM_UP).count()
    assert objectives.filter(origin=Origin.TOP_DOWN).exists()
    assert 0.3 <= bottom_up / objectives.count() <= 0.5
    assert objectives.filter(visibility=Visibility.PRIVATE).count() == 1


def test_key_results(demo: DemoResult) -> None:
    krs = KeyResult.objects.filter(objective__organization=demo.organization)
    assert set(krs.values_list("kind", flat=True)) == set(KRKind.values)
    assert krs.filter(kind=KRKind.STAY_BETWEEN, target_max__isnull=True).count() == 0
    assert len(set(krs.values_list("weight", flat=True))) >= 3
    assert len(set(krs.values_list("unit", flat=True))) >= 5
    for kr in krs.filter(kind=KRKind.MILESTONE):
        assert (kr.start, kr.target) == (0, 1)
    driven = krs.filter(driven_by__isnull=False).select_related("driven_by")
    assert driven.exists()
    for kr in driven:
        assert kr.driven_by is not None
        assert kr.driven_by.parents.filter(pk=kr.objective_id).exists()


def _check_in_spans(org: Organization) -> list[tuple[int, datetime, datetime]]:
    return list(
        KeyResult.objects.filter(objective__organization=org)
        .annotate(n=Count("check_ins"), first=Min("check_ins__created_at"))
        .annotate(last=Max("check_ins__created_at"))
        .values_list("n", "first", "last")
    )


def test_check_ins(demo: DemoResult) -> None:
    now = timezone.now()
    quarter_start = timezone.make_aware(datetime.combine(demo.quarter.start, time.min))
    for count, first, last in _check_in_spans(demo.organization):
        assert count >= 6
        assert first >= quarter_start
        assert last <= now
    check_ins = CheckIn.objects.filter(key_result__objective__organization=demo.organization)
    assert check_ins.exclude(comment="").exists()
    assert check_ins.exclude(blockers="").exists()
    assert not check_ins.filter(confidence__gt=10).exists()
    # The KR's current value follows its newest check-in.
    for kr in KeyResult.objects.filter(objective__organization=demo.organization)[:5]:
        assert kr.current == kr.check_ins.latest().value


def test_statuses_mix(demo: DemoResult) -> None:
    objectives = list(
        Objective.objects.filter(organization=demo.organization)
        .select_related("cycle")
        .prefetch_related("key_results")
    )
    statuses = [
        okrmath.Status(kr.status)
        for row in objective_rows(objectives, demo.organization)
        for kr in row.key_results
    ]
    # Every demo key result has its check-ins: none is left "not started".
    assert set(statuses) == set(okrmath.Status) - {okrmath.Status.NOT_STARTED}
    on_track = statuses.count(okrmath.Status.ON_TRACK)
    assert on_track > len(statuses) / 3


@pytest.mark.parametrize("offset", [0, 1, 10, 40, 89])
def test_any_day_of_a_quarter(db: None, offset: int) -> None:
    today = date(2025, 4, 1) + timedelta(days=offset)
    result = create_demo(today=today)
    assert result.quarter.start == date(2025, 4, 1)
    end_of_day = timezone.make_aware(datetime.combine(today, time.max))
    quarter_start = timezone.make_aware(datetime(2025, 4, 1))
    for count, first, last in _check_in_spans(result.organization):
        assert count >= 6
        assert quarter_start <= first <= last <= end_of_day


def test_deterministic(db: None) -> None:
    today = date(2025, 11, 20)
    first, second = create_demo(today=today), create_demo(today=today)
    assert first.organization.slug != second.organization.slug

    def values(org: Organization) -> list[tuple[object, ...]]:
        return list(
            CheckIn.objects.filter(key_result__objective__organization=org)
            .order_by("key_result__objective__position", "key_result__position", "created_at")
            .values_list("value", "confidence", "comment", "created_at")
        )

    assert values(first.organization) == values(second.organization)


def test_french_demo(db: None) -> None:
    result = create_demo(language="fr")
    org = result.organization
    assert org.language == "fr"
    assert org.name == "Alpinea (démo)"
    assert result.quarter.name.startswith("T")
    titles = set(Objective.objects.filter(organization=org).values_list("title", flat=True))
    assert "Recruter des personnes formidables, vite et équitablement" in titles
    assert Team.objects.filter(organization=org, name="Recrutement").exists()
    kr_titles = KeyResult.objects.filter(objective__organization=org).values_list(
        "title", flat=True
    )
    assert "Réduire le délai de première réponse de 4 h à 1 h" in kr_titles


def test_english_demo_texts(demo: DemoResult) -> None:
    assert demo.organization.language == "en"
    assert demo.quarter.name.startswith("Q")
    assert Objective.objects.filter(
        organization=demo.organization, title="Hire great people, quickly and fairly"
    ).exists()


def test_command_prints_how_to_sign_in(db: None) -> None:
    out = StringIO()
    call_command("demo", "--language", "fr", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/accounts/login/" in text
    assert DEMO_EMAIL in text
    assert DEMO_PASSWORD in text
    assert Organization.objects.get().language == "fr"


def test_command_if_empty_does_nothing_the_second_time(db: None) -> None:
    call_command("demo", "--if-empty", stdout=StringIO())
    counts = (Organization.objects.count(), CheckIn.objects.count())
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert (Organization.objects.count(), CheckIn.objects.count()) == counts
    assert DEMO_PASSWORD not in out.getvalue()


def test_home_page_renders(
    demo: DemoResult, client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(demo.owner)
    with django_assert_max_num_queries(30):
        response = client.get(f"/o/{demo.organization.slug}/")
    assert response.status_code == 200
    assert "Win the mid-market and grow revenue sustainably" in response.content.decode()
