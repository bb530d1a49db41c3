"""The insights' charts as server-rendered SVG (``cible.lib.svgbars``), with the words and
numbers formatted for the reader; each page shows the same numbers in a table."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cible.insights import scores
from cible.lib import okrmath
from cible.lib.svgbars import Bar, bar_chart
from cible.okrs.templatetags.okrs import score as format_score
from cible.okrs.templatetags.okrs import status_label


def bin_label(index: int, display: str = "decimal") -> str:
    """The bounds of a histogram bin as the reader sees scores: "0.6–0.7" or "60–70 %"."""
    low, high = scores.bin_bounds(index)
    if display == "percent":
        return f"{int(low * 100)}–{int(high * 100)}\u00a0%"
    return f"{number_format(low, decimal_pos=1)}–{number_format(high, decimal_pos=1)}"


def bin_rows(
    counts: Sequence[int], display: str = "decimal"
) -> list[tuple[str, int, bool]]:  # (label, count, is the target band)
    return [
        (bin_label(i, display), count, i == scores.TARGET_BIN) for i, count in enumerate(counts)
    ]


def histogram_chart(
    counts: Sequence[int], title: str, chart_id: str, display: str = "decimal", what: str = ""
) -> SafeString:
    """Ten bars, one per band of 0.1, the 0.6-0.7 target band highlighted and labelled."""
    bars = [
        Bar(
            _("%(band)s (target)") % {"band": label} if target else label,
            float(count),
            str(count),
            kind="highlight" if target else "",
        )
        for label, count, target in bin_rows(counts, display)
    ]
    desc = _(
        "How many %(what)s scored in each band of 0.1; the target band, 0.6 to 0.7, is "
        "highlighted. The table below gives the same numbers."
    ) % {"what": what or _("objectives")}
    return mark_safe(bar_chart(bars, title, desc, chart_id=chart_id))  # svgbars escapes


def means_chart(
    items: Sequence[tuple[str, Decimal | None]], title: str, chart_id: str, display: str
) -> SafeString:
    """One bar per item (a cycle, a team): its mean score on the 0-1 scale."""
    bars = [
        Bar(
            label,
            float(value) if value is not None else 0.0,
            format_score(value, display),
            kind=okrmath.band(value).value if value is not None else "",
        )
        for label, value in items
    ]
    desc = _("The mean score of each, on a scale of 0 to 1. The table gives the same numbers.")
    return mark_safe(bar_chart(bars, title, desc, maximum=1.0, chart_id=chart_id))


def status_chart(counts: dict[okrmath.Status, int], title: str, chart_id: str) -> SafeString:
    bars = [
        Bar(status_label(status), float(counts.get(status, 0)), str(counts.get(status, 0)), status)
        for status in okrmath.Status
    ]
    desc = _("How many objectives are reached, on track, at risk, off track and not started.")
    return mark_safe(bar_chart(bars, title, desc, chart_id=chart_id))  # svgbars escapes
