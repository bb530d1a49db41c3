"""The cycle review report as a PDF, drawn with fpdf2.

The text is set in Source Sans Pro, a TrueType font shipped by the `font-source-sans-pro`
package, so that French accents, "€" and typographic quotes come out as written. Without
that font the PDF falls back on Helvetica in Windows-1252 (still accents and "€"), and any
character outside it becomes "?" rather than an error.
"""

import logging
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from cible.insights import score_charts
from cible.insights.cycle_report import CycleReport, ObjectiveLine
from cible.lib import okrmath
from cible.okrs.templatetags.okrs import percent, status_label
from cible.okrs.templatetags.okrs import score as format_score

FAMILY = "CibleSans"
FALLBACK_FAMILY = "helvetica"
FALLBACK_ENCODING = "windows-1252"
INK = (29, 35, 48)
MUTED = (91, 100, 117)
TRACK = (230, 233, 239)
ACCENT = (37, 70, 184)
TARGET = (29, 122, 70)
STATUS_COLOURS = {
    okrmath.Status.REACHED: (29, 122, 70),
    okrmath.Status.NOT_STARTED: (110, 118, 129),
    okrmath.Status.ON_TRACK: (29, 122, 70),
    okrmath.Status.AT_RISK: (163, 95, 0),
    okrmath.Status.OFF_TRACK: (179, 38, 30),
}
RULE = (185, 192, 204)
LINE = 5.0  # mm, one line of body text

# fontTools logs every font subset it makes at INFO level: too chatty for a web request.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


@cache
def font_files() -> tuple[Path, Path] | None:
    """The regular and bold TrueType files, or None when the font package is missing."""
    try:
        folder = resources.files("font_source_sans_pro") / "files"
    except ModuleNotFoundError:
        return None
    regular = Path(str(folder / "SourceSansPro-Regular.ttf"))
    bold = Path(str(folder / "SourceSansPro-Bold.ttf"))
    return (regular, bold) if regular.is_file() and bold.is_file() else None


