"""Data sources feed KPIs too: a run records the value read through the KPI service; a
failure records nothing and is shown in full to managers only."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cible.kpis.models import KPI, KPIValue
from cible.sources import services
from cible.sources.models import DataSource
from conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "sources"
    folder.mkdir()
    settings.SOURCE_FILES_DIR = folder
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return folder


def csv_source(kpi: KPI, world: World, files: Path, text: str) -> DataSource:
    (files / "uptime.csv").write_text(text)
    return services.save_source(
        kpi, world.bob, {"kind": "csv", "file": "uptime.csv", "column": "uptime", "every": "day"}
    )


def test_a_source_records_the_kpi_value(world: World, kpi: KPI, files: Path) -> None:
    source = csv_source(kpi, world, files, "day,uptime\n1,99.9\n2,98.4\n")
    assert services.run_now(source) == "recorded"
    value = KPIValue.objects.get()
    assert value.value == Decimal("98.4") and value.origin == "source"
    assert value.author == world.bob
    kpi.refresh_from_db()
    assert kpi.status == "critical"
    # The same value again the same day: nothing new.
    source.refresh_from_db()
    assert services.run_now(source) == "unchanged"
    assert KPIValue.objects.count() == 1


def test_the_same_value_is_recorded_again_on_another_day(
    world: World, kpi: KPI, files: Path
) -> None:
    source = csv_source(kpi, world, files, "uptime\n99.9\n")
    services.run_now(source, timezone.now() - timedelta(days=2))
    source.refresh_from_db()
    assert services.run_now(source) == "recorded"
    assert KPIValue.objects.count() == 2


def test_a_failure_records_nothing_and_shows_in_full_to_managers_only(
    world: World, kpi: KPI, files: Path
) -> None:
    source = csv_source(kpi, world, files, "uptime\nnot a number\n")
    assert services.run_now(source) == "failed"
    assert not KPIValue.objects.exists()
    url = reverse("kpi_detail", args=["acme", kpi.pk])
    managed = world.client_for(world.bob).get(url).text
    assert "Data source failing since" in managed and "not a number" in managed
    assert "uptime.csv" in managed
    read_only = world.client_for(world.vera).get(url).text
    assert "Data source failing since" in read_only
    assert "uptime.csv" not in read_only and "not a number" not in read_only


def test_an_archived_kpi_is_not_read(world: World, kpi: KPI, files: Path) -> None:
    source = csv_source(kpi, world, files, "uptime\n99\n")
    kpi.archived = True
    kpi.save()
    source.refresh_from_db()
    assert services.run_now(source) == "skipped"
    assert not services.due_sources(timezone.now() + timedelta(days=1)).exists()


def test_a_manager_sets_the_source_up_from_the_kpi_page(
    world: World, kpi: KPI, files: Path
) -> None:
    (files / "uptime.csv").write_text("uptime\n99.7\n")
    url = reverse("kpi_source", args=["acme", kpi.pk])
    body = {"kind": "csv", "file": "uptime.csv", "column": "uptime", "every": "day"}
    assert world.client_for(world.vera).post(url, body).status_code == 403
    assert world.client_for(world.oscar).post(url, body).status_code == 404
    assert world.client_for(world.bob).get(url).status_code == 200
    assert world.client_for(world.bob).post(url, body).status_code == 302
    source = DataSource.objects.get(kpi=kpi)
    run = reverse("kpi_source_run", args=["acme", kpi.pk])
    assert world.client_for(world.bob).post(run).status_code == 302
    assert KPIValue.objects.get().value == Decimal("99.7")
    off = reverse("kpi_source_enable", args=["acme", kpi.pk])
    world.client_for(world.bob).post(off, {"enabled": "0"})
    source.refresh_from_db()
    assert not source.enabled
    world.client_for(world.bob).post(reverse("kpi_source_delete", args=["acme", kpi.pk]))
    assert not DataSource.objects.exists() and KPIValue.objects.count() == 1


def test_a_source_feeds_exactly_one_thing(world: World, kpi: KPI) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DataSource.objects.create(kind="json", url="https://example.com/x")
    with pytest.raises(IntegrityError), transaction.atomic():
        DataSource.objects.create(kind="json", url="https://x.test/", kpi=kpi, key_result=world.kr)
