"""`cible plan` and `cible apply`: an OKR file against a live organisation, matched by refs;
the plan shows exactly what the file changes, apply does it once, in one transaction, and
refuses when the organisation changed since the plan."""

import copy
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cible.audit.models import AuditEntry
from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.okrfiles.apply import apply_document
from cible.okrfiles.export import build, to_yaml
from cible.okrfiles.plan import PlanRefused, make_plan, read_file
from cible.okrs.models import KeyResult, Objective
from cible.okrs.services import update_key_result
from cible.orgs.models import Organization

from .rich import Rich, build_rich

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(world) -> Rich:  # type: ignore[no-untyped-def]
    return build_rich(world)


def org() -> Organization:
    return Organization.objects.get(slug="acme")


def objective_of(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return next(o for o in document["objectives"] if o["ref"] == ref)


def key_result_of(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return next(
        kr for o in document["objectives"] for kr in o.get("key_results", []) if kr["ref"] == ref
    )


def edited(document: dict[str, Any]) -> dict[str, Any]:
    """The three edits of the round trip: a new key result, a new target, a new alignment."""
    result = copy.deepcopy(document)
    objective_of(result, "delight-our-customers")["key_results"].append(
        {
            "ref": "more-customers",
            "title": "Win new customers",
            "kind": "increase",
            "start": Decimal(0),
            "target": Decimal(20),
            "current": Decimal(0),
            "weight": Decimal(1),
            "owner": "alice@acme.test",
        }
    )
    key_result_of(result, "answer-faster.1")["target"] = Decimal(1)
    objective_of(result, "learn-the-new-support-tool")["parents"] = ["sell-the-support-plan"]
    return result


def write(tmp_path: Path, document: dict[str, Any], name: str = "okrs.yaml") -> Path:
    path = tmp_path / name
    path.write_text(to_yaml(document), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exit:
        status = int(exit.code or 0)
    return status, out.getvalue(), err.getvalue()


def test_a_round_trip_plans_exactly_the_three_edits_and_applies_them(
    rich: Rich, tmp_path: Path
) -> None:
    wanted = edited(build(org(), secrets=True))
    path = write(tmp_path, wanted)
    plan = make_plan(org(), read_file(path.read_text()))
    summary = [
        (c.action, c.kind, c.name, [(f.name, f.before, f.after) for f in c.fields])
        for c in plan.changes
    ]
    assert summary == [
        (
            "create",
            "key_result",
            "more-customers",
            [
                ("title", "", "Win new customers"),
                ("kind", "", "increase"),
                ("start", "", "0"),
                ("target", "", "20"),
                ("weight", "", "1"),
                ("owner", "", "alice@acme.test"),
            ],
        ),
        ("change", "key_result", "answer-faster.1", [("target", "0.5", "1")]),
        (
            "change",
            "objective",
            "learn-the-new-support-tool",
            [("parents", "answer-faster, delight-our-customers", "sell-the-support-plan")],
        ),
    ]
    assert plan.notes == []
    status, out, _err = run("apply", str(path), "--org", "acme")
    assert status == 0
    assert "Applied to “acme”." in out
    assert build(org(), secrets=True) == wanted


def test_applying_twice_changes_nothing_the_second_time(rich: Rich, tmp_path: Path) -> None:
    path = write(tmp_path, edited(build(org(), secrets=True)))
    assert run("apply", str(path), "--org", "acme")[0] == 0
    entries = AuditEntry.objects.count()
    status, out, _err = run("apply", str(path), "--org", "acme")
    assert status == 0
    assert "Nothing to change in “acme”." in out
    assert AuditEntry.objects.count() == entries
    assert run("plan", str(path), "--org", "acme")[0] == 0


def test_plan_exits_2_and_shows_before_and_after_when_something_would_change(
    rich: Rich, tmp_path: Path
) -> None:
    path = write(tmp_path, edited(build(org(), secrets=True)))
    before = build(org(), secrets=True)
    status, out, _err = run("plan", str(path), "--org", "acme")
    assert status == 2
    assert "~ key result “answer-faster.1”: changed\n    target: 0.5 -> 1\n" in out
    assert "+ key result “more-customers”: created" in out
    assert out.endswith("Plan: 1 to create, 2 to change, 0 to archive, 0 to restore.\n")
    assert build(org(), secrets=True) == before


def test_the_plan_speaks_the_language_asked_for(rich: Rich, tmp_path: Path) -> None:
    path = write(tmp_path, edited(build(org(), secrets=True)))
    _status, out, _err = run("plan", str(path), "--org", "acme", "--language", "fr")
    assert "+ résultat clé « more-customers » : création" in out
    assert "Plan : 1 à créer, 2 à modifier, 0 à archiver, 0 à restaurer." in out


def test_the_change_set_is_one_audit_entry_listing_the_plan(rich: Rich, tmp_path: Path) -> None:
    path = write(tmp_path, edited(build(org(), secrets=True)))
    first = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    run("apply", str(path), "--org", "acme")
    summary = AuditEntry.objects.filter(pk__gt=first or 0, target_label="OKR file applied")
    assert summary.count() == 1
    assert "+ key result “more-customers”: created" in summary.get().after["okr_file"]
    entries = AuditEntry.objects.filter(pk__gt=first or 0)
    assert entries.count() > 1  # the services' own entries, one per change


def test_a_concurrent_edit_between_plan_and_apply_makes_apply_refuse(
    rich: Rich, tmp_path: Path
) -> None:
    path = write(tmp_path, edited(build(org(), secrets=True)))
    plan_file = tmp_path / "plan.json"
    assert run("plan", str(path), "--org", "acme", "--out", str(plan_file))[0] == 2
    kr = KeyResult.objects.get(title="Old metric")
    update_key_result(kr, rich.world.alice, correction=True, target=Decimal(9))
    before = build(org(), secrets=True)
    with pytest.raises(CommandError, match="changed since the plan was made: make a new plan"):
        call_command("apply", str(path), "--org", "acme", "--plan", str(plan_file))
    assert build(org(), secrets=True) == before


def test_a_check_in_between_plan_and_apply_does_not_make_the_plan_stale(
    rich: Rich, tmp_path: Path
) -> None:
    path = write(tmp_path, edited(build(org(), secrets=True)))
    plan = make_plan(org(), read_file(path.read_text()))
    record_check_in(
        KeyResult.objects.get(title="Cut first response time"), rich.world.bob, Decimal(2)
    )
    applied = apply_document(org(), read_file(path.read_text()), None, plan.fingerprint)
    assert len(applied.changes) == 3


def test_apply_refuses_a_plan_of_another_file(rich: Rich, tmp_path: Path) -> None:
    document = edited(build(org(), secrets=True))
    path = write(tmp_path, document)
    plan_file = tmp_path / "plan.json"
    run("plan", str(path), "--org", "acme", "--out", str(plan_file))
    key_result_of(document, "answer-faster.1")["target"] = Decimal(2)
    write(tmp_path, document)
    with pytest.raises(CommandError, match="The file changed since the plan was made"):
        call_command("apply", str(path), "--org", "acme", "--plan", str(plan_file))
    assert json.loads(plan_file.read_text())["organization"] == "acme"


def test_what_the_file_leaves_out_is_archived_and_keeps_its_check_ins(
    rich: Rich, tmp_path: Path
) -> None:
    document = build(org(), secrets=True)
    document["objectives"] = [o for o in document["objectives"] if o["ref"] != "answer-faster"]
    for objective in document["objectives"]:
        for kr in objective.get("key_results", []):
            if kr.get("driven_by") == "answer-faster":
                kr.pop("driven_by")
        objective["parents"] = [p for p in objective.get("parents", []) if p != "answer-faster"]
        if not objective["parents"]:
            objective.pop("parents")
    document["dependencies"] = []
    check_ins = CheckIn.objects.count()
    plan = apply_document(org(), read_file(to_yaml(document)))
    assert ("archive", "objective", "answer-faster") in [
        (c.action, c.kind, c.name) for c in plan.changes
    ]
    assert Objective.objects.get(title="Answer faster").archived_at is not None
    assert CheckIn.objects.count() == check_ins


def test_a_new_title_changes_the_objective_it_names_instead_of_replacing_it(
    rich: Rich, tmp_path: Path
) -> None:
    document = build(org(), secrets=True)
    objective_of(document, "answer-faster")["title"] = "Answer much faster"
    plan = apply_document(org(), read_file(to_yaml(document)))
    assert [(c.action, c.name) for c in plan.changes] == [("change", "answer-faster")]
    again = build(org(), secrets=True)
    assert objective_of(again, "answer-faster")["title"] == "Answer much faster"
    assert again == document


def test_a_refused_change_changes_nothing(rich: Rich, tmp_path: Path) -> None:
    document = build(org(), secrets=True)
    before = copy.deepcopy(document)
    key_result_of(document, "answer-faster.1")["target"] = Decimal(1)
    # A person objective cannot be the parent of a company one: the services refuse.
    objective_of(document, "delight-our-customers")["parents"] = ["sell-the-support-plan"]
    with pytest.raises(PlanRefused):
        apply_document(org(), read_file(to_yaml(document)))
    assert build(org(), secrets=True) == before


HOSTILE = {
    "billion laughs": 'a: &a ["lol","lol"]\nb: &b [*a,*a]\nc: [*b,*b]\n',
    "an object-constructing tag": "organization: !!python/object/apply:os.system [ls]\n",
    "wrong types": "version: 1\norganization: {name: [Acme]}\nobjectives: 12\n",
}


@pytest.mark.parametrize("command", ["plan", "apply"])
@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_refused_with_a_line_and_changes_nothing(
    rich: Rich, tmp_path: Path, command: str, text: str
) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    before = build(org(), secrets=True)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command(command, str(path), "--org", "acme", stderr=err)
    assert err.getvalue().startswith(f"{path}:")
    assert ": error: " in err.getvalue()
    assert build(org(), secrets=True) == before


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_100_mb_file_is_refused_before_it_is_read(
    rich: Rich, tmp_path: Path, command: str
) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w", encoding="utf-8") as file:
        file.write("organization: {name: Acme}\npeople:\n")
        line = "  - {email: x@acme.test, role: member}\n"
        file.write(line * (100 * 1024 * 1024 // len(line) + 1))
    with pytest.raises(CommandError, match=rf"^{path}:1: error: The file is larger than 50 MB"):
        call_command(command, str(path), "--org", "acme")
    assert Objective.objects.filter(organization=org()).count() == len(build(org())["objectives"])


def test_new_people_teams_cycles_and_objectives_are_created_in_order(
    rich: Rich, tmp_path: Path
) -> None:
    document = build(org(), secrets=True)
    document["people"].append({"email": "nina@acme.test", "name": "Nina", "role": "member"})
    next(p for p in document["people"] if p["email"] == "vera@acme.test")["role"] = "member"
    document["teams"].append(
        {"name": "Support", "parent": "Product", "lead": "nina@acme.test", "members": []}
    )
    sales = next(t for t in document["teams"] if t["name"] == "Sales")
    sales["members"] = ["adam@acme.test"]
    document["cycles"].append(
        {"name": "Next", "kind": "custom", "start": date(2027, 1, 17), "end": date(2027, 3, 31)}
    )
    document["objectives"].append(
        {
            "ref": "support-at-night",
            "title": "Answer at night too",
            "level": "team",
            "team": "Support",
            "cycle": "Next",
            "owner": "nina@acme.test",
            "parents": [],
            "key_results": [{"ref": "night", "title": "Night answers", "start": 0, "target": 50}],
        }
    )
    plan = apply_document(org(), read_file(to_yaml(document)), rich.world.alice)
    assert [(c.action, c.kind, c.name) for c in plan.changes] == [
        ("change", "person", "vera@acme.test"),
        ("create", "person", "nina@acme.test"),
        ("change", "team", "Sales"),
        ("create", "team", "Support"),
        ("create", "cycle", "Next"),
        ("create", "objective", "support-at-night"),
        ("create", "key_result", "night"),
    ]
    again = build(org(), secrets=True)
    assert next(t for t in again["teams"] if t["name"] == "Support")["members"] == [
        "nina@acme.test"
    ]
    assert next(t for t in again["teams"] if t["name"] == "Sales")["members"] == ["adam@acme.test"]
    assert next(p for p in again["people"] if p["email"] == "vera@acme.test")["role"] == "member"
    assert objective_of(again, "support-at-night")["key_results"][0]["ref"] == "night"
    assert make_plan(org(), read_file(to_yaml(document))).changes == []


def test_a_key_result_left_out_is_archived_and_a_new_archived_one_stays_archived(
    rich: Rich, tmp_path: Path
) -> None:
    document = build(org(), secrets=True)
    document["dependencies"] = []  # one names the key result left out
    sales = objective_of(document, "sell-the-support-plan")
    sales["key_results"] = [
        {
            "ref": "old-idea",
            "title": "An idea dropped at once",
            "start": Decimal(0),
            "target": Decimal(3),
            "archived_at": "2026-11-02T10:00:00+01:00",
        }
    ]
    plan = apply_document(org(), read_file(to_yaml(document)))
    assert [(c.action, c.kind, c.name) for c in plan.changes] == [
        ("create", "key_result", "old-idea"),
        ("archive", "key_result", "old-idea"),
        ("archive", "key_result", "sell-the-support-plan.1"),
    ]
    kept = KeyResult.objects.filter(objective__title="Sell the support plan")
    assert all(kr.archived_at is not None for kr in kept)
    assert make_plan(org(), read_file(to_yaml(document))).changes == []


def test_the_organisations_settings_follow_the_file(rich: Rich, tmp_path: Path) -> None:
    document = build(org(), secrets=True)
    document["organization"]["checkin_weekday"] = "friday"
    document["organization"]["at_risk_gap"] = Decimal("0.25")
    status, out, _err = run("apply", str(write(tmp_path, document)), "--org", "acme")
    assert status == 0
    assert "~ organisation “acme”: changed\n    checkin_weekday: thursday -> friday\n" in out
    assert "    at_risk_gap: 0.2 -> 0.25\n" in out
    assert build(org(), secrets=True) == document