class ReportPDF(FPDF):
    def __init__(self, footer: str, fonts: tuple[Path, Path] | None) -> None:
        super().__init__(format="A4")
        self.footer_text = footer
        self.unicode = fonts is not None
        if fonts is not None:
            self.add_font(FAMILY, "", fonts[0])
            self.add_font(FAMILY, "B", fonts[1])
            self.family_name = FAMILY
        else:
            self.core_fonts_encoding = FALLBACK_ENCODING
            self.family_name = FALLBACK_FAMILY
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(16, 16, 16)

    def t(self, text: str) -> str:
        """Text the current font can draw."""
        if self.unicode:
            return text
        return text.encode(FALLBACK_ENCODING, "replace").decode(FALLBACK_ENCODING)

    def style(self, size: float, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)
        self.set_text_color(*color)

    def footer(self) -> None:
        self.set_y(-12)
        self.style(8, color=MUTED)
        self.cell(0, 6, self.t(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")

    def paragraph(
        self, text: str, size: float = 10, bold: bool = False, color: tuple[int, int, int] = INK
    ) -> None:
        self.style(size, bold, color)
        self.multi_cell(0, size * 0.5, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, size: float = 14) -> None:
        if self.will_page_break(size * 1.6):
            self.add_page()
        self.ln(3)
        self.paragraph(text, size, bold=True)
        self.ln(1)

    def bars(self, rows: Sequence[tuple[str, int, tuple[int, int, int]]]) -> None:
        """A horizontal bar chart: label, a bar scaled to the largest count, the count."""
        top = max((count for _label, count, _colour in rows), default=0) or 1
        label_width, bar_width = 42.0, 100.0
        self.style(9)
        for label, count, colour in rows:
            if self.will_page_break(LINE + 1):
                self.add_page()
                self.style(9)
            x, y = self.l_margin, self.get_y()
            self.set_xy(x, y)
            self.cell(label_width, LINE, self.t(label), align="R")
            self.set_fill_color(*TRACK)
            self.rect(x + label_width + 2, y + 0.8, bar_width, LINE - 1.6, style="F")
            if count:
                self.set_fill_color(*colour)
                width = bar_width * count / top
                self.rect(x + label_width + 2, y + 0.8, width, LINE - 1.6, style="F")
            self.set_xy(x + label_width + bar_width + 4, y)
            self.cell(20, LINE, str(count))
            self.set_xy(x, y + LINE + 0.6)
        self.set_fill_color(255, 255, 255)  # tables fill their cells with the current colour
        self.ln(2)


def render_pdf(report: CycleReport) -> bytes:
    pdf = ReportPDF(f"Cible · {report.title}", font_files())
    pdf.set_title(report.title)
    pdf.set_author(report.organization.name)
    pdf.set_creator("Cible")
    pdf.set_lang(get_language() or "en")
    pdf.add_page()
    _head(pdf, report)
    _charts(pdf, report)
    pdf.heading(_("Objectives"))
    if not report.objectives:
        pdf.paragraph(_("No objectives in this cycle."), color=MUTED)
    for line in report.objectives:
        _objective(pdf, report, line)
    if report.breaches:
        pdf.heading(_("Guardrail breaches"))
        for breach in report.breaches:
            pdf.paragraph(" · ".join(breach.cells()))
    pdf.heading(_("Team retrospectives"))
    if not report.retrospectives:
        pdf.paragraph(_("No team retrospective yet."), color=MUTED)
    for retro in report.retrospectives:
        held = date_format(retro.review.held_on, "DATE_FORMAT")
        pdf.paragraph(f"{retro.name} · {held}", 11, bold=True)
        _answers(pdf, retro.answers)
    return bytes(pdf.output())


def _head(pdf: ReportPDF, report: CycleReport) -> None:
    cycle = report.cycle
    pdf.paragraph(report.title, 18, bold=True)
    pdf.ln(1)
    dates = f"{date_format(cycle.start, 'DATE_FORMAT')} – {date_format(cycle.end, 'DATE_FORMAT')}"
    generated = date_format(timezone.localtime(report.generated_at), "DATETIME_FORMAT")
    pdf.paragraph(
        f"{report.organization.name} · {cycle.name} · {dates} · {cycle.get_state_display()}",
        color=MUTED,
    )
    pdf.paragraph(_("Generated on %(date)s") % {"date": generated}, 9, color=MUTED)
    pdf.ln(2)
    pdf.paragraph(report.score_note)
    if report.stored:
        pdf.paragraph(report.stored_note, 9, color=MUTED)
    pdf.ln(1)
    mean = format_score(report.mean_score, report.display)
    pdf.paragraph(
        _("%(objectives)s objectives, %(key_results)s key results, mean objective score %(mean)s")
        % {"objectives": report.objective_count, "key_results": report.kr_count, "mean": mean},
        bold=True,
    )


def _charts(pdf: ReportPDF, report: CycleReport) -> None:
    pdf.heading(_("Objective scores"), 12)
    pdf.bars(
        [
            (
                _("%(band)s (target)") % {"band": label} if target else label,
                count,
                TARGET if target else ACCENT,
            )
            for label, count, target in score_charts.bin_rows(report.histogram, report.display)
        ]
    )
    pdf.heading(_("Objectives by status"), 12)
    pdf.bars(
        [
            (status_label(status), count, STATUS_COLOURS[status])
            for status, count in report.statuses.items()
        ]
    )


def _objective(pdf: ReportPDF, report: CycleReport, line: ObjectiveLine) -> None:
    objective = line.objective
    display = report.display
    if pdf.will_page_break(30):  # keep a title with its facts and the start of its table
        pdf.add_page()
    pdf.heading(objective.title, 13)
    facts = [objective.get_level_display()]
    if objective.team is not None:
        facts.append(objective.team.name)
    facts.append(objective.owner.display_name)
    pdf.paragraph(" · ".join(str(f) for f in facts), 9, color=MUTED)
    pdf.paragraph(
        _("Score: %(score)s · progress %(progress)s · %(status)s")
        % {
            "score": format_score(line.score, display),
            "progress": percent(line.progress),
            "status": status_label(line.status),
        },
        bold=True,
    )
    pdf.ln(1)
    if line.key_results:
        pdf.style(9)
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        headings = FontFace(emphasis="BOLD", fill_color=TRACK)
        with pdf.table(
            col_widths=(52, 20, 12, 12),
            headings_style=headings,
            line_height=4.6,
            text_align=("LEFT", "LEFT", "RIGHT", "RIGHT"),
            padding=1,
        ) as table:
            head = table.row()
            for text in (_("Key result"), _("Owner"), _("Progress"), _("Score")):
                head.cell(pdf.t(text))
            for kr_line in line.key_results:
                kr = kr_line.kr
                title = kr.title + (f"\n{kr.score_note}" if kr.score_note else "")
                row = table.row()
                row.cell(pdf.t(title))
                row.cell(pdf.t(kr.owner.display_name))
                row.cell(pdf.t(percent(kr_line.progress)))
                row.cell(pdf.t(format_score(kr_line.score, display)))
        pdf.ln(2)
    _answers(pdf, line.retrospective)


def _answers(pdf: ReportPDF, answers: list[tuple[str, str]]) -> None:
    for question, answer in answers:
        pdf.paragraph(question, 10, bold=True)
        pdf.paragraph(answer, 10)
        pdf.ln(1)
    pdf.ln(1)
