"""Each endpoint's happy path, and the rules that go beyond a role."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cible.api.tests.conftest import ApiFor, fields_of
from cible.audit.models import AuditEntry
from cible.checkins.models import CheckIn, Review
from cible.checkins.services import record_check_in
from cible.okrs.models import Change, Cycle, Dependency, KeyResult, Level, Objective
from cible.okrs.services import create_objective
from cible.orgs.models import Membership, Team
from conftest import World, make_user


def test_my_organisations(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).get("/orgs")
    assert response.json() == [
        {
            "slug": "acme",
            "name": "Acme",
            "language": "en",
            "time_zone": "Europe/Paris",
            "score_display": "decimal",
            "role": "member",
        }
    ]
    assert api_for(world.bob).get("/orgs/acme").json()["role"] == "member"


def test_members_and_roles(world: World, api_for: ApiFor) -> None:
    response = api_for(world.vera).get("/orgs/acme/members", limit=2)
    data = response.json()
    assert data["count"] == 4 and len(data["items"]) == 2
    vera = Membership.objects.get(user=world.vera)
    response = api_for(world.adam).patch(f"/orgs/acme/members/{vera.pk}", {"role": "member"})
    assert response.status_code == 200 and response.json()["role"] == "member"
    alice = Membership.objects.get(user=world.alice, organization=world.org)
    response = api_for(world.adam).patch(f"/orgs/acme/members/{alice.pk}", {"role": "member"})
    assert response.status_code == 422 and fields_of(response) == ["role"]
    response = api_for(world.bob).patch(f"/orgs/acme/members/{vera.pk}", {"role": "admin"})
    assert response.status_code == 403


def test_teams(world: World, api_for: ApiFor) -> None:
    adam = api_for(world.adam)
    response = adam.post("/orgs/acme/teams", {"name": "Support", "parent": world.team.pk})
    assert response.status_code == 201
    support = response.json()
    assert support["parent"] == world.team.pk and support["members"] == []
    response = adam.post("/orgs/acme/teams", {"name": "support"})
    assert response.status_code == 422 and fields_of(response) == ["name"]
    response = adam.post("/orgs/acme/teams", {"name": "Ops", "lead": world.oscar.pk})
    assert response.status_code == 422 and fields_of(response) == ["lead"]
    # Bob leads Product, so he manages Support below it.
    response = api_for(world.bob).patch(f"/orgs/acme/teams/{support['id']}", {"lead": world.bob.pk})
    assert response.status_code == 200
    assert response.json()["lead"] == world.bob.pk and response.json()["members"] == [world.bob.pk]
    assert api_for(world.vera).get(f"/orgs/acme/teams/{support['id']}").status_code == 200
    assert api_for(world.vera).get("/orgs/acme/teams").json()["count"] == 2


def test_cycles(world: World, api_for: ApiFor) -> None:
    adam = api_for(world.adam)
    body = {"name": "H1", "kind": "custom", "start": "2031-01-01", "end": "2031-06-30"}
    response = adam.post("/orgs/acme/cycles", body)
    assert response.status_code == 201
    cycle = response.json()
    assert cycle["state"] == "planning"
    response = adam.post("/orgs/acme/cycles", {**body, "end": "2030-01-01", "name": "H2"})
    assert response.status_code == 422 and "end" in fields_of(response)
    response = adam.post("/orgs/acme/cycles", body)
    assert response.status_code == 422 and fields_of(response) == ["name"]
    response = adam.patch(f"/orgs/acme/cycles/{cycle['id']}", {"state": "active"})
    assert response.json()["state"] == "active"
    response = adam.patch(f"/orgs/acme/cycles/{cycle['id']}", {"state": "closed"})
    assert response.status_code == 422 and fields_of(response) == ["state"]
    assert api_for(world.bob).get(f"/orgs/acme/cycles/{cycle['id']}").json()["name"] == "H1"
    assert api_for(world.bob).get("/orgs/acme/cycles").json()["count"] == 2


def test_objectives_filters(world: World, api_for: ApiFor) -> None:
    other_cycle = Cycle.objects.create(
        organization=world.org,
        name="Later",
        kind="custom",
        start=timezone.localdate() + timedelta(days=100),
        end=timezone.localdate() + timedelta(days=200),
    )
    create_objective(world.org, world.bob, cycle=other_cycle, title="Grow", level=Level.PERSON)
    bob = api_for(world.bob)

    def titles(**query: object) -> list[str]:
        return [o["title"] for o in bob.get("/orgs/acme/objectives", **query).json()["items"]]

    assert titles(cycle=world.cycle.pk) == ["Delight our customers", "Answer faster"]
    assert titles(cycle=other_cycle.pk) == ["Grow"]
    assert titles(team=world.team.pk) == ["Answer faster"]
    assert titles(owner=world.bob.pk) == ["Answer faster", "Grow"]
    assert titles(level="company") == ["Delight our customers"]
    assert titles(state="draft") == []
    assert titles(q="ANSWER") == ["Answer faster"]
    assert titles(limit=1, offset=1) == ["Answer faster"]
    assert bob.get("/orgs/acme/objectives", limit=1).json()["count"] == 3


def test_objective_detail_embeds_its_key_results(world: World, api_for: ApiFor) -> None:
    data = api_for(world.vera).get(f"/orgs/acme/objectives/{world.team_objective.pk}").json()
    assert data["parents"] == [world.company_objective.pk]
    [kr] = data["key_results"]
    assert kr["id"] == world.kr.pk and kr["current"] == 2.0 and kr["unit"] == "h"
    assert abs(kr["progress"] - 2 / 3) < 1e-9
    assert abs(data["progress"] - 2 / 3) < 1e-9
    assert kr["status"] in {"on_track", "at_risk", "off_track"}


def test_objective_create_update_archive(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    body = {
        "title": "Answer at night",
        "level": "team",
        "team": world.team.pk,
        "parents": [world.company_objective.pk],
        "visibility": "private",
    }
    response = bob.post("/orgs/acme/objectives", body)
    assert response.status_code == 201
    created = response.json()
    assert created["cycle"] == world.cycle.pk and created["owner"] == world.bob.pk
    assert created["origin"] == "top_down"  # Bob leads the team
    assert created["parents"] == [world.company_objective.pk]
    objective = Objective.objects.get(pk=created["id"])
    assert Change.objects.filter(objective=objective, action="created").exists()
    url = f"/orgs/acme/objectives/{objective.pk}"
    response = bob.patch(url, {"title": "Answer at night too", "parents": []})
    assert response.status_code == 200
    assert response.json()["title"] == "Answer at night too" and response.json()["parents"] == []
    assert AuditEntry.objects.filter(target_id=objective.pk, action="updated").exists()
    # A member of the organisation who is not in Product may not see a private objective.
    assert api_for(world.vera).get(url).status_code == 404
    response = bob.post(url + "/archive")
    assert response.status_code == 200 and response.json()["archived"] is True
    listed = bob.get("/orgs/acme/objectives", archived="true").json()["items"]
    assert [o["id"] for o in listed] == [objective.pk]
    assert bob.post(url + "/unarchive").json()["archived"] is False


def test_a_member_may_not_set_a_company_objective(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).post("/orgs/acme/objectives", {"title": "X", "level": "company"})
    assert response.status_code == 422 and fields_of(response) == ["level"]


def test_key_results(world: World, api_for: ApiFor) -> None:
    bob = api_for(world.bob)
    body = {
        "objective": world.team_objective.pk,
        "title": "CSAT",
        "kind": "stay_between",
        "start": 0,
        "target": 90,
        "target_max": 100,
        "unit": "%",
        "weight": 2,
        "due_date": "2030-01-01",
    }
    response = bob.post("/orgs/acme/key-results", body)
    assert response.status_code == 201, response.content
    kr = response.json()
    assert kr["owner"] == world.bob.pk and kr["weight"] == 2.0 and kr["target_max"] == 100.0
    url = f"/orgs/acme/key-results/{kr['id']}"
    response = bob.patch(url, {"kind": "increase", "target": 95})
    assert response.status_code == 200
    assert response.json()["kind"] == "increase" and response.json()["target_max"] is None
    response = bob.patch(url, {"weight": 0})
    assert response.status_code == 422 and fields_of(response) == ["weight"]
    response = bob.patch(url, {"owner": world.oscar.pk})
    assert response.status_code == 422 and fields_of(response) == ["owner"]
    listed = bob.get("/orgs/acme/key-results", objective=world.team_objective.pk).json()
    assert [k["id"] for k in listed["items"]] == [world.kr.pk, kr["id"]]
    assert bob.get("/orgs/acme/key-results", owner=world.alice.pk).json()["count"] == 0
    assert bob.post(url + "/archive").json()["archived"] is True
    assert bob.get("/orgs/acme/key-results").json()["count"] == 1
    assert bob.post(url + "/unarchive").json()["archived"] is False


def test_check_ins_list(world: World, api_for: ApiFor) -> None:
    old = record_check_in(world.kr, world.bob, Decimal(3), at=timezone.now() - timedelta(days=10))
    new = record_check_in(world.kr, world.bob, Decimal("2.5"), confidence=8, comment="ok")
    bob = api_for(world.bob)
    items = bob.get("/orgs/acme/check-ins").json()["items"]
    assert [c["id"] for c in items] == [new.pk, old.pk]
    assert items[0]["value"] == 2.5 and items[0]["confidence"] == 8
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert [c["id"] for c in bob.get("/orgs/acme/check-ins", since=since).json()["items"]] == [
        new.pk
    ]
    assert bob.get("/orgs/acme/check-ins", key_result=world.kr.pk).json()["count"] == 2
    assert bob.get("/orgs/acme/check-ins", key_result=999).json()["count"] == 0


def test_a_check_in_updates_the_key_result(world: World, api_for: ApiFor) -> None:
    response = api_for(world.bob).post(
        f"/orgs/acme/key-results/{world.kr.pk}/check-ins",
        {"value": 1, "confidence": 9, "comment": "Done", "blockers": "None"},
    )
    assert response.status_code == 201
    world.kr.refresh_from_db()
    assert world.kr.current == 1 and world.kr.confidence == 9
    check_in = CheckIn.objects.get()
    assert (check_in.comment, check_in.blockers, check_in.author) == ("Done", "None", world.bob)


def test_dependencies(world: World, api_for: ApiFor) -> None:
    platform = Team.objects.create(organization=world.org, name="Platform", lead=world.adam)
    target = create_objective(
        world.org,
        world.adam,
        cycle=world.cycle,
        title="Open an API",
        level=Level.TEAM,
        team=platform,
    )
    bob = api_for(world.bob)
    body = {"from_objective": world.team_objective.pk, "to_objective": target.pk, "note": "API"}
    response = bob.post("/orgs/acme/dependencies", body)
    assert response.status_code == 201
    dependency = response.json()
    assert dependency["to_objective"] == target.pk and dependency["state"] == "proposed"
    same_team = {**body, "to_objective": world.company_objective.pk}
    response = bob.post("/orgs/acme/dependencies", same_team)
    assert response.status_code == 422 and fields_of(response) == ["to_objective"]
    listed = bob.get("/orgs/acme/dependencies", objective=target.pk).json()
    assert [d["id"] for d in listed["items"]] == [dependency["id"]]
    response = api_for(world.vera).delete(f"/orgs/acme/dependencies/{dependency['id']}")
    assert response.status_code == 403
    response = bob.delete(f"/orgs/acme/dependencies/{dependency['id']}")
    assert response.status_code == 204
    assert not Dependency.objects.exists()


def test_reviews(world: World, api_for: ApiFor) -> None:
    mia = make_user("mia@acme.test", "Mia")
    Membership.objects.create(organization=world.org, user=mia, role="member")
    world.team.memberships.create(user=mia)
    mia_api = api_for(mia)
    weekly = {
        "kind": "weekly",
        "team": world.team.pk,
        "notes": "Went well",
        "duration_seconds": 900,
    }
    response = mia_api.post("/orgs/acme/reviews", weekly)
    assert response.status_code == 201, response.content
    review = response.json()
    assert review["cycle"] == world.cycle.pk and review["created_by"] == mia.pk
    # A team member writes the weekly notes, not the monthly review; admins write the
    # company's.
    response = mia_api.post("/orgs/acme/reviews", {**weekly, "kind": "monthly"})
    assert response.status_code == 403
    response = api_for(world.bob).post("/orgs/acme/reviews", {"kind": "monthly"})
    assert response.status_code == 403
    response = api_for(world.adam).post("/orgs/acme/reviews", {"kind": "monthly"})
    assert response.status_code == 201 and response.json()["team"] is None
    response = api_for(world.adam).post("/orgs/acme/reviews", {"kind": "weekly"})
    assert response.status_code == 422 and fields_of(response) == ["team"]
    vera = api_for(world.vera)
    assert vera.get(f"/orgs/acme/reviews/{review['id']}").json()["notes"] == "Went well"
    assert vera.get("/orgs/acme/reviews", kind="weekly").json()["count"] == 1
    assert Review.objects.count() == 2
    assert KeyResult.objects.count() == 1
