"""Exporting an organisation and importing the file into an empty one loses nothing: the
second export equals the first, and the models say the same."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from cible.accounts.models import User
from cible.audit.models import AuditEntry
from cible.checkins.models import CheckIn, Review
from cible.okrs.models import Change, Cycle, Dependency, KeyResult, Objective
from cible.orgs.models import Membership, Organization, Team

from .rich import Rich, build_rich

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(world) -> Rich:  # type: ignore[no-untyped-def]
    return build_rich(world)


def export(slug: str, path: Path, fmt: str = "yaml", *extra: str) -> dict[str, Any]:
    call_command("export", "--org", slug, "--format", fmt, "--output", str(path), *extra)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def without_slug(document: dict[str, Any]) -> dict[str, Any]:
    organization = dict(document["organization"])
    organization.pop("slug")
    return {**document, "organization": organization}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_loses_nothing(rich: Rich, tmp_path: Path, fmt: str) -> None:
    first = export("acme", tmp_path / f"first.{fmt}", fmt, "--with-secrets")
    call_command("import", str(tmp_path / f"first.{fmt}"), "--org", "copy", "--create")
    second = export("copy", tmp_path / f"second.{fmt}", fmt, "--with-secrets")

    assert second["organization"]["slug"] == "copy"
    assert without_slug(second) == without_slug(first)
    # The document carries all there is to carry.
    assert len(first["objectives"]) == Objective.objects.filter(organization__slug="acme").count()
    assert len(first["dependencies"]) == 2
    assert len(first["reviews"]) == 2
    assert {p["role"] for p in first["people"]} == {"owner", "admin", "member", "viewer", "former"}


def test_the_imported_organisation_matches_the_original(rich: Rich, tmp_path: Path) -> None:
    export("acme", tmp_path / "acme.yaml")
    call_command("import", str(tmp_path / "acme.yaml"), "--org", "copy", "--create")
    copy = Organization.objects.get(slug="copy")
    original = rich.world.org

    assert (copy.name, copy.checkin_weekday, copy.score_display, copy.at_risk_gap) == (
        original.name,
        original.checkin_weekday,
        original.score_display,
        original.at_risk_gap,
    )
    roles = dict(Membership.objects.filter(organization=copy).values_list("user__email", "role"))
    assert roles == dict(
        Membership.objects.filter(organization=original).values_list("user__email", "role")
    )
    assert "fred@acme.test" not in roles
    assert Membership.objects.get(organization=copy, user=rich.world.vera).reminders_muted

    sales = Team.objects.get(organization=copy, name="Sales")
    assert sales.parent == Team.objects.get(organization=copy, name="Product")
    assert sales.lead == rich.world.adam
    # Secrets stay out of a file unless asked for.
    assert sales.chat_webhook_url == ""
    assert set(sales.members.values_list("email", flat=True)) == {
        "adam@acme.test",
        "vera@acme.test",
    }

    assert Cycle.objects.get(organization=copy, name="Past").state == "closed"
    assert Cycle.objects.get(organization=copy, name="Now").parent.name == "Year"  # type: ignore[union-attr]

    private = Objective.objects.get(organization=copy, title=rich.private.title)
    assert private.visibility == "private"
    assert set(private.parents.values_list("title", flat=True)) == {
        "Delight our customers",
        "Answer faster",
    }
    carried = Objective.objects.get(organization=copy, cycle__name="Now", title="Win back trust")
    assert carried.carried_from is not None
    assert carried.carried_from.cycle.name == "Past"
    past = carried.carried_from
    rich.past.refresh_from_db()
    assert past.score is not None
    assert past.score == rich.past.score
    assert (past.retro_worked, past.retro_learned) == ("Weekly rota", "Start earlier")

    cancelled = KeyResult.objects.get(objective__organization=copy, title="Hire two people")
    assert cancelled.cancel_reason == "Budget frozen"
    assert cancelled.cancelled_at == KeyResult.objects.get(pk=rich.cancelled.pk).cancelled_at
    assert KeyResult.objects.get(objective__organization=copy, title="Old metric").archived_at
    driven = KeyResult.objects.get(objective__organization=copy, title=rich.driven.title)
    assert driven.driven_by is not None
    assert driven.driven_by.title == "Answer faster"

    kr = KeyResult.objects.get(objective__organization=copy, title="Cut first response time")
    original_check_ins = list(
        rich.world.kr.check_ins.values_list("created_at", "value", "comment", "author__email")
    )
    assert list(kr.check_ins.values_list("created_at", "value", "comment", "author__email")) == (
        original_check_ins
    )
    rich.world.kr.refresh_from_db()
    assert (kr.current, kr.confidence, kr.target) == (
        rich.world.kr.current,
        rich.world.kr.confidence,
        rich.world.kr.target,
    )
    assert CheckIn.objects.filter(
        key_result__objective__organization=copy, author__isnull=True
    ).exists()

    dependency = Dependency.objects.get(organization=copy, from_key_result__isnull=False)
    assert (dependency.from_key_result.title, dependency.to_key_result.title) == (  # type: ignore[union-attr]
        "Signed plans",
        "Cut first response time",
    )
    assert Review.objects.filter(organization=copy).count() == 2

    # Through the services: each objective has its history, the organisation its trail.
    assert (
        Change.objects.filter(organization=copy, action="created").count()
        >= Objective.objects.filter(organization=copy).count()
    )
    assert AuditEntry.objects.filter(organization=copy, action="joined").count() == len(roles)


def test_people_without_an_account_get_one_without_a_usable_password(
    db: None, tmp_path: Path
) -> None:
    path = tmp_path / "okrs.yaml"
    path.write_text(
        "organization: {name: New}\npeople:\n  - {email: Nina@New.test, name: Nina, role: owner}\n",
        encoding="utf-8",
    )
    call_command("import", str(path), "--org", "new", "--create")
    nina = User.objects.get(email="nina@new.test")
    assert nina.name == "Nina"
    assert not nina.has_usable_password()
    assert Membership.objects.get(user=nina).role == "owner"
