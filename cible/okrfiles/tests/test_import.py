"""`cible import`: into an empty organisation or a new one, all or nothing."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from cible.accounts.models import User
from cible.audit.models import AuditEntry
from cible.checkins.models import CheckIn
from cible.okrs.models import Change, Cycle, Dependency, KeyResult, Objective
from cible.orgs.models import Membership, Organization, Role

from .files import VALID

pytestmark = pytest.mark.django_db


@pytest.fixture
def okr_file(tmp_path: Path) -> Path:
    path = tmp_path / "okrs.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


def test_it_creates_the_organisation_with_create(okr_file: Path) -> None:
    out = io.StringIO()
    call_command("import", str(okr_file), "--org", "acme", "--create", stdout=out)
    org = Organization.objects.get(slug="acme")
    assert org.name == "Acme"
    assert "objectives 3, key results 4, check-ins 1" in out.getvalue()
    assert Membership.objects.get(organization=org, user__email="alice@acme.test").role == "owner"
    assert not Membership.objects.filter(organization=org, user__email="fred@acme.test").exists()
    kr = KeyResult.objects.get(objective__organization=org, title="Cut the first response time")
    assert (kr.current, kr.confidence) == (3.5, 7)
    check_in = CheckIn.objects.get(key_result=kr)
    assert check_in.author is not None
    assert check_in.author.email == "bob@acme.test"
    assert check_in.created_at.isoformat() == "2027-01-11T08:00:00+00:00"
    driven = KeyResult.objects.get(objective__organization=org, title="Follow support")
    assert driven.driven_by == Objective.objects.get(organization=org, title="Answer faster")
    assert Dependency.objects.get(organization=org).from_key_result.title == "Signed plans"  # type: ignore[union-attr]
    # History and audit trail, as if people had typed it all.
    assert Change.objects.filter(organization=org, action="created").count() == 3 + 4
    assert AuditEntry.objects.filter(organization=org, action="created").exists()


def test_it_imports_into_an_empty_organisation_and_keeps_its_members(world, okr_file: Path) -> None:  # type: ignore[no-untyped-def]
    empty = Organization.objects.create(name="Empty Co", slug="empty")
    Membership.objects.create(organization=empty, user=world.bob, role=Role.ADMIN)
    call_command("import", str(okr_file), "--org", "empty")
    empty.refresh_from_db()
    assert empty.name == "Empty Co"  # the organisation's own name stays
    assert Membership.objects.get(organization=empty, user=world.bob).role == Role.ADMIN
    assert Objective.objects.filter(organization=empty).count() == 3


def test_a_non_empty_organisation_is_refused(world, okr_file: Path) -> None:  # type: ignore[no-untyped-def]
    before = Objective.objects.count(), Cycle.objects.count()
    with pytest.raises(CommandError, match="already holds cycles, teams or objectives"):
        call_command("import", str(okr_file), "--org", "acme")
    assert (Objective.objects.count(), Cycle.objects.count()) == before


def test_create_refuses_a_slug_in_use(world, okr_file: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="already exists"):
        call_command("import", str(okr_file), "--org", "acme", "--create")


def test_create_refuses_a_bad_slug(okr_file: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import", str(okr_file), "--org", "not a slug!", "--create")
    assert not Organization.objects.exists()


def test_an_unknown_organisation_is_named(okr_file: Path) -> None:
    with pytest.raises(CommandError, match="There is no organisation “nowhere”"):
        call_command("import", str(okr_file), "--org", "nowhere")


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import", str(tmp_path / "missing.yaml"), "--org", "x", "--create")


def test_it_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(VALID))
    call_command("import", "-", "--org", "piped", "--create", "--quiet")
    assert Objective.objects.filter(organization__slug="piped").count() == 3


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_shows_on_a_terminal_only(
    okr_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    call_command("import", str(okr_file), "--org", "shown", "--create")
    assert "Importing" in terminal.getvalue()
    quiet = _Terminal()
    monkeypatch.setattr("sys.stderr", quiet)
    call_command("import", str(okr_file), "--org", "hidden", "--create", "--quiet")
    assert quiet.getvalue() == ""
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    call_command("export", "--org", "shown", "--output", str(okr_file.with_suffix(".out")))
    assert piped.getvalue() == ""
    monkeypatch.setattr("sys.stderr", terminal)
    call_command("export", "--org", "shown", "--output", str(okr_file.with_suffix(".out")))
    assert "Exporting" in terminal.getvalue()


def test_a_refusal_half_way_stores_nothing(okr_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise ValidationError({"held_on": "Refused by the service."})

    # Reviews come after everything else but the closing: all of it must roll back.
    monkeypatch.setattr("cible.okrfiles.importer.create_review", refuse)
    with pytest.raises(CommandError, match="Refused by the service"):
        call_command("import", str(okr_file), "--org", "acme", "--create")
    assert not Organization.objects.exists()
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_documented_example_imports() -> None:
    example = Path(__file__).resolve().parents[3] / "docs" / "examples" / "okrs.yaml"
    call_command("import", str(example), "--org", "example", "--create", "--quiet")
    org = Organization.objects.get(slug="example")
    assert (org.name, org.score_display, org.checkin_time.isoformat()) == (
        "Example Inc.",
        "percent",
        "09:30:00",
    )
    assert Objective.objects.filter(organization=org).count() == 3
