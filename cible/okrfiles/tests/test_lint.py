"""`cible lint`: the file's problems and the coach's advice as FILE:LINE: level: message,
exit status 1 on an error only; through call_command and the real `cible` executable."""

import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from cible.okrfiles.lint import findings
from cible.okrfiles.schema import Document, Entry, read

from .files import VALID, broken

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "examples" / "okrs.yaml"


def lint(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("lint", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "okrs.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_documented_example_is_clean() -> None:
    assert lint(EXAMPLE).splitlines() == ["Errors: 0, warnings: 0."]


def test_advice_is_a_warning_with_its_line_and_exits_zero(tmp_path: Path) -> None:
    text = broken("title: Signed plans,", "title: Organise a webinar,")
    path = write(tmp_path, text)
    lines = lint(path).splitlines()
    title_line = (
        text.splitlines().index(
            "      - {ref: plans, title: Organise a webinar, start: 0, target: 30}"
        )
        + 1
    )
    objective_line = text.splitlines().index("  - ref: sales") + 1
    assert (
        f"{path}:{title_line}: warning: Key result 1 describes an activity, not a result."
        in "\n".join(lines)
    )
    assert any(
        line.startswith(f"{path}:{objective_line}: warning: Aim for 3 to 5 key results")
        for line in lines
    )
    assert lines[-1].startswith("Errors: 0, warnings: ")


def test_advice_follows_the_language(tmp_path: Path) -> None:
    output = lint(write(tmp_path, VALID), "--language", "fr")
    assert "warning: Visez 3 à 5 résultats clés" in output


def test_an_invalid_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, broken("        start: 4\n", "        start: four\n"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="Errors: 1, warnings: 0"):
        call_command("lint", str(path), stdout=out)
    assert out.getvalue() == f"{path}:35: error: “start” must be a number.\n"


def test_an_unmeasurable_key_result_is_an_error_of_the_coach() -> None:
    document, problems = read(VALID)
    assert document is not None
    assert problems == []
    # What the schema refuses; the coach alone must call it an error too.
    kr: Entry = document.objectives[1].children[0]
    kr.values["target"] = kr.values["start"] = Decimal(4)
    levels = {(f.level, f.problem.line) for f in findings(document, "en")}
    assert ("error", kr.line_of("target")) in levels


def test_an_empty_document_has_no_finding() -> None:
    empty = Document(Entry((), 1), [], [], [], [], [], [])
    assert list(findings(empty, "en")) == []


def cible(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).with_name("cible")
    return subprocess.run(
        [str(executable), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cible.settings", **(env or {})},
        check=False,
    )


@pytest.mark.slow
def test_the_cible_executable_lints_for_ci(tmp_path: Path) -> None:
    clean = cible("lint", str(EXAMPLE), env={"CIBLE_DATA_DIR": str(tmp_path)})
    assert (clean.returncode, clean.stdout) == (0, "Errors: 0, warnings: 0.\n")
    bad = write(tmp_path, broken("role: member}", "role: chief}"))
    failed = cible("lint", str(bad), env={"CIBLE_DATA_DIR": str(tmp_path)})
    assert failed.returncode == 1
    assert f"{bad}:5: error: “role” must be one of" in failed.stdout
    assert "Traceback" not in failed.stderr


@pytest.mark.parametrize("name", ["import", "export", "lint", "checkin"])
def test_every_command_explains_itself(name: str) -> None:
    command = load_command_class("cible.okrfiles", name)
    assert "usage: cible " + name in command.create_parser("cible", name).format_help()


def test_a_missing_ref_is_reported_once_and_not_as_carried_from_itself() -> None:
    text = VALID.replace("  - ref: sales\n    title:", "  - title:", 1)
    _document, problems = read(text)
    messages = [problem.message for problem in problems]
    assert "“ref” is required." in messages
    assert not any("carried from itself" in message for message in messages)
