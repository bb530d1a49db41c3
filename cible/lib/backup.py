"""Backups of Cible's database, and their restoration.

- SQLite: an online copy through SQLite's backup API (`sqlite3.Connection.backup`). The
  copy is one consistent snapshot even while the server writes (a WAL reader never blocks
  the writers), and it lands in a single self-contained file. A restore runs the same API
  the other way, from the backup file into the live database: SQLite applies it in one
  write transaction, so a crash or an error leaves the database as it was, and the
  server's connections see either the old database or the restored one, never a mix.
- PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --no-owner
  --single-transaction`. The connection settings travel in the PG* environment variables
  of the child process (PGPASSWORD...), never on its command line, where any user of the
  machine could read them.

Every function takes Django's database settings (one `DATABASES` entry) as a plain
mapping, so they are testable without a configured project.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
EXTENSIONS = {SQLITE: ".sqlite3", POSTGRESQL: ".dump"}
DEFAULT_SQLITE_TIMEOUT = 20.0
PG_TIMEOUT = 3600  # seconds: a dump or a restore that takes longer has hung

# DATABASES["OPTIONS"] keys that libpq reads from the environment too.
PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}

DbSettings = Mapping[str, Any]


class BackupError(Exception):
    """A backup or a restore that cannot go ahead; the message says why, for people."""


@dataclass(frozen=True)
class Outcome:
    kind: str  # SQLITE or POSTGRESQL
    database: str  # the SQLite file, or the PostgreSQL database's name
    path: Path  # the backup file
    size: int  # its size, in bytes


def kind_of(db: DbSettings) -> str:
    engine = str(db.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        return SQLITE
    if engine.endswith(("postgresql", "postgis")):
        return POSTGRESQL
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine or 'this database'}.")


def default_path(db: DbSettings, data_dir: Path, now: datetime) -> Path:
    """DATA_DIR/backups/cible-<timestamp>.sqlite3 (or .dump), never an existing file."""
    return _fresh_name(Path(data_dir) / "backups", kind_of(db), now)


def _fresh_name(folder: Path, kind: str, now: datetime) -> Path:
    stem, extension = f"cible-{now:%Y%m%d-%H%M%S}", EXTENSIONS[kind]
    path = folder / f"{stem}{extension}"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}{extension}"
    return path


def target_path(
    db: DbSettings, path: Path | None, data_dir: Path, now: datetime, force: bool = False
) -> Path:
    """Where a backup goes: PATH, a new file in PATH when it is a folder, or the default."""
    if path is None:
        return default_path(db, data_dir, now)
    path = Path(path)
    if path.is_dir():
        return _fresh_name(path, kind_of(db), now)
    if path.exists() and not force:
        raise BackupError(f"{path} already exists: choose another path, or pass --force.")
    return path


def backup(db: DbSettings, path: Path) -> Outcome:
    """Copy the database into `path` (written beside it first, then moved into place, so
    `path` is never a half-written backup)."""
    kind = kind_of(db)
    path = Path(path).absolute()
    _refuse_the_live_database(db, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        if path.parent.name == "backups":
            path.parent.chmod(0o700)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        if kind == SQLITE:
            _sqlite_backup(db, partial)
        else:
            _pg_dump(db, partial)
        partial.chmod(0o600)  # it holds password hashes and every organisation's data
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Outcome(kind, database_label(db), path, path.stat().st_size)


def check_backup_file(db: DbSettings, path: Path) -> None:
    """Refuse a missing file, or a file that is not a backup for this kind of database."""
    kind = kind_of(db)
    path = Path(path)
    if not path.exists():
        raise BackupError(f"No backup file at {path}.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if kind == SQLITE and not head.startswith(SQLITE_MAGIC):
        hint = (
            " It is a PostgreSQL dump: restore it with CIBLE_DATABASE_URL set to a"
            " PostgreSQL database."
            if head.startswith(PGDUMP_MAGIC)
            else ""
        )
        raise BackupError(f"{path} is not an SQLite backup of Cible.{hint}")
    if kind == POSTGRESQL and not head.startswith(PGDUMP_MAGIC):
        hint = (
            " It is an SQLite backup: restore it without CIBLE_DATABASE_URL (SQLite)."
            if head.startswith(SQLITE_MAGIC)
            else ""
        )
        raise BackupError(
            f"{path} is not a PostgreSQL backup of Cible (pg_dump custom format).{hint}"
        )
    if kind == SQLITE:
        _check_sqlite_file(path)
    else:
        _check_pg_archive(path)


def restore(db: DbSettings, path: Path) -> Outcome:
    """Replace the whole content of the database with the backup's, in one transaction."""
    kind = kind_of(db)
    path = Path(path).absolute()
    _refuse_the_live_database(db, path)
    check_backup_file(db, path)
    if kind == SQLITE:
        _sqlite_restore(db, path)
    else:
        _pg_restore(db, path)
    return Outcome(kind, database_label(db), path, path.stat().st_size)


