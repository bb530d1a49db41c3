"""The backup helpers, without Django: file names, the PG* environment, the commands run,
and an SQLite round trip on a small database."""

import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cible.lib import backup as lib
from cible.lib.backup import BackupError

NOW = datetime(2026, 3, 14, 15, 9, 26)
SECRET = "s3cr3t-passw0rd"
PG = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": "cible",
    "USER": "okr",
    "PASSWORD": SECRET,
    "HOST": "db.internal",
    "PORT": 5433,
    "OPTIONS": {"sslmode": "require"},
}


def sqlite_settings(path: Path) -> dict[str, Any]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": {"timeout": 5}}


def make_cible_like_database(path: Path, name: str = "Acme") -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE IF NOT EXISTS django_migrations (id INTEGER)")
        connection.execute("CREATE TABLE IF NOT EXISTS orgs_organization (name TEXT)")
        connection.execute("DELETE FROM orgs_organization")
        connection.execute("INSERT INTO orgs_organization VALUES (?)", (name,))
    connection.close()


def names(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM orgs_organization")]
    finally:
        connection.close()


def test_default_path_is_in_the_data_folder_and_never_an_existing_file(tmp_path: Path) -> None:
    db = sqlite_settings(tmp_path / "cible.sqlite3")
    first = lib.default_path(db, tmp_path, NOW)
    assert first == tmp_path / "backups" / "cible-20260314-150926.sqlite3"
    first.parent.mkdir()
    first.touch()
    assert lib.default_path(db, tmp_path, NOW).name == "cible-20260314-150926-2.sqlite3"
    assert lib.default_path(PG, tmp_path, NOW).name == "cible-20260314-150926.dump"


def test_target_path(tmp_path: Path) -> None:
    db = sqlite_settings(tmp_path / "cible.sqlite3")
    assert lib.target_path(db, tmp_path, tmp_path / "data", NOW).parent == tmp_path
    existing = tmp_path / "kept.sqlite3"
    existing.touch()
    with pytest.raises(BackupError, match="already exists"):
        lib.target_path(db, existing, tmp_path, NOW)
    assert lib.target_path(db, existing, tmp_path, NOW, force=True) == existing


def test_other_databases_are_refused() -> None:
    with pytest.raises(BackupError, match="SQLite and PostgreSQL"):
        lib.kind_of({"ENGINE": "django.db.backends.mysql"})


def test_the_pg_environment_carries_the_settings() -> None:
    env = lib.pg_environment(PG, base={"PATH": "/usr/bin", "PGAPPNAME": "kept"})
    assert env == {
        "PATH": "/usr/bin",
        "PGAPPNAME": "kept",
        "PGHOST": "db.internal",
        "PGPORT": "5433",
        "PGUSER": "okr",
        "PGPASSWORD": SECRET,
        "PGDATABASE": "cible",
        "PGSSLMODE": "require",
    }
    # Settings left empty leave what the environment says, as libpq would.
    bare = lib.pg_environment({**PG, "PASSWORD": ""}, base={"PGPASSWORD": "from-env"})
    assert bare["PGPASSWORD"] == "from-env"


class FakeRun:
    """Stands for subprocess.run: records the commands, writes pg_dump's file."""

    def __init__(self, listing: str = "TABLE public django_migrations postgres\n") -> None:
        self.calls: list[tuple[list[str], dict[str, str] | None]] = []
        self.listing = listing

    def __call__(self, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append((command, kwargs.get("env")))
        for argument in command:
            if argument.startswith("--file="):
                Path(argument.removeprefix("--file=")).write_bytes(b"PGDMP fake archive")
        stdout = self.listing if "--list" in command else ""
        return subprocess.CompletedProcess(command, 0, stdout, "")


@pytest.fixture
def fake_run(monkeypatch: pytest.MonkeyPatch) -> FakeRun:
    fake = FakeRun()
    monkeypatch.setattr(lib.subprocess, "run", fake)
    monkeypatch.setattr(lib.shutil, "which", lambda name: f"/usr/bin/{name}")
    return fake


def test_pg_dump_gets_the_password_from_its_environment_only(
    fake_run: FakeRun, tmp_path: Path
) -> None:
    outcome = lib.backup(PG, tmp_path / "b.dump")

    assert outcome.path.read_bytes().startswith(b"PGDMP")
    assert outcome.path.stat().st_mode & 0o077 == 0
    [(command, env)] = fake_run.calls
    assert command[:3] == ["/usr/bin/pg_dump", "--format=custom", "--no-password"]
    assert not any(SECRET in argument for argument in command)
    assert env is not None and env["PGPASSWORD"] == SECRET and env["PGDATABASE"] == "cible"


def test_pg_restore_cleans_in_one_transaction(fake_run: FakeRun, tmp_path: Path) -> None:
    archive = tmp_path / "b.dump"
    archive.write_bytes(b"PGDMP fake archive")

    lib.restore(PG, archive)

    command, env = fake_run.calls[-1]
    assert command[0] == "/usr/bin/pg_restore"
    for flag in ("--clean", "--if-exists", "--no-owner", "--single-transaction"):
        assert flag in command
    assert "--dbname=cible" in command and command[-1] == str(archive)
    assert not any(SECRET in argument for argument in command)
    assert env is not None and env["PGPASSWORD"] == SECRET


def test_pg_restore_refuses_an_sqlite_backup(fake_run: FakeRun, tmp_path: Path) -> None:
    backup = tmp_path / "b.sqlite3"
    make_cible_like_database(backup)
    with pytest.raises(BackupError, match="It is an SQLite backup"):
        lib.restore(PG, backup)
    assert fake_run.calls == []


def test_sqlite_round_trip(tmp_path: Path) -> None:
    live = tmp_path / "cible.sqlite3"
    make_cible_like_database(live, "Acme")
    db = sqlite_settings(live)

    outcome = lib.backup(db, tmp_path / "saved.sqlite3")
    make_cible_like_database(live, "Changed")
    assert names(live) == ["Changed"]
    lib.restore(db, outcome.path)

    assert names(live) == ["Acme"]
    copy = sqlite3.connect(outcome.path)
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        copy.close()
    assert not list(tmp_path.glob(".*partial"))


def test_sqlite_restore_refuses_what_is_no_cible_backup(tmp_path: Path) -> None:
    live = tmp_path / "cible.sqlite3"
    make_cible_like_database(live)
    db = sqlite_settings(live)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    dump = tmp_path / "b.dump"
    dump.write_bytes(b"PGDMP archive")

    with pytest.raises(BackupError, match="No backup file"):
        lib.restore(db, tmp_path / "missing.sqlite3")
    with pytest.raises(BackupError, match="not one of Cible"):
        lib.restore(db, other)
    with pytest.raises(BackupError, match="It is a PostgreSQL dump"):
        lib.restore(db, dump)
    with pytest.raises(BackupError, match="live database itself"):
        lib.restore(db, live)
    assert names(live) == ["Acme"]
