"""The OKR file's `kpis:` section and a key result's `guardrails:`: read with their lines
(unknown KPIs, bad thresholds), imported, exported, planned and applied."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cible.kpis.models import KPI, Guardrail
from cible.okrfiles.apply import apply_document
from cible.okrfiles.export import build, to_yaml
from cible.okrfiles.importer import import_document
from cible.okrfiles.plan import make_plan, read_file
from cible.okrfiles.schema import read
from cible.orgs.models import Organization

from .files import VALID, broken, marked_line

pytestmark = pytest.mark.django_db
D = Decimal

KPIS = """\
kpis:
  - {name: Support satisfaction, team: Product, unit: "%", healthy_low: 90, critical_low: 80}
  - name: Stock days
    direction: band
    critical_low: 2
    healthy_low: 4
    healthy_high: 8
    critical_high: 10
    rhythm: monthly
cycles:
"""
WITH_KPIS = VALID.replace("cycles:\n", KPIS, 1).replace(
    "        target: 1\n", "        target: 1\n        guardrails: [Support satisfaction]\n", 1
)


def problems(text: str) -> list[tuple[int, str]]:
    _document, found = read(text)
    return [(p.line, p.message) for p in found]


def test_the_section_reads_clean() -> None:
    document, found = read(WITH_KPIS)
    assert found == []
    assert document is not None
    assert [k["name"] for k in document.kpis] == ["Support satisfaction", "Stock days"]
    [(_objective, kr)] = [(o, k) for o, k in document.key_results() if k["ref"] == "response"]
    assert [name for name, _where in kr["guardrails"]] == ["Support satisfaction"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "guardrails: [Support satisfaction]",
            "guardrails: [Support happiness]  #!",
            "Unknown KPI “Support happiness”: add it to kpis.",
        ),
        (
            "healthy_low: 90, critical_low: 80}",
            "healthy_low: 90, critical_low: 95}  #!",
            "must be at least",
        ),
        ("    healthy_high: 8\n", "    healthy_high: 1  #!\n", "must be at least"),
        ("team: Product, unit", "team: Legal, unit  #!", "Unknown team “Legal”."),
        ("    rhythm: monthly\n", "    rhythm: hourly  #!\n", "rhythm"),
        ("    critical_high: 10\n", "    critical_high: NaN  #!\n", "must be a number"),
    ],
)
def test_a_bad_kpi_or_guardrail_is_named_on_its_line(old: str, new: str, message: str) -> None:
    text = broken(old, new, WITH_KPIS)
    found = problems(text)
    assert found, text
    assert any(line == marked_line(text) and message in text_ for line, text_ in found), found


def test_a_missing_threshold_is_named() -> None:
    text = WITH_KPIS.replace("healthy_low: 90, critical_low: 80}", "healthy_low: 90}", 1)
    found = problems(text)
    assert any("critical_low" in message for _line, message in found), found


def test_import_creates_the_kpis_and_guardrails_and_export_gives_them_back(world: Any) -> None:
    document, found = read(WITH_KPIS)
    assert document is not None and not found
    created, counts = import_document(document, create_slug="initech")
    org = Organization.objects.get(pk=created.pk)
    assert counts.kpis == 2
    satisfaction = KPI.objects.get(organization=org, name="Support satisfaction")
    assert (satisfaction.team.name, satisfaction.unit) == ("Product", "%")  # type: ignore[union-attr]
    assert (satisfaction.healthy_low, satisfaction.critical_low) == (D(90), D(80))
    stock = KPI.objects.get(organization=org, name="Stock days")
    assert (stock.direction, stock.critical_high, stock.rhythm) == ("band", D(10), "monthly")
    [guardrail] = Guardrail.objects.filter(kpi__organization=org)
    assert guardrail.key_result.title == "Cut the first response time"
    exported = build(org)
    assert exported["kpis"][1] == {
        "name": "Support satisfaction",
        "team": "Product",
        "unit": "%",
        "direction": "higher",
        "critical_low": D(80),
        "healthy_low": D(90),
        "rhythm": "weekly",
    }
    again, found = read(to_yaml(exported))
    assert again is not None and found == []


def test_plan_and_apply_create_a_kpi_and_set_a_guardrail(world: Any, tmp_path: Path) -> None:
    document, _found = read(VALID)
    assert document is not None
    created, _counts = import_document(document, create_slug="initech")
    org = Organization.objects.get(pk=created.pk)
    wanted = build(org, secrets=True)
    wanted["kpis"] = [
        {
            "name": "Support satisfaction",
            "team": "Product",
            "healthy_low": D(90),
            "critical_low": D(80),
            "direction": "higher",
        }
    ]
    for objective in wanted["objectives"]:
        for kr in objective.get("key_results", []):
            if kr.get("ref") == "response":
                kr["guardrails"] = ["Support satisfaction"]
    plan = make_plan(org, read_file(to_yaml(wanted)))
    summary = [(c.action, c.kind, c.name) for c in plan.changes]
    assert summary == [
        ("create", "kpi", "Support satisfaction"),
        ("change", "key_result", "response"),
    ]
    assert [(f.name, f.before, f.after) for f in plan.changes[1].fields] == [
        ("guardrails", "", "Support satisfaction")
    ]
    apply_document(org, read_file(to_yaml(wanted)))
    [guardrail] = Guardrail.objects.filter(kpi__organization=org)
    assert guardrail.kpi.name == "Support satisfaction"
    assert make_plan(org, read_file(to_yaml(wanted))).changes == []
    # Changed thresholds are planned as a change of the KPI.
    wanted["kpis"][0]["critical_low"] = D(85)
    [change] = make_plan(org, read_file(to_yaml(wanted))).changes
    assert (change.action, change.kind, [f.name for f in change.fields]) == (
        "change",
        "kpi",
        ["critical_low"],
    )
