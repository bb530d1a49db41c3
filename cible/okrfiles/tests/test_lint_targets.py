"""`cible lint` suggests targets from the file's own history: an info line, which is
neither an error nor a warning."""

from pathlib import Path

from django.utils.translation import override

from cible.okrfiles.lint import findings
from cible.okrfiles.schema import read

from .files import VALID
from .test_lint import lint, write

PAST = """\
  - {name: Q4, kind: quarter, start: 2026-10-01, end: 2026-12-31, state: closed}
"""
SCORED = """\
  - ref: before
    title: Answer fast
    level: team
    team: Product
    cycle: Q4
    owner: bob@acme.test
    score: 0.95
    key_results:
      - {title: Answer calls, start: 0, target: 10, current: 10, score: 1}
"""


def with_history(text: str = VALID) -> str:
    text = text.replace("cycles:\n", "cycles:\n" + PAST, 1)
    return text.replace("objectives:\n", "objectives:\n" + SCORED, 1)


def test_a_team_at_095_gets_an_info_line_on_its_target(tmp_path: Path) -> None:
    text = with_history()
    document, problems = read(text)
    assert not problems and document is not None
    with override("en"):
        infos = [f for f in findings(document, "en") if f.level == "info"]
    # Product's "Cut the first response time": 4 → 1, a reach of 0.95 × 3 = 2.85;
    # 2.85 / 0.65 = 4.38… below 4: bounded to 0.
    lines = text.splitlines()
    target_line = lines.index("        target: 1") + 1
    assert [(f.problem.line, f.problem.message) for f in infos] == [
        (
            target_line,
            "Your team reached 0.95 on average: the suggested target is 0, 100\u00a0% lower "
            "than yours, to land near 0.65.",
        )
    ]
    out = lint(write(tmp_path, text))
    assert f":{target_line}: info: Your team reached 0.95" in out
    assert out.splitlines()[-1].startswith("Errors: 0, warnings: ")


def test_no_history_no_info_line() -> None:
    document, _problems = read(VALID)
    assert document is not None
    assert [f for f in findings(document, "en") if f.level == "info"] == []
