"""A key result's data source: where its value is read, how often, and how the last
reading went."""

from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cible.kpis.models import KPI
from cible.okrs.models import KeyResult, value_field

# Below this, a source would hammer the service it reads for little news.
MIN_MINUTES = 15
MAX_MINUTES = 60 * 24 * 28


class SourceKind(models.TextChoices):
    JSON = "json", _("JSON from a URL")
    CSV = "csv", _("CSV from a URL or a file")
    SQL = "sql", _("SQL query on a company database")


class Every(models.TextChoices):
    HOUR = "hour", _("Every hour")
    DAY = "day", _("Every day")
    WEEK = "week", _("Every week")
    MINUTES = "minutes", _("Every few minutes")


EVERY_MINUTES = {Every.HOUR: 60, Every.DAY: 60 * 24, Every.WEEK: 60 * 24 * 7}

# Why the last run failed, by code: the message is written in the reader's language when
# shown, from the code and its parameters (technical details, never translated). No
# message quotes a value the source read: it may come from any service the server can
# reach, and rows stored before kept it in their parameters.
ERRORS: dict[str, Promise] = {
    "http_status": _("The address answered with HTTP status %(status)s."),
    "unreachable": _("The address could not be reached (%(reason)s)."),
    "timeout": _("No answer within %(seconds)s seconds."),
    "too_large": _("The data is larger than %(limit)s bytes."),
    "not_text": _("The data is not UTF-8 text."),
    "bad_json": _("The answer is not valid JSON (%(reason)s)."),
    "missing_path": _("Nothing at %(path)s in the JSON document."),
    "no_value": _("The value is empty."),
    "not_a_number": _("The value read is not a number."),
    "not_finite": _("The value read is not a finite number."),
    "too_many_digits": _(
        "The value read is too large: at most 16 digits before the decimal point."
    ),
    "blocked": _(
        "The address %(host)s is on a private or internal network; the operator can allow "
        "it with CIBLE_OUTBOUND_ALLOW."
    ),
    "empty": _("The data is empty."),
    "no_file": _("There is no file %(file)s in the data source folder."),
    "outside_folder": _("The file %(file)s is outside the data source folder."),
    "bad_csv": _("The data is not valid CSV (%(reason)s)."),
    "no_column": _("There is no column %(column)s in the header row."),
    "empty_column": _("No row has a value in the column %(column)s."),
    "unknown_database": _("No source database is named %(database)s."),
    "query_failed": _("The query failed (%(reason)s)."),
    "no_row": _("The query returned no row."),
    "many_rows": _("The query returned more than one row."),
    "many_columns": _("The query returned %(count)s columns instead of one."),
    "refused": _("The check-in was refused: %(reason)s"),
    "internal": _("The data source could not be read (%(reason)s)."),
}


class DataSource(models.Model):
    """Feeds one key result (its check-ins) or one KPI (its values): exactly one of them."""

    key_result = models.OneToOneField(
        KeyResult,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="data_source",
        verbose_name=_("key result"),
    )
    kpi = models.OneToOneField(
        KPI,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="data_source",
        verbose_name=_("KPI"),
    )
    kind = models.CharField(_("kind"), max_length=4, choices=SourceKind.choices)
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    path = models.CharField(_("path in the JSON document"), max_length=200, blank=True)
    file = models.CharField(_("file"), max_length=255, blank=True)
    column = models.CharField(_("column"), max_length=200, blank=True)
    database = models.CharField(_("database"), max_length=40, blank=True)
    query = models.TextField(_("query"), blank=True)
    every = models.CharField(_("schedule"), max_length=8, choices=Every.choices, default=Every.DAY)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    # How the runs go.
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True, db_index=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_value = value_field(_("last value"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=20, blank=True)
    last_error_params = models.JSONField(default=dict, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    owner_notified = models.BooleanField(default=False)
    # The claim: each run takes the counter from the value its task was queued with, so two
    # copies of a task (or a task and "Run now") never both run.
    runs = models.PositiveIntegerField(default=0)
    leased_until = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in SourceKind]), name="source_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(every=Every.MINUTES)
                | Q(minutes__gte=MIN_MINUTES, minutes__lte=MAX_MINUTES),
                name="source_minutes_bounded",
            ),
            models.CheckConstraint(
                condition=Q(key_result__isnull=False, kpi__isnull=True)
                | Q(key_result__isnull=True, kpi__isnull=False),
                name="source_feeds_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.key_result or self.kpi}"

    @property
    def target(self) -> "KeyResult | KPI":
        """What it feeds."""
        target = self.key_result if self.key_result_id is not None else self.kpi
        assert target is not None
        return target

    @property
    def unit(self) -> str:
        return self.target.unit

    @property
    def interval(self) -> timedelta:
        if self.every == Every.MINUTES:
            return timedelta(minutes=max(self.minutes or MIN_MINUTES, MIN_MINUTES))
        return timedelta(minutes=EVERY_MINUTES.get(Every(self.every), 60 * 24))

    @property
    def schedule_label(self) -> str:
        if self.every == Every.MINUTES:
            return gettext("Every %(minutes)s minutes") % {"minutes": self.minutes}
        return str(self.get_every_display())

    @property
    def is_failing(self) -> bool:
        return self.failing_since is not None

    def error_message(self) -> str:
        """The last error in the active language."""
        if not self.last_error:
            return ""
        template = ERRORS.get(self.last_error, ERRORS["internal"])
        params: dict[str, Any] = {"reason": self.last_error, **(self.last_error_params or {})}
        try:
            return str(template) % params
        except (KeyError, TypeError, ValueError):
            return str(template)

    def describe(self) -> str:
        """A summary for the audit trail, without addresses or queries (they may hold
        secrets)."""
        return f"{self.kind}, {self.schedule_label}" + ("" if self.enabled else ", off")
