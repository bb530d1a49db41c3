"""A source run end to end: each kind feeds its KR; every failure writes nothing, says why,
and tells the owner once per streak; a success recovers."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation

from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.okrs.models import KeyResult
from cible.orgs.models import Membership
from cible.sources import services
from cible.sources.models import DataSource

from .conftest import Server, make_source

pytestmark = pytest.mark.django_db


def check_ins(kr: KeyResult) -> list[Decimal]:
    return list(
        CheckIn.objects.filter(key_result=kr).order_by("created_at").values_list("value", flat=True)
    )


def reload(kr: KeyResult) -> KeyResult:
    return KeyResult.objects.get(pk=kr.pk)


def failure_mails(mailoutbox: list) -> list:  # type: ignore[type-arg]
    return [m for m in mailoutbox if m.extra_headers.get("X-Cible-Notification") == "data-source"]


def test_a_json_source_checks_its_value_in(world, server: Server) -> None:
    url = server.set("/kpi.json", '{"data": {"items": [{"count": 3.25}]}}')
    source = make_source(world.kr, world.bob, url=url, path="data.items[0].count")

    assert services.run_now(source) == "recorded"

    kr = reload(world.kr)
    assert kr.current == Decimal("3.25")
    check_in = CheckIn.objects.get(key_result=kr)
    assert check_in.author == world.bob
    assert "data source" in check_in.comment
    source.refresh_from_db()
    assert source.last_value == Decimal("3.25")
    assert source.last_success_at is not None and source.last_error == ""
    assert source.runs == 1 and source.leased_until is None
    assert source.next_run_at is not None
    assert source.next_run_at > timezone.now() + timedelta(hours=23)


def test_it_keeps_the_confidence_the_owner_gave(world, server: Server) -> None:
    record_check_in(world.kr, world.bob, Decimal(3), confidence=8)
    url = server.set("/kpi.json", "2.5")
    source = make_source(world.kr, world.bob, url=url)

    services.run_now(source)

    assert reload(world.kr).confidence == 8


def test_a_csv_source_reads_the_last_value_of_its_column(world, server: Server) -> None:
    url = server.set("/kpi.csv", "week;hours\n1;3,5\n2;2.75\n3;\n", content_type="text/csv")
    source = make_source(world.kr, world.bob, kind="csv", url=url, column="hours")

    assert services.run_now(source) == "recorded"

    assert reload(world.kr).current == Decimal("2.75")


def test_a_csv_file_in_the_folder_feeds_the_key_result(world, files: Path) -> None:
    (files / "support").mkdir()
    (files / "support" / "response.csv").write_bytes("semaine;délai\n1;3\n2;1.5\n".encode("cp1252"))
    source = make_source(
        world.kr, world.bob, kind="csv", file="support/response.csv", column="délai"
    )

    assert services.run_now(source) == "recorded"

    assert reload(world.kr).current == Decimal("1.5")


def test_a_file_outside_the_folder_is_refused(world, files: Path, tmp_path: Path) -> None:
    (tmp_path / "private.csv").write_text("hours\n9\n")
    source = make_source(world.kr, world.bob, kind="csv", file="../private.csv", column="hours")

    assert services.run_now(source) == "failed"

    source.refresh_from_db()
    assert source.last_error == "outside_folder"
    assert reload(world.kr).current == Decimal(2)


def test_an_sql_source_reads_the_company_database(world, company_db: Path) -> None:
    source = make_source(
        world.kr, world.alice, kind="sql", database="sales", query="SELECT avg(amount) FROM orders"
    )

    assert services.run_now(source) == "recorded"

    assert reload(world.kr).current == Decimal("80.8333")


def test_an_sql_source_cannot_write(world, company_db: Path) -> None:
    source = make_source(
        world.kr, world.alice, kind="sql", database="sales", query="DELETE FROM orders"
    )

    assert services.run_now(source) == "failed"

    source.refresh_from_db()
    assert source.last_error == "query_failed"
    assert (
        "readonly" in source.last_error_params["reason"]
        or "not authorized" in (source.last_error_params["reason"])
    )
    import sqlite3

    with sqlite3.connect(company_db) as check:
        assert check.execute("SELECT count(*) FROM orders").fetchone() == (3,)
    check.close()


FAILURES = [
    ("/missing.json", None, "http_status"),
    ("/bad.json", "{oops", "bad_json"),
    ("/path.json", '{"data": {}}', "missing_path"),
    ("/text.json", '{"data": {"count": "lots"}}', "not_a_number"),
    ("/nan.json", '{"data": {"count": NaN}}', "not_finite"),
    ("/bool.json", '{"data": {"count": true}}', "not_a_number"),
    ("/huge.json", '{"data": {"count": 1e25}}', "too_many_digits"),
    ("/empty.json", "", "bad_json"),
]


@pytest.mark.parametrize(("path", "body", "code"), FAILURES)
def test_a_failing_json_source_writes_nothing(
    world, server: Server, mailoutbox, path: str, body: str | None, code: str
) -> None:
    url = server.set(path, body) if body is not None else server.url(path)
    source = make_source(world.kr, world.bob, url=url, path="data.count")

    assert services.run_now(source) == "failed"

    assert check_ins(world.kr) == []
    assert reload(world.kr).current == Decimal(2)
    source.refresh_from_db()
    assert source.last_error == code
    assert source.failing_since is not None and source.owner_notified
    assert source.error_message()
    assert [m.to for m in failure_mails(mailoutbox)] == [[world.bob.email]]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "csv", "file": "none.csv", "column": "hours"}, "no_file"),
        ({"kind": "csv", "file": "kpi.csv", "column": "minutes"}, "no_column"),
        ({"kind": "csv", "file": "kpi.csv", "column": "note"}, "not_a_number"),
        ({"kind": "csv", "file": "empty.csv", "column": "hours"}, "empty"),
        ({"kind": "sql", "database": "sales", "query": "SELECT amount FROM orders"}, "many_rows"),
        ({"kind": "sql", "database": "sales", "query": "SELECT 1, 2"}, "many_columns"),
        ({"kind": "sql", "database": "sales", "query": "SELECT x FROM y"}, "query_failed"),
        ({"kind": "sql", "database": "crm", "query": "SELECT 1"}, "unknown_database"),
    ],
)
def test_failing_csv_and_sql_sources_write_nothing(
    world, files: Path, company_db: Path, mailoutbox, fields: dict[str, str], code: str
) -> None:
    (files / "kpi.csv").write_text("hours,note\n1,fine\n")
    (files / "empty.csv").write_text("")
    source = make_source(world.kr, world.alice, **fields)

    assert services.run_now(source) == "failed"

    assert check_ins(world.kr) == []
    source.refresh_from_db()
    assert source.last_error == code
    assert len(failure_mails(mailoutbox)) == 1


def test_a_timeout_is_a_failure(world, settings) -> None:  # type: ignore[no-untyped-def]
    import socket

    settings.SOURCE_TIMEOUT = 1
    # A server that accepts the connection and never answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        source = make_source(world.kr, world.bob, url=f"http://127.0.0.1:{port}/kpi.json")

        assert services.run_now(source) == "failed"

    source.refresh_from_db()
    assert source.last_error == "timeout"
    assert check_ins(world.kr) == []


def test_the_owner_is_told_once_per_streak(world, server: Server, mailoutbox) -> None:
    url = server.url("/kpi.json")
    source = make_source(world.kr, world.alice, url=url)

    services.run_now(source)
    first_failure = DataSource.objects.get(pk=source.pk).failing_since
    services.run_now(DataSource.objects.get(pk=source.pk))
    assert len(failure_mails(mailoutbox)) == 1
    assert DataSource.objects.get(pk=source.pk).failing_since == first_failure

    server.set("/kpi.json", "1.5")
    assert services.run_now(DataSource.objects.get(pk=source.pk)) == "recorded"
    source.refresh_from_db()
    assert source.failing_since is None and source.last_error == ""
    assert not source.owner_notified
    assert reload(world.kr).current == Decimal("1.5")

    server.set("/kpi.json", "oops")
    services.run_now(source)
    mails = failure_mails(mailoutbox)
    assert len(mails) == 2  # a new streak, a new mail
    assert world.kr.title in mails[1].subject
    assert "not valid JSON" in mails[1].body
    assert world.kr.get_absolute_url() in mails[1].body


def test_the_mail_is_in_the_organisation_language(world, server: Server, mailoutbox) -> None:
    world.org.language = "fr"
    world.org.save()
    source = make_source(world.kr, world.bob, url=server.url("/nothing"))

    with translation.override("en"):
        services.run_now(source)

    mail = failure_mails(mailoutbox)[0]
    assert mail.body.startswith("Bonjour Bob Durand")  # the greeting is translated already


def test_a_failed_mail_is_tried_again_next_time(
    world, server: Server, mailoutbox, monkeypatch
) -> None:
    def broken(message: object) -> None:
        raise OSError("SMTP is away")

    monkeypatch.setattr(services, "send_message", broken)
    source = make_source(world.kr, world.bob, url=server.url("/nothing"))

    services.run_now(source)

    source.refresh_from_db()
    assert source.last_error == "http_status" and not source.owner_notified


def test_the_same_value_is_not_checked_in_twice_a_week(world, server: Server) -> None:
    url = server.set("/kpi.json", "1.5")
    source = make_source(world.kr, world.bob, url=url)

    assert services.run_now(source) == "recorded"
    source.refresh_from_db()
    assert services.run_now(source) == "unchanged"
    assert check_ins(world.kr) == [Decimal("1.5")]

    server.set("/kpi.json", "1.25")
    source.refresh_from_db()
    assert services.run_now(source) == "recorded"
    assert check_ins(world.kr) == [Decimal("1.5"), Decimal("1.25")]


def test_the_same_value_is_checked_in_again_the_next_week(world, server: Server) -> None:
    url = server.set("/kpi.json", "1.5")
    source = make_source(world.kr, world.bob, url=url)
    now = timezone.now()

    services.run_now(source, now)
    source.refresh_from_db()
    assert services.run_now(source, now + timedelta(days=7)) == "recorded"

    assert check_ins(world.kr) == [Decimal("1.5"), Decimal("1.5")]


def test_the_owner_signs_when_the_creator_left(world, server: Server) -> None:
    url = server.set("/kpi.json", "1.5")
    source = make_source(world.kr, world.adam, url=url)
    Membership.objects.filter(user=world.adam).delete()

    services.run_now(source)

    assert CheckIn.objects.get(key_result=world.kr).author == world.bob


@pytest.mark.parametrize("state", ["closed_cycle", "cancelled", "archived"])
def test_finished_key_results_are_skipped(world, server: Server, state: str) -> None:
    url = server.set("/kpi.json", "1.5")
    source = make_source(world.kr, world.bob, url=url)
    if state == "closed_cycle":
        world.cycle.state = "closed"
        world.cycle.save()
    else:
        KeyResult.objects.filter(pk=world.kr.pk).update(**{f"{state}_at": timezone.now()})

    assert services.run_now(DataSource.objects.get(pk=source.pk)) == "skipped"

    assert check_ins(world.kr) == []
    assert server.hits == []
