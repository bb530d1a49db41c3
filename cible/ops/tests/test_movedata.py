"""`cible move-data`: a whole instance copied into an empty database of the other kind,
every table checked; SQLite -> PostgreSQL and PostgreSQL -> SQLite on a small
organisation. The PostgreSQL half needs the server on 127.0.0.1:5432."""

import io
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cible.api.tokens import create_token
from cible.okrfiles.tests.rich import build_rich
from cible.okrs.models import Objective
from cible.ops.movedata import MoveError, database, kind_of, move
from cible.orgs.models import Organization
from conftest import World

pytestmark = pytest.mark.django_db

THROWAWAY = f"cible_move_{secrets.token_hex(4)}"  # one per run: runs may overlap
SERVER = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    try:
        server = psycopg.connect(SERVER, autocommit=True)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is unreachable on 127.0.0.1:5432, no move to or from it: {error}")
    with server:
        server.execute(f'DROP DATABASE IF EXISTS "{THROWAWAY}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{THROWAWAY}"')
        yield f"postgres://postgres@127.0.0.1:5432/{THROWAWAY}"
        server.execute(f'DROP DATABASE IF EXISTS "{THROWAWAY}" WITH (FORCE)')


def small_instance(world: World) -> None:
    build_rich(world)
    create_token(world.alice, "CI", "write")


def test_a_whole_instance_moves_to_the_other_kind_and_back_unchanged(
    world: World, tmp_path: Path, postgres_url: str
) -> None:
    small_instance(world)
    sqlite_url = f"sqlite:///{tmp_path / 'moved.sqlite3'}"
    if kind_of("default") == "sqlite":
        first, second = postgres_url, sqlite_url
    else:
        first, second = sqlite_url, postgres_url
    checks = move("default", first)
    rows = {check.table: check.rows for check in checks}
    assert rows["okrs_objective"] == Objective.objects.count() > 0
    assert rows["checkins_checkin"] > 0 and rows["api_apitoken"] == 1
    assert rows["audit_auditentry"] > 0 and rows["okrs_objective_parents"] > 0
    with database(first, "cible_move_middle") as middle:
        assert kind_of(middle) != kind_of("default")
        again = move(middle, second)
    assert again == checks
    with database(second, "cible_move_final") as final:
        assert kind_of(final) == kind_of("default")
        # The ids go on after the copied ones (PostgreSQL's sequences were moved on).
        highest = max(Organization.objects.values_list("pk", flat=True))
        created = Organization.objects.using(final).create(name="After", slug="after")
        assert created.pk > highest


def test_a_target_that_holds_data_is_refused(world: World, tmp_path: Path) -> None:
    small_instance(world)
    url = f"sqlite:///{tmp_path / 'moved.sqlite3'}"
    move("default", url)
    with pytest.raises(MoveError, match="already holds people or organisations"):
        move("default", url)


def test_the_source_itself_is_refused_as_a_target(world: World, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    with (
        database(url, "cible_move_live") as live,
        pytest.raises(MoveError, match="the database Cible runs on"),
    ):
        move(live, url)


def test_an_unreachable_target_is_one_clear_error(world: World) -> None:
    with pytest.raises(CommandError, match="Cannot connect to postgres://postgres:\\*\\*\\*@"):
        call_command("move-data", "--to", "postgres://postgres:secret@127.0.0.1:1/nowhere")


def test_the_command_says_how_to_switch_over(world: World, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'moved.sqlite3'}"
    out = io.StringIO()
    call_command("move-data", "--to", url, stdout=out)
    assert "every table has the same rows and checksum" in out.getvalue()
    assert f"set CIBLE_DATABASE_URL={url}" in out.getvalue()
