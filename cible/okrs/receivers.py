"""The OKRs' receivers of what the organisation services announce (`cible/orgs/signals.py`),
connected by the app's `ready()`."""

from typing import Any

from django.utils import timezone

from cible.accounts.models import User
from cible.okrs.services import start_current_year
from cible.orgs import signals as orgs
from cible.orgs.models import Organization


def organization_created(
    sender: Any, organization: Organization, creator: User, **kwargs: Any
) -> None:
    """Start with this year and its quarters so that OKRs can be written at once."""
    start_current_year(organization, timezone.localdate(), creator)


def connect() -> None:
    orgs.organization_created.connect(organization_created, dispatch_uid="cible.okrs")
