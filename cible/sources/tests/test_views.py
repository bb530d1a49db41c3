"""The data source section of the KR page, its form and its buttons: who may do what."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cible.audit.models import AuditEntry
from cible.checkins.models import CheckIn
from cible.okrs.models import KeyResult
from cible.sources.models import DataSource

from .conftest import Server, make_source

pytestmark = pytest.mark.django_db


def url(world, name: str = "key_result_source", kr: KeyResult | None = None) -> str:  # type: ignore[no-untyped-def]
    kr = kr or world.kr
    return reverse(name, args=[kr.objective.organization.slug, kr.pk])


def json_body(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "json",
        "url": "http://127.0.0.1:9/kpi.json",
        "path": "a.b",
        "every": "day",
    } | extra


def page(client: Client, world) -> str:  # type: ignore[no-untyped-def]
    response = client.get(world.kr.get_absolute_url())
    assert response.status_code == 200
    return str(response.content.decode())


# Configuring


def test_an_editor_configures_a_json_source(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.bob)

    response = client.post(url(world), json_body(every="minutes", minutes="30"))

    assert response.status_code == 302
    source = DataSource.objects.get(key_result=world.kr)
    assert (source.kind, source.url, source.path) == ("json", "http://127.0.0.1:9/kpi.json", "a.b")
    assert source.minutes == 30 and source.enabled and source.created_by == world.bob
    assert source.next_run_at is not None
    entry = AuditEntry.objects.filter(target_type="key_result", target_id=world.kr.pk).latest("pk")
    assert entry.after == {"data_source": "json, Every 30 minutes"}


def test_changing_the_source_keeps_its_creator_and_clears_its_failure(world) -> None:  # type: ignore[no-untyped-def]
    make_source(world.kr, world.bob, url="http://127.0.0.1:9/a", last_error="bad_json")
    client = world.client_for(world.alice)

    response = client.post(url(world), json_body(kind="csv", url="", file="kpi.csv", column="n"))

    assert response.status_code == 302
    source = DataSource.objects.get(key_result=world.kr)
    assert (source.kind, source.file, source.column, source.url, source.path) == (
        "csv",
        "kpi.csv",
        "n",
        "",
        "",
    )
    assert source.created_by == world.bob and source.last_error == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": ""}, "url"),
        ({"url": "ftp://example.com/kpi.json"}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"path": "a..b"}, "path"),
        ({"kind": "csv", "url": "", "file": "", "column": "n"}, "file"),
        ({"kind": "csv", "file": "kpi.csv", "column": "n"}, "file"),
        ({"kind": "csv", "url": "", "file": "../../etc/passwd", "column": "n"}, "file"),
        ({"kind": "csv", "column": ""}, "column"),
        ({"kind": "kafka"}, "kind"),
        ({"every": "minutes", "minutes": "5"}, "minutes"),
        ({"every": "minutes", "minutes": ""}, "minutes"),
        ({"every": "fortnight"}, "every"),
    ],
)
def test_bad_input_is_a_form_error(world, body: dict[str, str], field: str) -> None:  # type: ignore[no-untyped-def]
    response = world.client_for(world.bob).post(url(world), json_body(**body))

    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not DataSource.objects.exists()


def test_the_form_names_what_to_correct(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client_for(world.bob).post(url(world), json_body(url=""))

    assert "Enter the address of the JSON document." in response.content.decode()


def test_a_symlink_out_of_the_folder_is_refused(world, files: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "secret.csv").write_text("n\n1\n")
    (files / "link.csv").symlink_to(tmp_path / "secret.csv")
    body = json_body(kind="csv", url="", file="link.csv", column="n")

    response = world.client_for(world.bob).post(url(world), body)

    assert response.status_code == 422
    assert "file" in response.context["form"].errors


def test_a_key_result_following_an_objective_takes_no_source(world) -> None:  # type: ignore[no-untyped-def]
    KeyResult.objects.filter(pk=world.kr.pk).update(driven_by=world.company_objective)

    response = world.client_for(world.alice).post(url(world), json_body())

    assert response.status_code == 422
    assert "follows the progress of an objective" in response.content.decode()
    assert not DataSource.objects.exists()


# SQL is for admins and owners


def sql_body(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "sql",
        "database": "sales",
        "query": "SELECT count(*) FROM orders",
        "every": "hour",
    } | extra


def test_an_admin_configures_an_sql_source(world, company_db: Path) -> None:  # type: ignore[no-untyped-def]
    response = world.client_for(world.adam).post(url(world), sql_body())

    assert response.status_code == 302
    assert DataSource.objects.get().query == "SELECT count(*) FROM orders"


def test_a_member_may_not_configure_an_sql_source(world, company_db: Path) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.bob)
    assert "SQL query on a company database" not in client.get(url(world)).content.decode()

    response = client.post(url(world), sql_body())

    assert response.status_code == 422
    assert "administrator" in response.context["form"].errors["kind"][0]
    assert not DataSource.objects.exists()


def test_an_unknown_database_is_a_form_error(world, company_db: Path) -> None:  # type: ignore[no-untyped-def]
    response = world.client_for(world.alice).post(url(world), sql_body(database="crm"))

    assert response.status_code == 422
    assert "database" in response.context["form"].errors


def test_a_member_may_run_an_sql_source_but_not_change_it(world, company_db: Path) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world.kr, world.alice, kind="sql", database="sales", query="SELECT 1.5")
    client = world.client_for(world.bob)

    assert client.get(url(world)).status_code == 403
    assert client.post(url(world), json_body()).status_code == 403
    assert client.post(url(world, "key_result_source_enable"), {"enabled": "0"}).status_code == 403
    assert client.post(url(world, "key_result_source_delete")).status_code == 403
    assert "SELECT 1.5" not in page(client, world)

    assert client.post(url(world, "key_result_source_run")).status_code == 302
    assert KeyResult.objects.get(pk=world.kr.pk).current == Decimal("1.5")
    source.refresh_from_db()
    assert source.kind == "sql" and source.enabled


# Running, turning off, removing


def test_run_now_checks_the_value_in(world, server: Server) -> None:  # type: ignore[no-untyped-def]
    make_source(world.kr, world.bob, url=server.set("/kpi.json", '{"v": 1.25}'), path="v")
    client = world.client_for(world.bob)

    response = client.post(url(world, "key_result_source_run"), follow=True)

    assert "its value was checked in" in response.content.decode()
    assert KeyResult.objects.get(pk=world.kr.pk).current == Decimal("1.25")


def test_a_failing_source_shows_its_error_to_editors_and_since_when_to_others(
    world, server: Server
) -> None:  # type: ignore[no-untyped-def]
    secret = server.url("/kpi.json?token=s3cr3t")
    make_source(world.kr, world.bob, url=secret, path="v")
    world.client_for(world.bob).post(url(world, "key_result_source_run"))

    text = page(world.client_for(world.vera), world)
    editor = page(world.client_for(world.bob), world)

    assert "Data source failing since" in text
    assert "HTTP status 404" not in text
    assert "s3cr3t" not in text  # the address is for editors only
    assert "Run now" not in text
    assert "The address answered with HTTP status 404." in editor
    assert "s3cr3t" in editor


@pytest.mark.parametrize(
    "body",
    [
        '{"v": "hunter2"}',
        '"hunter2"',
        '{"v": {"password": "hunter2"}}',
        '{"v": 1e99999, "w": "hunter2"}',
    ],
)
def test_what_a_source_read_never_reaches_the_page(world, server: Server, body: str) -> None:  # type: ignore[no-untyped-def]
    path = "" if body.startswith('"') else "v"
    make_source(world.kr, world.bob, url=server.set("/internal.json", body), path=path)
    world.client_for(world.bob).post(url(world, "key_result_source_run"), follow=True)

    source = DataSource.objects.get(key_result=world.kr)
    assert source.is_failing
    assert "hunter2" not in str(source.last_error_params)
    for person in (world.vera, world.bob, world.alice):
        text = page(world.client_for(person), world)
        assert "Data source failing since" in text
        assert "hunter2" not in text
    assert "is not a number" in page(world.client_for(world.bob), world) or (
        "too large" in page(world.client_for(world.bob), world)
    )


def test_a_source_on_an_internal_address_is_refused_with_a_clear_reason(
    world, server: Server, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.OUTBOUND_ALLOW = []
    source_url = server.set("/internal.json", '{"v": "hunter2"}')
    make_source(world.kr, world.bob, url=source_url, path="v")

    response = world.client_for(world.bob).post(url(world, "key_result_source_run"), follow=True)

    assert server.hits == []
    text = response.content.decode()
    assert "is on a private or internal network" in text
    assert "CIBLE_OUTBOUND_ALLOW" in text
    assert "hunter2" not in text
    assert DataSource.objects.get(key_result=world.kr).last_error == "blocked"


def test_a_redirect_to_an_address_not_allowed_is_refused(world, server: Server) -> None:  # type: ignore[no-untyped-def]
    port = server.httpd.server_address[1]
    moved = server.set("/moved", b"", status=302, headers={"Location": f"http://[::1]:{port}/x"})
    make_source(world.kr, world.bob, url=moved, path="v")

    world.client_for(world.bob).post(url(world, "key_result_source_run"))

    assert DataSource.objects.get(key_result=world.kr).last_error == "blocked"
    assert server.hits == ["/moved"]


def test_rows_stored_with_a_read_value_no_longer_show_it(world) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world.kr, world.bob, url="https://kpi.example.test/v.json", path="v")
    DataSource.objects.filter(pk=source.pk).update(
        last_error="not_a_number",
        last_error_params={"value": "hunter2"},
        failing_since="2026-01-05T09:00:00Z",
    )

    editor = page(world.client_for(world.bob), world)

    assert "The value read is not a number." in editor
    assert "hunter2" not in editor


def test_turning_off_and_on(world) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world.kr, world.bob, url="http://127.0.0.1:9/kpi.json")
    client = world.client_for(world.bob)

    client.post(url(world, "key_result_source_enable"), {"enabled": "0"})
    source.refresh_from_db()
    assert not source.enabled
    assert "Off: runs only when asked" in page(client, world)

    client.post(url(world, "key_result_source_enable"), {"enabled": "1"})
    source.refresh_from_db()
    assert source.enabled and source.next_run_at is not None

    assert client.post(url(world, "key_result_source_enable"), {"enabled": "x"}).status_code == 422


def test_removing_keeps_the_check_ins(world, server: Server) -> None:  # type: ignore[no-untyped-def]
    make_source(world.kr, world.bob, url=server.set("/kpi.json", "1.5"))
    client = world.client_for(world.bob)
    client.post(url(world, "key_result_source_run"))

    response = client.post(url(world, "key_result_source_delete"))

    assert response.status_code == 302
    assert not DataSource.objects.exists()
    assert CheckIn.objects.filter(key_result=world.kr).count() == 1


def test_buttons_without_a_source_say_so(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.bob)
    for name in ("key_result_source_run", "key_result_source_enable", "key_result_source_delete"):
        response = client.post(url(world, name), {"enabled": "1"}, follow=True)
        assert "has no data source" in response.content.decode()


# Who sees what


def test_a_viewer_sees_no_section_without_a_source(world) -> None:  # type: ignore[no-untyped-def]
    assert 'id="data-source"' not in page(world.client_for(world.vera), world)
    text = page(world.client_for(world.bob), world)
    assert "Feed this key result from a data source" in text


@pytest.mark.parametrize(
    "name",
    [
        "key_result_source",
        "key_result_source_run",
        "key_result_source_enable",
        "key_result_source_delete",
    ],
)
def test_viewer_gets_403_and_outsider_404(world, name: str) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world.kr, world.bob, url="http://127.0.0.1:9/kpi.json")

    assert world.client_for(world.vera).post(url(world, name), json_body()).status_code == 403
    assert world.client_for(world.oscar).post(url(world, name), json_body()).status_code == 404
    foreign = reverse(name, args=["globex", world.kr.pk])
    assert world.client_for(world.oscar).post(foreign, json_body()).status_code == 404
    source.refresh_from_db()
    assert source.enabled and source.url == "http://127.0.0.1:9/kpi.json"


def test_the_page_query_count_does_not_grow_with_a_source(
    world, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.bob)
    page(client, world)
    make_source(world.kr, world.bob, url="http://127.0.0.1:9/kpi.json")
    with django_assert_max_num_queries(40):
        page(client, world)
