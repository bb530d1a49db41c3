"""What the key result page and the KPI page show of their data source."""

from dataclasses import dataclass

from cible.kpis.models import KPI
from cible.okrs.models import KeyResult
from cible.orgs.models import Membership
from cible.sources.access import may_configure
from cible.sources.models import DataSource


@dataclass
class SourcePanel:
    source: DataSource | None
    # May run it now.
    can_run: bool
    # May change, turn off or remove it; also sees its address, file or query, which only
    # editors see (an address may carry a token).
    can_configure: bool
    # Where its pages are: key_result_source or kpi_source, for the KR's or KPI's id.
    url_prefix: str = "key_result_source"
    target_id: int = 0


def source_panel(
    target: KeyResult | KPI, membership: Membership, can_edit: bool
) -> SourcePanel | None:
    """None when there is nothing to show: no source, and nobody here to add one."""
    is_kpi = isinstance(target, KPI)
    source = DataSource.objects.filter(**{"kpi" if is_kpi else "key_result": target}).first()
    if source is None and not can_edit:
        return None
    return SourcePanel(
        source,
        can_edit,
        may_configure(source, membership, can_edit),
        "kpi_source" if is_kpi else "key_result_source",
        target.pk,
    )
