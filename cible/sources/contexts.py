"""What the key result page shows of its data source."""

from dataclasses import dataclass

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


def source_panel(kr: KeyResult, membership: Membership, can_edit: bool) -> SourcePanel | None:
    """None when there is nothing to show: no source, and nobody here to add one."""
    source = DataSource.objects.filter(key_result=kr).first()
    if source is None and not can_edit:
        return None
    return SourcePanel(source, can_edit, may_configure(source, membership, can_edit))
