"""`cible export`: the OKR file as YAML or JSON, a cycle's table as CSV or XLSX (where a
spreadsheet never runs what a person typed), in a bounded number of queries."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cible.checkins.services import record_check_in
from cible.okrfiles.schema import read
from cible.okrs.models import Level
from cible.okrs.services import create_key_result, create_objective

from .rich import Rich, build_rich

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(world) -> Rich:  # type: ignore[no-untyped-def]
    return build_rich(world)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("export", "--org", "acme", *args, stdout=out)
    return out.getvalue()


def test_yaml_goes_to_standard_output_and_reads_back_without_a_problem(rich: Rich) -> None:
    text = run()
    document = yaml.safe_load(text)
    assert document["organization"]["slug"] == "acme"
    assert read(text)[1] == []
    # The description keeps its line break, as a block.
    assert "description: |-\n    Line one\n    Line two: =SUM(A1)" in text


def test_json_parses_and_keeps_every_digit(rich: Rich) -> None:
    document = json.loads(run("--format", "json"))
    budget = next(
        kr
        for objective in document["objectives"]
        for kr in objective["key_results"]
        if kr["title"] == "Stay within budget"
    )
    assert (budget["target_max"], budget["weight"]) == ("30.25", "2.5")
    assert read(json.dumps(document))[1] == []


def test_secrets_stay_out_unless_asked_for(rich: Rich) -> None:
    assert "chat.example.com" not in run()
    assert "https://chat.example.com/hooks/secret" in run("--with-secrets")


def test_one_cycle_brings_its_year_and_only_its_objectives(rich: Rich) -> None:
    document = yaml.safe_load(run("--cycle", "Past"))
    assert [c["name"] for c in document["cycles"]] == ["Year", "Past"]
    assert [o["title"] for o in document["objectives"]] == ["Win back trust"]
    assert [r["kind"] for r in document["reviews"]] == ["quarterly"]
    assert "dependencies" not in document
    by_number = yaml.safe_load(run("--cycle", str(rich.world.cycle.pk)))
    assert {o["cycle"] for o in by_number["objectives"]} == {"Now"}


def test_an_unknown_cycle_or_organisation_is_named(rich: Rich) -> None:
    with pytest.raises(CommandError, match="no cycle “Later”"):
        run("--cycle", "Later")
    with pytest.raises(CommandError, match="no organisation “nowhere”"):
        call_command("export", "--org", "nowhere")


def test_csv_is_the_okr_table_with_formulas_neutralised(rich: Rich, tmp_path: Path) -> None:
    create_objective(
        rich.world.org,
        rich.world.bob,
        cycle=rich.world.cycle,
        title="=HYPERLINK(evil)",
        level=Level.PERSON,
    )
    rows = list(csv.reader(io.StringIO(run("--format", "csv"))))
    assert rows[0][:3] == ["Type", "Objective", "Key result"]
    assert ["Objective", "'=HYPERLINK(evil)"] in [row[:2] for row in rows]
    # A file gets the byte-order mark spreadsheets need; the check-ins table too.
    path = tmp_path / "check-ins.csv"
    call_command(
        "export",
        "--org",
        "acme",
        "--format",
        "csv",
        "--table",
        "check-ins",
        "--cycle",
        "Past",
        "--output",
        str(path),
    )
    data = path.read_text(encoding="utf-8")
    assert data.startswith("\ufeffKey result,")
    assert "'=cmd|' /C calc'!A0" in data


def test_xlsx_needs_a_file_and_holds_text_as_text(rich: Rich, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--output"):
        run("--format", "xlsx")
    create_objective(
        rich.world.org,
        rich.world.bob,
        cycle=rich.world.cycle,
        title="=1+1",
        level=Level.PERSON,
    )
    path = tmp_path / "okrs.xlsx"
    run("--format", "xlsx", "--output", str(path))
    sheet = load_workbook(path).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "=1+1"]
    assert cells
    assert all(cell.data_type == "s" for cell in cells)


def test_an_unwritable_output_is_a_clear_error(rich: Rich, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot write"):
        run("--output", str(tmp_path / "missing" / "okrs.yaml"))


def _grow(rich: Rich, count: int) -> None:
    world = rich.world
    for n in range(count):
        objective = create_objective(
            world.org,
            world.bob,
            parents=[world.company_objective],
            cycle=world.cycle,
            title=f"More {n}",
            level=Level.TEAM,
            team=rich.sales,
        )
        kr = create_key_result(objective, world.bob, title="Count", target=Decimal(10))
        record_check_in(kr, world.bob, Decimal(n), 5)


def test_the_number_of_queries_does_not_grow_with_the_organisation(rich: Rich) -> None:
    with CaptureQueriesContext(connection) as before:
        run()
    _grow(rich, 6)
    with CaptureQueriesContext(connection) as after:
        run()
    assert len(after.captured_queries) == len(before.captured_queries)
    assert len(before.captured_queries) <= 20, len(before.captured_queries)
