from django.db import models

from cible.okrs.models import Cycle
from cible.orgs.models import Organization


class DashboardSnapshot(models.Model):
    """The organisation's dashboard of one cycle as the worker last computed it, for an
    organisation too large to compute it at each visit (`cible.insights.snapshots`)."""

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="+")
    # The compact `Dashboard`, pickled; written by this application only, and read back
    # only when `version` matches the code's.
    data = models.BinaryField(default=b"")
    version = models.CharField(max_length=20, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)  # how long computing it took
    requested_at = models.DateTimeField(null=True, blank=True)  # a refresh is queued

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "cycle"], name="one_dashboard_snapshot_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.cycle_id} at {self.computed_at}"


# The shape of the stored copy: a change of `Dashboard` or of what it holds changes it,
# and older copies are then computed again rather than read.
FORMAT = "2"  # 2: statuses carry their reason; reached and not started
