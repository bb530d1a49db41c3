"""The KPI page's chart and the lists' sparklines: cible.lib.svgkpi fed with a KPI's values,
translated words and the reader's number and date formats."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cible.kpis.models import KPI, KPIValue
from cible.lib.svgkpi import Bands, KPIChartLabels, kpi_chart, sparkline
from cible.okrs.templatetags.okrs import value as format_value


def _thresholds_sentence(kpi: KPI) -> str:
    numbers = {
        name: format_value(getattr(kpi, name), kpi.unit)
        for name in ("critical_low", "healthy_low", "healthy_high", "critical_high")
    }
    if kpi.direction == "higher":
        text = _("Healthy from %(healthy_low)s; critical below %(critical_low)s.")
    elif kpi.direction == "lower":
        text = _("Healthy up to %(healthy_high)s; critical above %(critical_high)s.")
    else:
        text = _(
            "Healthy between %(healthy_low)s and %(healthy_high)s; critical below "
            "%(critical_low)s or above %(critical_high)s."
        )
    return text % numbers


def chart(kpi: KPI, values: Sequence[KPIValue]) -> SafeString:
    """``values`` oldest first."""
    count = len(values)
    if values:
        latest = ngettext(
            "%(count)s value; the latest, on %(date)s, reads %(value)s.",
            "%(count)s values; the latest, on %(date)s, reads %(value)s.",
            count,
        ) % {
            "count": count,
            "date": date_format(timezone.localtime(values[-1].measured_at).date()),
            "value": format_value(values[-1].value, kpi.unit),
        }
    else:
        latest = _("No value yet.")
    labels = KPIChartLabels(
        title=_("%(name)s: values over time") % {"name": kpi.name},
        desc=" ".join(
            [_thresholds_sentence(kpi), latest, _("The table of values lists the same data.")]
        ),
        healthy=_("Healthy"),
        warning=_("Warning"),
        critical=_("Critical"),
    )
    svg = kpi_chart(
        [(timezone.localtime(v.measured_at), v.value) for v in values],
        Bands(kpi.critical_low, kpi.healthy_low, kpi.healthy_high, kpi.critical_high),
        labels,
        format_value,
        lambda day: date_format(day, "MONTH_DAY_FORMAT" if count < 30 else "YEAR_MONTH_FORMAT"),
        today=timezone.localdate(),
        chart_id=f"kpi-chart-{kpi.pk}",
    )
    # Safe: kpi_chart escapes every piece of text it writes.
    return mark_safe(svg)


def spark(values: Sequence[Decimal]) -> SafeString:
    return mark_safe(sparkline(values))  # numbers only
