"""Initiatives in the OKR file: under a key result or an objective, checked with their
lines, imported through the services and exported back."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from cible.okrs.models import Initiative
from cible.okrs.services import create_initiative

from .files import broken, marked_line, problems

pytestmark = pytest.mark.django_db

ANCHOR = (
    '          - {at: "2027-01-11T09:00:00+01:00", value: 3.5, confidence: 7,'
    " author: bob@acme.test}\n"
)
WITH_INITIATIVES = ANCHOR + (
    "        initiatives:\n"
    "          - {title: Add a chatbot, owner: bob@acme.test, state: in_progress,"
    ' due_date: 2027-02-15, link: "https://tickets.example.com/1"}\n'
    "          - {title: Hire an agent}\n"
)


def file_with(initiative: str) -> str:
    return broken(ANCHOR, ANCHOR + "        initiatives:\n" + initiative)


def test_a_file_with_initiatives_is_valid() -> None:
    assert problems(broken(ANCHOR, WITH_INITIATIVES)) == []


@pytest.mark.parametrize(
    ("initiative", "message"),
    [
        ("          - {state: planned}  #!\n", "“title” is required"),
        ("          - {title: A, state: finished}  #!\n", "“state” must be one of"),
        ('          - {title: A, link: "javascript:alert(1)"}  #!\n', "http:// or https://"),
        ("          - {title: A, owner: nobody@acme.test}  #!\n", "Unknown person"),
        ('          - {title: "A\\0B"}  #!\n', "null character"),
        ("          - {title: A, colour: red}  #!\n", "Unknown field “colour”"),
    ],
)
def test_each_problem_is_reported_with_its_line(initiative: str, message: str) -> None:
    text = file_with(initiative)
    found = problems(text)
    line = marked_line(text)
    assert any(at == line and message in text_ for at, text_ in found), found


def test_import_creates_them_and_export_writes_them_back(tmp_path: Path) -> None:
    path = tmp_path / "okrs.yaml"
    path.write_text(broken(ANCHOR, WITH_INITIATIVES), encoding="utf-8")

    call_command("import", str(path), "--org", "copy", "--create")

    chatbot = Initiative.objects.get(title="Add a chatbot")
    assert chatbot.key_result is not None
    assert chatbot.key_result.title == "Cut the first response time"
    assert chatbot.owner.email == "bob@acme.test"
    assert (chatbot.state, str(chatbot.due_date)) == ("in_progress", "2027-02-15")
    # Without an owner: the key result's.
    assert Initiative.objects.get(title="Hire an agent").state == "planned"
    out = tmp_path / "out.yaml"
    call_command("export", "--org", "copy", "--output", str(out))
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    support = next(o for o in exported["objectives"] if o["ref"] == "support")
    assert [i["title"] for i in support["key_results"][0]["initiatives"]] == [
        "Add a chatbot",
        "Hire an agent",
    ]


def test_an_objectives_own_initiatives_are_exported_beside_its_key_results(
    world, tmp_path: Path
) -> None:
    create_initiative(world.team_objective, world.bob, title="Train the team", state="done")

    out = tmp_path / "out.yaml"
    call_command("export", "--org", "acme", "--output", str(out))

    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    objective = next(o for o in exported["objectives"] if o["title"] == "Answer faster")
    assert objective["initiatives"] == [
        {"title": "Train the team", "owner": "bob@acme.test", "state": "done"}
    ]
