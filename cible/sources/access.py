"""Who may run and configure a key result's data source: pure questions."""

from cible.orgs.models import Membership
from cible.sources.models import DataSource, SourceKind


def may_use_sql(membership: Membership) -> bool:
    """An SQL source reads company data: only admins and owners set one up or change it."""
    return membership.is_admin


def may_configure(source: DataSource | None, membership: Membership, can_edit: bool) -> bool:
    """Whoever may edit the KR configures its JSON or CSV source; an SQL one needs
    `may_use_sql`."""
    if not can_edit:
        return False
    return source is None or source.kind != SourceKind.SQL or may_use_sql(membership)
