from django.db import models

from cible.okrs.models import Cycle, Objective
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
    # What the stored figures of each objective (`ObjectiveFact`) were computed from: the
    # check-ins and recorded changes up to these ids, on `facts_on` (statuses are judged
    # against that day's pace), with `basis` (`cible.insights.facts.basis`).
    facts_on = models.DateField(null=True, blank=True)
    basis = models.CharField(max_length=500, blank=True)
    check_in_mark = models.BigIntegerField(default=0)
    change_mark = models.BigIntegerField(default=0)
    facts_started_at = models.DateTimeField(null=True, blank=True)  # the last refresh's start
    # The chart's points summed over the stored figures, kept as they change.
    history_sums = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "cycle"], name="one_dashboard_snapshot_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.cycle_id} at {self.computed_at}"


class ObjectiveFact(models.Model):
    """One objective's figures for its organisation's stored dashboard, as of its last
    change (`cible.insights.facts`): kept for the objectives the whole organisation may
    see, in cycles whose dashboard is the stored one. Decimals are kept as text, exact."""

    objective = models.OneToOneField(Objective, models.CASCADE, primary_key=True, related_name="+")
    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="+")
    progress = models.CharField(max_length=60)
    status = models.CharField(max_length=20)
    # The progress at the end of each day of the chart (`dashboard.week_ends`), in order.
    history = models.JSONField(default=list)
    # Its live KRs, in order: [id, progress, has a forecast, checked in (not driven), owner,
    # newest check-in as a POSIX timestamp or None].
    krs = models.JSONField(default=list)
    # For the cycle report: its score (final once the cycle is closed, else proposed), as
    # text ("" without one), and how many live KRs it has.
    score = models.CharField(max_length=60, blank=True, db_index=False)
    kr_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.objective_id}: {self.progress} {self.status}"


# The shape of the stored copy: a change of `Dashboard` or of what it holds changes it,
# and older copies are then computed again rather than read.
FORMAT = "2"  # 2: statuses carry their reason; reached and not started


class CalibrationFact(models.Model):
    """The final scores of one closed cycle, added up by team, for the objectives the whole
    organisation may see (`cible.insights.calibration`): computed once the cycle is closed,
    and again when a recorded change touches it (an admin's correction)."""

    cycle = models.OneToOneField(Cycle, models.CASCADE, primary_key=True, related_name="+")
    # Recorded changes (`okrs.Change`) up to this id are counted.
    change_mark = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)
    # By team id ("" for objectives without a team): [count, sum of scores as text, [the
    # ten bins' counts]] for objectives; [the ten bins' counts] for key results.
    objectives = models.JSONField(default=dict)
    key_results = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.cycle_id} up to change {self.change_mark}"
