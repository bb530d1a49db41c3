"""Importing a KPI's values from a CSV file: all or none, every bad line named."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cible.kpis import importing, services
from cible.kpis.models import KPI, KPIValue
from conftest import World

pytestmark = pytest.mark.django_db


def upload(world: World, kpi: KPI, content: bytes, language: str = "en") -> object:
    client = world.client_for(world.bob)
    file = SimpleUploadedFile("values.csv", content, content_type="text/csv")
    return client.post(
        reverse("kpi_import", args=["acme", kpi.pk]), {"file": file}, HTTP_ACCEPT_LANGUAGE=language
    )


def test_it_imports_every_line(world: World, kpi: KPI) -> None:
    content = b"date,value,note\n2026-01-05,99.8,\n2026-01-12,98.2,outage\n"
    response = upload(world, kpi, content)
    assert response.status_code == 302  # type: ignore[attr-defined]
    values = list(KPIValue.objects.order_by("measured_at"))
    assert [v.value for v in values] == [Decimal("99.8"), Decimal("98.2")]
    assert values[1].note == "outage" and values[1].origin == "csv"
    kpi.refresh_from_db()
    assert kpi.status == "critical"


def test_semicolons_and_the_french_decimal_comma(world: World, kpi: KPI) -> None:
    content = b"date;valeur;note\n05/01/2026;99,8;\n2026-01-12;99,9;ok\n"
    assert upload(world, kpi, content, "fr").status_code == 302  # type: ignore[attr-defined]
    assert sorted(KPIValue.objects.values_list("value", flat=True)) == [
        Decimal("99.8"),
        Decimal("99.9"),
    ]


def test_bad_lines_are_named_and_nothing_is_stored(world: World, kpi: KPI) -> None:
    content = (
        b"date,value\n2026-01-05,99.8\n2026-13-01,99\n2026-01-19,abc\n2026-01-26,NaN\n"
        b"2099-01-01,99\n2026-02-02,1e30\n"
    )
    response = upload(world, kpi, content)
    assert response.status_code == 422  # type: ignore[attr-defined]
    text = response.content.decode()  # type: ignore[attr-defined]
    for line in (3, 4, 5, 6, 7):
        assert f"Line {line}:" in text
    assert "Line 2:" not in text
    assert not KPIValue.objects.exists()


def test_a_file_without_header_or_too_large_is_refused(world: World, kpi: KPI) -> None:
    assert upload(world, kpi, b"2026-01-05,99\n").status_code == 422  # type: ignore[attr-defined]
    big = b"date,value\n" + b"2026-01-05,99\n" * (importing.MAX_BYTES // 10)
    assert upload(world, kpi, big).status_code == 422  # type: ignore[attr-defined]
    assert upload(world, kpi, b"\xff\xfe").status_code == 422  # type: ignore[attr-defined]
    assert not KPIValue.objects.exists()


def test_parse_reports_bad_lines() -> None:
    with pytest.raises(ValidationError) as error:
        importing.parse(b"date,value\n2026-01-05,\n")
    assert "Line 2" in str(error.value)


def test_a_value_the_service_refuses_is_said_on_the_file(
    world: World, kpi: KPI, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The service's refusal is keyed by the value's field, which the form has not: the page
    says it on the file (422), never a 500, and nothing is stored."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise ValidationError({"value": ["Enter a number."]})

    monkeypatch.setattr(services, "record_values", refuse)
    response = upload(world, kpi, b"date,value\n2026-01-05,99.8\n")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "Enter a number." in response.content.decode()  # type: ignore[attr-defined]
    assert not KPIValue.objects.exists()
