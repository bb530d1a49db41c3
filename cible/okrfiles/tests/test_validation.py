"""Every kind of problem in an OKR file is found before anything is stored, each with the
line it is on, all of them in one pass."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cible.accounts.models import User
from cible.orgs.models import Organization

from .files import VALID, broken, marked_line, problems

LONG = "x" * 201

# (name, text replaced, replacement marked with #!, part of the expected message)
CASES = [
    (
        "co-owner unknown",
        '      - {title: Raise the CSAT, start: 70, target: 90, unit: "%"}',
        "      - {title: Raise the CSAT, start: 70, target: 90, co_owners: [nobody@acme.test]}#!",
        "Unknown person",
    ),
    (
        "co-owner who left",
        '      - {title: Raise the CSAT, start: 70, target: 90, unit: "%"}',
        "      - {title: Raise the CSAT, start: 70, target: 90, co_owners: [fred@acme.test]}#!",
        "no longer a member",
    ),
    # The format itself.
    ("syntax", "  - {name: Sales,", "  - {name: [Sales,  #!", "not valid YAML"),
    (
        "unknown field",
        "    level: company\n",
        "    level: company\n    colour: red  #!\n",
        "Unknown field “colour”",
    ),
    (
        "field written twice",
        "    level: company\n",
        "    level: company\n    level: team  #!\n",
        "written twice",
    ),
    ("alias", "    parents: [company]\n", "    parents: &p [company]#!\n    x: *p\n", "aliases"),
    ("version", "version: 1", "version: 2  #!", "version 2"),
    ("not a list", "    parents: [company]\n", "    parents: company#!\n", "list is expected"),
    (
        "not a mapping",
        "  - {name: Sales, parent: Product, members: [carl@acme.test]}",
        "  - Sales  #!",
        "set of fields",
    ),
    # Types, required fields, choices, bounds, lengths.
    ("required", "    title: Answer faster\n", "    title:  #!\n", "“title” is required"),
    ("text expected", "    title: Answer faster\n", "    title: [Answer]  #!\n", "must be text"),
    ("title too long", "    title: Answer faster\n", f"    title: {LONG}  #!\n", "too long: 201"),
    ("choice", "role: member}", "role: chief}  #!", "“role” must be one of"),
    ("level", "    level: company\n", "    level: galaxy  #!\n", "“level” must be one of"),
    ("kind", "        kind: decrease\n", "        kind: sideways  #!\n", "“kind” must be one of"),
    ("date", "start: 2027-04-01,", "start: 2027-02-30,  #!", "must be a date"),
    ("moment", '{at: "2027-01-11T09:00:00+01:00"', '{at: "2027-01-11 9h"#!', "a date and time"),
    (
        "moment out of range",
        '{at: "2027-01-11T09:00:00+01:00"',
        '{at: "0001-01-01T00:00:00"#!',
        "out of range",
    ),
    (
        "null character",
        "    title: Answer faster\n",
        '    title: "Answer\\0 faster"#!\n',
        "null character",
    ),
    (
        "bidi override in a title",
        "    title: Answer faster\n",
        '    title: "Answer \\u202Efaster"#!\n',
        "U+202E",
    ),
    (
        "control character in a name",
        "  - {name: Sales,",
        '  - {name: "Sa\\x1bles",  #!',
        "U+001B",
    ),
    (
        "newline in a title",
        "    title: Answer faster\n",
        '    title: "Answer\\nfaster"#!\n',
        "U+000A",
    ),
    (
        "bidi isolate in a description",
        "    title: Answer faster\n",
        '    title: Answer faster\n    description: "a\\u2066b"#!\n',
        "U+2066",
    ),
    ("set as a name", "  - {name: Sales,", "  - {name: !!set {Sales: null},  #!", "must be text"),
    (
        "binary as a title",
        "    title: Answer faster\n",
        "    title: !!binary QWNtZQ==  #!\n",
        "must be text",
    ),
    (
        "python object",
        "    title: Answer faster\n",
        "    title: !!python/name:os.system  #!\n",
        "not valid YAML",
    ),
    (
        "timestamp as a date",
        "start: 2027-04-01,",
        "start: !!timestamp 2027-04-01,  #!",
        "must be a date",
    ),
    ("year 1", "start: 2027-04-01,", "start: 0001-04-01,  #!", "between the years 1970 and 2999"),
    (
        "year 9999",
        "held_on: 2027-01-18,",
        "held_on: 9999-01-18,  #!",
        "between the years 1970 and 2999",
    ),
    (
        "check-in in year 1",
        '{at: "2027-01-11T09:00:00+01:00"',
        '{at: "0001-01-11T09:00:00+01:00"#!',
        "between the years",
    ),
    (
        "check-in in year 9999",
        '{at: "2027-01-11T09:00:00+01:00"',
        '{at: "9999-01-11T09:00:00+01:00"#!',
        "between the years",
    ),
    ("number", "        start: 4\n", "        start: four  #!\n", "must be a number"),
    ("decimal places", "        start: 4\n", "        start: 4.00001  #!\n", "and 4 after"),
    ("too many digits", "        start: 4\n", "        start: 12345678901234567  #!\n", "digits"),
    (
        "score out of range",
        "    level: company\n",
        "    level: company\n    score: 1.5  #!\n",
        "between 0 and 1",
    ),
    ("confidence out of range", "confidence: 7,", "confidence: 11,  #!", "between 0 and 10"),
    ("weight", "target: 30}", "target: 30, weight: 0}  #!", "greater than zero"),
    ("boolean", "role: member}", "role: member, reminders_muted: maybe}  #!", "true or false"),
    ("time zone", "time_zone: Europe/Paris}", "time_zone: Mars/Olympus}  #!", "time zone"),
    ("time of day", "time_zone: Europe/Paris}", "checkin_time: 25:00}  #!", "time such as"),
    (
        "gaps",
        "time_zone: Europe/Paris}",
        "at_risk_gap: 0.5, off_track_gap: 0.2}  #!",
        "off_track_gap",
    ),
    # People.
    ("e-mail", "{email: carl@acme.test,", "{email: carl-at-acme,  #!", "not a valid e-mail"),
    (
        "person twice",
        "{email: carl@acme.test,",
        "{email: BOB@acme.test,  #!",
        "already listed on line 5",
    ),
    ("no owner", "role: owner}", "role: admin}  #!", "owner"),
    (
        "former member",
        "members: [carl@acme.test]}",
        "members: [fred@acme.test]}  #!",
        "no longer a member",
    ),
    # References.
    (
        "unknown person",
        "    owner: bob@acme.test\n",
        "    owner: eve@acme.test  #!\n",
        "Unknown person “eve@acme.test”",
    ),
    ("unknown team", "    team: Sales\n", "    team: Legal  #!\n", "Unknown team “Legal”"),
    (
        "unknown cycle",
        "    cycle: Q1\n    owner: carl",
        "    cycle: Q9  #!\n    owner: carl",
        "Unknown cycle “Q9”",
    ),
    (
        "unknown parent",
        "    parents: [company]\n    key_results:\n      - ref",
        "    parents: [compny]  #!\n    key_results:\n      - ref",
        "Unknown objective “compny”",
    ),
    (
        "unknown key result",
        "from_key_result: plans,",
        "from_key_result: plan,  #!",
        "Unknown key result “plan”",
    ),
    ("team name twice", "  - {name: Sales,", "  - {name: Product,  #!", "already used on line 9"),
    ("cycle name twice", "  - {name: Q2,", "  - {name: Q1,  #!", "already used on line 13"),
    ("ref twice", "  - ref: sales\n", "  - ref: support  #!\n", "already used on line 24"),
    ("key result ref twice", "{ref: plans,", "{ref: response,  #!", "already used"),
    # Teams and cycles.
    (
        "team loop",
        "{name: Product, lead: bob@acme.test, members: [bob@acme.test]}\n"
        "  - {name: Sales, parent: Product,",
        "{name: Product, parent: Sales, lead: bob@acme.test, members: [bob@acme.test]}\n"
        "  - {name: Sales, parent: Product,#!",
        "circle",
    ),
    (
        "team in itself",
        "{name: Sales, parent: Product",
        "{name: Sales, parent: Sales  #!",
        "inside itself",
    ),
    (
        "cycle ends before it starts",
        "end: 2027-06-30,",
        "end: 2027-03-30,  #!",
        "end after it starts",
    ),
    (
        "cycle in a quarter",
        'parent: "2027"}\n  - {name: Q2',
        "parent: Q2}  #!\n  - {name: Q2",
        "sits in a year",
    ),
    ("cycle outside its year", "end: 2027-06-30,", "end: 2028-06-30,  #!", "within its year"),
    # Objectives.
    (
        "company objective with a team",
        "    level: company\n",
        "    level: company\n    team: Sales  #!\n",
        "belongs to no team",
    ),
    (
        "team objective without a team",
        "  - ref: sales\n    title: Sell the support plan\n    level: team\n    team: Sales\n",
        "  - ref: sales#!\n    title: Sell the support plan\n    level: team\n",
        "needs its “team”",
    ),
    (
        "parent in another cycle",
        "    cycle: Q1\n    owner: carl@acme.test\n    parents: [company]",
        "    cycle: Q2\n    owner: carl@acme.test\n    parents: [company]#!",
        "its cycle or its year",
    ),
    (
        "parent at a lower level",
        "    cycle: Q1\n    owner: alice@acme.test\n",
        "    cycle: Q1\n    owner: alice@acme.test\n    parents: [sales]  #!\n",
        "levels above",
    ),
    (
        "alignment loop",
        "    team: Sales\n    cycle: Q1\n    owner: carl@acme.test\n    parents: [company]",
        "    team: Sales\n    cycle: Q1\n    owner: carl@acme.test\n"
        "    parents: [company, sales]  #!",
        "itself",
    ),
    (
        "carried from itself",
        "  - ref: sales\n",
        "  - ref: sales\n    carried_from: sales  #!\n",
        "carried from itself",
    ),
    # Key results.
    (
        "start equals target",
        "        target: 1\n",
        "        target: 4  #!\n",
        "differ from the start",
    ),
    (
        "increase downwards",
        "start: 70, target: 90,",
        "start: 70, target: 60,  #!",
        "above the start",
    ),
    ("decrease upwards", "        target: 1\n", "        target: 9  #!\n", "below the start"),
    (
        "range without bound",
        "{ref: plans, title: Signed plans, start: 0, target: 30}",
        "{ref: plans, title: Signed plans, kind: stay_between, start: 0, target: 30}  #!",
        "upper bound",
    ),
    (
        "driven by an objective not aligned",
        "        target: 1\n",
        "        target: 1\n        driven_by: sales#!\n",
        "Only an objective aligned to this one",
    ),
    (
        "cancelled without a reason",
        "target: 30}",
        'target: 30, cancelled_at: "2027-02-01"}  #!',
        "cancel_reason",
    ),
    # Dependencies.
    ("dependency within a team", "to: support, note", "to: sales, note  #!", "itself"),
    (
        "key result of another objective",
        "from_key_result: plans,",
        "from_key_result: response,  #!",
        "not part of the objective",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_problem_is_reported_with_its_line(old: str, new: str, message: str) -> None:
    text = broken(old, new)
    found = problems(text)
    line = marked_line(text)
    assert any(at == line and message in text_ for at, text_ in found), found


def test_the_valid_file_has_no_problem() -> None:
    assert problems(VALID) == []


def test_every_problem_is_reported_at_once() -> None:
    text = broken("role: member}", "role: chief}").replace(
        "    owner: bob@acme.test", "    owner: x"
    )
    text = text.replace("        start: 4\n", "        start: four\n")
    assert len(problems(text)) == 3


def test_an_empty_file_is_a_problem() -> None:
    assert problems("") == [(1, "The file is empty.")]
    assert problems("# nothing\n") == [(1, "The file is empty.")]


def test_json_is_read_with_its_lines() -> None:
    text = (
        '{\n  "organization": {"name": "Acme"},\n  "people": [\n'
        '    {"email": "a@acme.test", "role": "boss"}\n  ]\n}\n'
    )
    # No owner (the list's line), an unknown role (the person's line).
    assert [line for line, _message in problems(text)] == [3, 4]


@pytest.mark.django_db
def test_an_invalid_file_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = broken("        start: 4\n", "        start: four  #!\n")
    path = tmp_path / "okrs.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="1 problem in the file: nothing was imported"):
        call_command("import", str(path), "--org", "acme", "--create")
    assert (
        f"{path}:{marked_line(text)}: error: “start” must be a number." in capsys.readouterr().err
    )
    assert not Organization.objects.exists()
    assert not User.objects.exists()
