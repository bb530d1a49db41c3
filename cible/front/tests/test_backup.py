"""`cible backup` and `cible restore` round-trip an organisation with nothing lost.

They run as subprocesses against a real installation (an SQLite file in a temporary data
folder, or a throwaway PostgreSQL database when the suite runs on PostgreSQL): an online
SQLite backup, or pg_dump and pg_restore.
"""

import sqlite3
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from cible.front.tests.instance import Instance, Poster, backend, join, run_posters, state

pytestmark = pytest.mark.slow

EXTENSION = ".dump" if backend() == "postgresql" else ".sqlite3"

# Rows the demo lacks (a review), so that the comparison covers every kind of OKR data.
ADD_REVIEW = """
from cible.checkins.models import Review, ReviewKind
from cible.okrs.models import Cycle
from cible.orgs.models import Team
team = Team.objects.order_by("pk").first()
cycle = Cycle.objects.filter(organization=team.organization, state="active").first()
Review.objects.create(
    organization=team.organization, cycle=cycle, team=team, kind=ReviewKind.WEEKLY,
    notes="We keep the course.", decisions="Ship on Friday.", created_by=team.lead,
    duration_seconds=1800,
)
result = True
"""

# What someone may do after the backup: delete, rename, add.
ALTER = """
from cible.accounts.models import User
from cible.checkins.models import CheckIn, Review
from cible.okrs.models import Change, Cycle, KeyResult, Objective
from cible.orgs.models import Membership, Organization, Team
org = Organization.objects.get()
CheckIn.objects.filter(pk__in=CheckIn.objects.order_by("pk").values("pk")[:100]).delete()
Review.objects.all().delete()
Change.objects.all().delete()
for objective in Objective.objects.all():
    objective.parents.clear()
KeyResult.objects.update(title="changed", current=0)
Objective.objects.filter(pk=Objective.objects.order_by("pk").first().pk).update(title="x")
for team in Team.objects.all():
    Team.objects.filter(pk=team.pk).update(name=f"renamed {team.pk}")
Cycle.objects.filter(pk=Cycle.objects.order_by("pk").first().pk).update(name="renamed")
Membership.objects.filter(role="member").delete()
Organization.objects.filter(pk=org.pk).update(name="Renamed")
User.objects.update(name="Someone else")
Organization.objects.create(name="Newcomer", slug="newcomer")
result = True
"""

COVERED = {
    "orgs.organization",
    "orgs.membership",
    "orgs.team",
    "orgs.teammember",
    "okrs.cycle",
    "okrs.objective",
    "okrs.keyresult",
    "okrs.dependency",
    "okrs.change",
    "checkins.checkin",
    "checkins.review",
    "accounts.user",
}


def test_backup_and_restore_round_trip_an_organisation(instance: Instance) -> None:
    before = instance.dump(ADD_REVIEW)
    counts = Counter(row["model"] for row in before)
    assert all(counts[model] > 0 for model in COVERED), counts
    assert any(row["fields"]["parents"] for row in before if row["model"] == "okrs.objective")

    backup_file = instance.data_dir / "saved" / f"cible{EXTENSION}"
    made = instance.cible("backup", str(backup_file))
    assert "Backed up" in made.stdout and str(backup_file) in made.stdout
    assert backup_file.is_file()

    altered = instance.dump(ALTER)
    assert altered != before

    restored = instance.cible("restore", "--yes", str(backup_file))
    assert "Restored" in restored.stdout
    after = instance.dump()
    assert len(after) == len(before)
    assert after == before


def test_an_online_backup_while_the_server_writes_is_consistent(instance: Instance) -> None:
    kr = instance.kr
    backup_file = instance.data_dir / f"online{EXTENSION}"
    stop = threading.Event()
    with instance.server() as server:
        posters = [Poster(server.base, kr, n, 300, stop=stop) for n in range(4)]
        threads = run_posters(posters)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and sum(len(p.acknowledged()) for p in posters) < 5:
            time.sleep(0.05)
        before_backup = {Decimal(v) for poster in posters for v in poster.acknowledged()}
        instance.cible("backup", str(backup_file))
        time.sleep(0.3)
        stop.set()
        join(threads, timeout=30)
    acknowledged = {Decimal(v) for poster in posters for v in poster.acknowledged()}
    attempted = {Decimal(post.value) for poster in posters for post in poster.posts}
    assert len(before_backup) >= 5, [p.failure for p in posters]
    assert len(acknowledged) > len(before_backup)  # the server went on writing

    if backend() == "sqlite":
        copy = sqlite3.connect(backup_file)
        try:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            copy.close()
    instance.cible("restore", "--yes", str(backup_file))
    restored = state(instance, kr["pk"])
    new = {value for value in restored.values if value in attempted}
    assert before_backup <= new
    assert len(restored.values) == kr["check_ins"] + len(new)
    assert not restored.drift


def test_backup_goes_to_the_data_folder_by_default(instance: Instance) -> None:
    first = instance.cible("backup")
    second = instance.cible("backup")
    files = sorted((instance.data_dir / "backups").iterdir())
    assert len(files) == 2
    assert all(f.name.startswith("cible-") and f.suffix == EXTENSION for f in files)
    assert str(files[0]) in first.stdout + second.stdout
    assert all(f.stat().st_mode & 0o077 == 0 for f in files)  # private: password hashes


def test_backup_refuses_to_overwrite_a_file(instance: Instance, tmp_path: Path) -> None:
    existing = tmp_path / f"cible{EXTENSION}"
    existing.write_text("keep me")

    result = instance.cible("backup", str(existing), check=False)

    assert result.returncode == 1
    assert "already exists" in result.stderr
    assert existing.read_text() == "keep me"


def test_restore_of_a_missing_file_fails_clearly(instance: Instance, tmp_path: Path) -> None:
    missing = tmp_path / f"nothing{EXTENSION}"

    result = instance.cible("restore", "--yes", str(missing), check=False)

    assert result.returncode == 1
    assert f"No backup file at {missing}" in result.stderr


def test_restore_refuses_a_file_that_is_no_backup(instance: Instance, tmp_path: Path) -> None:
    wrong = tmp_path / f"notes{EXTENSION}"
    wrong.write_text("This is not a database.\n" * 100)

    result = instance.cible("restore", "--yes", str(wrong), check=False)

    assert result.returncode == 1
    assert "is not" in result.stderr and "backup of Cible" in result.stderr


def test_restore_without_yes_and_no_terminal_changes_nothing(instance: Instance) -> None:
    backup_file = instance.data_dir / f"saved{EXTENSION}"
    instance.cible("backup", str(backup_file))
    altered = instance.dump(ALTER)

    result = instance.cible("restore", str(backup_file), check=False)  # stdin: /dev/null

    assert result.returncode == 1
    assert "--yes" in result.stderr
    assert instance.dump() == altered
