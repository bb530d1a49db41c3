"""The dashboard's charts: ``svgbars`` and ``svgline`` fed with a dashboard's numbers,
translated labels and the reader's number and date formats. Each chart's page shows the
same numbers in a table."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cible.insights.dashboard import Dashboard
from cible.lib.svgbars import Bar, bar_chart
from cible.lib.svgline import Series, line_chart
from cible.okrs.templatetags.okrs import percent, status_label


@dataclass(frozen=True)
class Charts:
    statuses: SafeString
    discipline: SafeString | None
    balance: SafeString
    progress: SafeString | None


def _points(fraction: Decimal | None) -> float:
    return float(fraction * 100) if fraction is not None else 0.0


def _safe(svg: str) -> SafeString:
    # Safe: svgbars and svgline escape every piece of text they write.
    return mark_safe(svg)


def status_chart(board: Dashboard) -> SafeString:
    total = board.objective_count
    bars = [
        Bar(
            status_label(item.status),
            item.share.count,
            f"{item.share.count} ({percent(item.share.fraction)})",
            kind=item.status.value,
        )
        for item in board.statuses
    ]
    return _safe(
        bar_chart(
            bars,
            _("Objectives by status"),
            _(
                "How many objectives are reached, on track, at risk, off track and not "
                "started; the table below gives the same numbers."
            ),
            maximum=float(total),
            chart_id="status-chart",
        )
    )


def discipline_chart(board: Dashboard) -> SafeString | None:
    if board.discipline is None:
        return None
    bars = [
        Bar(
            group.label or _("No team"),
            _points(group.share.fraction),
            percent(group.share.fraction),
        )
        for group in board.discipline.groups_shown
    ]
    title = _("Check-ins this week by person") if board.team else _("Check-ins this week by team")
    return _safe(
        bar_chart(
            bars,
            title,
            _(
                "The share of key results checked in since the week began; the table below "
                "gives the same numbers."
            ),
            maximum=100.0,
            chart_id="discipline-chart",
        )
    )


def balance_chart(board: Dashboard) -> SafeString:
    rows = [board.overall_balance, *([] if board.team else board.balance_shown)]
    bars = [
        Bar(
            row.label or _("All objectives"),
            _points(row.share.fraction),
            percent(row.share.fraction),
            kind="highlight" if row.verdict == "balanced" else "",
        )
        for row in rows
    ]
    return _safe(
        bar_chart(
            bars,
            _("Top-down share of objectives"),
            _(
                "The share of objectives set top-down, against the method's 60 %; the table "
                "below gives the same numbers, with the bottom-up ones."
            ),
            maximum=100.0,
            chart_id="balance-chart",
        )
    )


def progress_chart(board: Dashboard) -> SafeString | None:
    if not board.history:
        return None
    labels = [date_format(point.day, "MONTH_DAY_FORMAT") for point in board.history]
    average = [point.progress for point in board.history]
    expected = [point.expected for point in board.history]
    return _safe(
        line_chart(
            labels,
            [
                Series(
                    _("Average progress"),
                    [None if v is None else _points(v) for v in average],
                    [percent(v) for v in average],
                ),
                Series(
                    _("Expected pace"),
                    [_points(v) for v in expected],
                    [percent(v) for v in expected],
                    kind="expected",
                    dashed=True,
                ),
            ],
            _("Average progress over time"),
            _(
                "The average progress of the objectives at the end of each week, against the "
                "expected pace; the table below gives the same numbers."
            ),
            maximum=100.0,
            y_ticks=[(float(v), percent(Decimal(v) / 100)) for v in (0, 25, 50, 75, 100)],
            chart_id="progress-chart",
        )
    )


def charts(board: Dashboard) -> Charts:
    return Charts(
        statuses=status_chart(board),
        discipline=discipline_chart(board),
        balance=balance_chart(board),
        progress=progress_chart(board),
    )
