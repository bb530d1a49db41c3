"""The cycle review report as Markdown (CommonMark with GitHub-style tables), for a wiki,
a chat or a pull request. Every text a person wrote is escaped, so a title cannot turn
into markup, a link or HTML."""

import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cible.insights import score_charts
from cible.insights.cycle_report import CycleReport, ObjectiveLine
from cible.okrs.templatetags.okrs import percent, status_label
from cible.okrs.templatetags.okrs import score as format_score

SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
ENTITY = re.compile(r"&(?=#?\w+;)")
BLOCK_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def escape(text: str) -> str:
    """One line of inline text, newlines as spaces: the characters that make emphasis,
    links, HTML, code, tables or entities are backslash-escaped, and so is a start that
    would make a list or a heading."""
    line = SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    line = ENTITY.sub(r"\\&", line)
    return BLOCK_START.sub(_escape_start, line)


def _escape_start(match: re.Match[str]) -> str:
    start = match.group(0)
    return start + "\\" if start[0].isdigit() else "\\" + start  # "1\. " or "\- "


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _h in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def render_markdown(report: CycleReport) -> str:
    cycle, display = report.cycle, report.display
    dates = f"{date_format(cycle.start, 'DATE_FORMAT')} – {date_format(cycle.end, 'DATE_FORMAT')}"
    generated = date_format(timezone.localtime(report.generated_at), "DATETIME_FORMAT")
    out = [
        f"# {escape(report.title)}",
        "",
        f"{escape(report.organization.name)} · {escape(cycle.name)} · {escape(dates)} · "
        f"{cycle.get_state_display()}",
        "",
        f"_{escape(_('Generated on %(date)s') % {'date': generated})}_",
        "",
        escape(report.score_note),
        "",
        *([escape(report.stored_note), ""] if report.stored else []),
        f"- {_('Objectives')}: {report.objective_count}",
        f"- {_('Key results')}: {report.kr_count}",
        f"- {_('Mean objective score')}: {format_score(report.mean_score, display)}",
        "",
        f"## {_('Objective scores')}",
        "",
    ]
    out += _table(
        [_("Score"), _("Objectives")],
        [
            [f"**{label} ({_('target')})**" if target else label, str(count)]
            for label, count, target in score_charts.bin_rows(report.histogram, display)
        ],
    )
    out += [f"## {_('Objectives by status')}", ""]
    out += _table(
        [_("Status"), _("Objectives")],
        [[status_label(status), str(count)] for status, count in report.statuses.items()],
    )
    out += [f"## {_('Objectives')}", ""]
    if not report.objectives:
        out += [f"_{_('No objectives in this cycle.')}_", ""]
    for line in report.objectives:
        out += _objective(report, line)
    if report.breaches:
        out += [f"## {_('Guardrail breaches')}", ""]
        out += _table(
            [_("Key result"), _("KPI"), _("Worst"), _("From"), _("Until")],
            [[escape(cell) for cell in line.cells()] for line in report.breaches],
        )
    out += [f"## {_('Team retrospectives')}", ""]
    if not report.retrospectives:
        out += [f"_{_('No team retrospective yet.')}_", ""]
    for retro in report.retrospectives:
        held = date_format(retro.review.held_on, "DATE_FORMAT")
        out += [f"### {escape(retro.name)} · {held}", ""]
        out += _answers(retro.answers)
    return "\n".join(out).rstrip() + "\n"


def _objective(report: CycleReport, line: ObjectiveLine) -> list[str]:
    objective, display = line.objective, report.display
    facts = [str(objective.get_level_display())]
    if objective.team is not None:
        facts.append(escape(objective.team.name))
    facts.append(escape(objective.owner.display_name))
    out = [
        f"### {escape(objective.title)}",
        "",
        " · ".join(facts),
        "",
        "**"
        + _("Score: %(score)s · progress %(progress)s · %(status)s")
        % {
            "score": format_score(line.score, display),
            "progress": percent(line.progress),
            "status": status_label(line.status),
        }
        + "**",
        "",
    ]
    if line.key_results:
        out += _table(
            [_("Key result"), _("Owner"), _("Progress"), _("Score"), _("Score note")],
            [
                [
                    escape(kr_line.kr.title),
                    escape(kr_line.kr.owner.display_name),
                    percent(kr_line.progress),
                    format_score(kr_line.score, display),
                    escape(kr_line.kr.score_note),
                ]
                for kr_line in line.key_results
            ],
        )
    if line.initiatives:
        out += _table(
            [_("Initiative"), _("State"), _("Owner"), _("Key result")],
            [
                [
                    escape(initiative.title),
                    escape(initiative.get_state_display()),
                    escape(initiative.owner.display_name),
                    escape(initiative.key_result.title if initiative.key_result else ""),
                ]
                for initiative in line.initiatives
            ],
        )
    return out + _answers(line.retrospective)


def _answers(answers: list[tuple[str, str]]) -> list[str]:
    out = []
    for question, answer in answers:
        out += [f"**{escape(question)}**", "", escape(answer), ""]
    return out