def database_label(db: DbSettings) -> str:
    if kind_of(db) == SQLITE:
        return str(db["NAME"])
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"{db['NAME']} on {host}{port}"


# SQLite --------------------------------------------------------------------------------


def _sqlite_timeout(db: DbSettings) -> float:
    return float((db.get("OPTIONS") or {}).get("timeout", DEFAULT_SQLITE_TIMEOUT))


def _sqlite_live_path(db: DbSettings) -> Path:
    name = str(db.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"The SQLite database {name!r} is not a file: nothing to back up.")
    return Path(name)


def _refuse_the_live_database(db: DbSettings, path: Path) -> None:
    if kind_of(db) != SQLITE:
        return
    live = _sqlite_live_path(db).resolve()
    if path.resolve() in {live, *(live.with_name(live.name + end) for end in ("-wal", "-shm"))}:
        raise BackupError(f"{path} is the live database itself: choose another file.")


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


def _sqlite_backup(db: DbSettings, partial: Path) -> None:
    live = _sqlite_live_path(db)
    if not live.is_file():
        raise BackupError(f"No database at {live}: run `cible migrate` first.")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(live, timeout=_sqlite_timeout(db))
    try:
        target = sqlite3.connect(partial)
        try:
            # pages=-1: the whole database in one step, that is one read transaction on the
            # source, one consistent snapshot whatever the server commits meanwhile.
            source.backup(target, pages=-1)
            # A single file, without a -wal beside it, that any SQLite opens read-only.
            target.execute("PRAGMA journal_mode=DELETE")
            result = target.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"The copy failed its check ({result}): backup abandoned.")
        finally:
            target.close()
    finally:
        source.close()


def _check_sqlite_file(path: Path) -> None:
    try:
        connection = _read_only(path)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error}).") from error
    if result != "ok":
        raise BackupError(f"{path} is damaged ({result}): nothing restored.")
    if not {"django_migrations", "orgs_organization"} <= tables:
        raise BackupError(f"{path} is an SQLite database, but not one of Cible.")


def _sqlite_restore(db: DbSettings, path: Path) -> None:
    live = _sqlite_live_path(db)
    live.parent.mkdir(parents=True, exist_ok=True)
    source = _read_only(path)
    try:
        target = sqlite3.connect(live, timeout=_sqlite_timeout(db))
        try:
            # One step into the live database: one write transaction, which waits its turn
            # behind the server's writers (busy timeout) and commits all or nothing.
            source.backup(target, pages=-1)
            result = target.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.OperationalError as error:
            raise BackupError(f"Restore failed, the database is unchanged ({error}).") from error
        finally:
            target.close()
    finally:
        source.close()
    if result != "ok":
        raise BackupError(f"The restored database fails its check ({result}).")


# PostgreSQL ----------------------------------------------------------------------------


def pg_environment(db: DbSettings, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of pg_dump and pg_restore: the PG* variables libpq reads, from the
    database settings. Unset settings leave the inherited variables alone, as libpq (and
    so Django) would use them."""
    env = dict(os.environ if base is None else base)
    pairs = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
    }
    options = db.get("OPTIONS") or {}
    for option, variable in PG_OPTION_VARIABLES.items():
        pairs[variable] = options.get(option)
    for variable, value in pairs.items():
        if value not in (None, ""):
            env[variable] = str(value)
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found: install PostgreSQL's client tools (e.g. postgresql-client),"
            " of the same major version as the server or newer."
        )
    return found


def _run_pg(db: DbSettings, command: list[str], what: str) -> None:
    try:
        result = subprocess.run(
            command,
            env=pg_environment(db),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=PG_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BackupError(f"{what} did not finish within {PG_TIMEOUT} s.") from error
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{what} failed (exit status {result.returncode}): {detail}")


def _pg_dump(db: DbSettings, partial: Path) -> None:
    # The database name comes from PGDATABASE, like the credentials.
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}"]
    _run_pg(db, command, "pg_dump")


def _check_pg_archive(path: Path) -> None:
    command = [_pg_tool("pg_restore"), "--list", str(path)]
    result = subprocess.run(
        command, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{path} is not a readable pg_dump archive: {result.stderr.strip()}")
    if "django_migrations" not in result.stdout:
        raise BackupError(f"{path} is a PostgreSQL dump, but not one of Cible.")


def _pg_restore(db: DbSettings, path: Path) -> None:
    # pg_restore restores into a database only when told which with --dbname (otherwise it
    # prints SQL); the name is no secret, the credentials stay in the environment.
    # --single-transaction: all or nothing, an error rolls the whole restore back.
    command = [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--no-password",
        f"--dbname={db['NAME']}",
        str(path),
    ]
    _run_pg(db, command, "pg_restore")
