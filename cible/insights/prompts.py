"""Finding the key results whose plan no longer holds, for the next monthly review
(`cible.checkins.decisions`): a running key result of an active cycle

- whose forecast range (a trend through its check-ins, `cible.insights.forecasts`) no
  longer contains its target: even its best pace falls short (`progress_high` below 1);
- or with a breached guardrail (`Guardrail.breached_since` set);
- or at risk from a dependency (`rules.at_risk_from_dependency`: the provider is off
  track while the dependency is awaited).

The scan runs once a day for each organisation from `cible worker`, and each pass of the
worker looks at the key results checked in since the one before (a check-in itself pays
nothing for it). Finding the same again opens nothing new.
"""

import logging
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from cible.checkins import decisions
from cible.checkins.models import CheckIn, DecisionPrompt, PromptReason
from cible.insights.forecasts import forecast_view, forecasts
from cible.kpis.models import Guardrail
from cible.lib.forecast import Basis
from cible.lib.numbers import plain
from cible.okrs import rules
from cible.okrs.contexts import provider_status
from cible.okrs.models import (
    CycleState,
    Dependency,
    KeyResult,
    thresholds_for,
)
from cible.orgs.models import Organization

logger = logging.getLogger(__name__)

RUNNING = (CycleState.ACTIVE,)
PROVIDER_KRS = KeyResult.objects.live().order_by("position", "id")


def _running(org_id: int) -> Any:
    return (
        KeyResult.objects.live()
        .filter(
            objective__organization_id=org_id,
            objective__cycle__state__in=RUNNING,
            objective__archived_at__isnull=True,
        )
        .select_related("objective__cycle", "objective__organization")
    )


def find(krs: list[KeyResult], today: date | None = None) -> list[decisions.Found]:
    """The reasons to decide about these key results (cycle and organisation loaded), in a
    constant number of queries."""
    today = today or timezone.localdate()
    if not krs:
        return []
    found = []
    by_id = {kr.pk: kr for kr in krs}
    for kr_id, forecast in forecasts(krs, today).items():
        if forecast.basis is Basis.TREND and forecast.progress_high < 1:
            kr = by_id[kr_id]
            view = forecast_view(kr, forecast)
            facts = {
                "low": plain(view.low),
                "high": plain(view.high),
                "target": plain(kr.target),
                "end": view.end.isoformat(),
            }
            found.append(decisions.Found(kr, PromptReason.FORECAST, facts))
    guardrails = Guardrail.objects.filter(
        key_result_id__in=by_id, breached_since__isnull=False
    ).select_related("kpi")
    for guardrail in guardrails:
        since = timezone.localtime(guardrail.breached_since).date()  # type: ignore[arg-type]
        facts = {"kpi": guardrail.kpi.name, "since": since.isoformat()}
        found.append(decisions.Found(by_id[guardrail.key_result_id], PromptReason.GUARDRAIL, facts))
    found += _dependency_risks(krs, by_id, today)
    return found


def _dependency_risks(
    krs: list[KeyResult], by_id: dict[int, KeyResult], today: date
) -> list[decisions.Found]:
    objective_ids = {kr.objective_id for kr in krs}
    dependencies = (
        Dependency.objects.filter(
            from_objective_id__in=objective_ids, state__in=rules.DEPENDENCY_AWAITED
        )
        .select_related("to_objective__cycle", "to_key_result__objective__cycle")
        .prefetch_related(Prefetch("to_objective__key_results", queryset=PROVIDER_KRS))
    )
    found = []
    thresholds = None
    for dependency in dependencies:
        if thresholds is None:
            thresholds = thresholds_for(krs[0].objective.organization)
        if dependency.to_key_result is not None:
            dependency.to_key_result.objective = dependency.to_objective
        status = provider_status(dependency, today, thresholds)
        if not rules.at_risk_from_dependency(dependency.state, status):
            continue
        provider = dependency.to_key_result or dependency.to_objective
        facts = {"provider": str(provider)}
        named = dependency.from_key_result_id
        for kr in krs:
            if kr.objective_id == dependency.from_objective_id and named in (None, kr.pk):
                found.append(decisions.Found(by_id[kr.pk], PromptReason.DEPENDENCY, facts))
    return found


def scan(org: Organization, today: date | None = None) -> list[DecisionPrompt]:
    """Open the prompts the organisation's running key results call for."""
    return decisions.open_prompts(find(list(_running(org.pk)), today))


def scan_key_results(kr_ids: list[int], today: date | None = None) -> list[DecisionPrompt]:
    krs = list(
        KeyResult.objects.live()
        .filter(pk__in=kr_ids, objective__cycle__state__in=RUNNING)
        .select_related("objective__cycle", "objective__organization")
    )
    return decisions.open_prompts(find(krs, today))


SCAN_CHUNK = 500


# Once a day for each organisation, from the worker's planning pass; a worker that starts
# again scans again, which opens nothing new.
_scanned: dict[int, date] = {}


def scan_due(today: date | None = None) -> int:
    today = today or timezone.localdate()
    opened = 0
    for org in Organization.objects.exclude(pk__in=[k for k, v in _scanned.items() if v == today]):
        try:
            opened += len(scan(org, today))
        except Exception:
            logger.exception("Decision prompts of organisation %s: the scan failed", org.pk)
            continue
        _scanned[org.pk] = today
    return opened


# The newest check-in looked at by the worker's passes, so that each pass looks at the key
# results checked in since the last one (a check-in itself pays nothing for prompts).
_seen_check_in: list[int] = []


def scan_checked_in(today: date | None = None) -> int:
    """Look at the key results checked in since the last pass: a check-in may take a
    forecast away from its target. The first pass of a worker starts from now."""
    newest = CheckIn.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if not _seen_check_in:
        _seen_check_in.append(newest)
        return 0
    since, _seen_check_in[0] = _seen_check_in[0], newest
    kr_ids = list(
        CheckIn.objects.filter(pk__gt=since, pk__lte=newest)
        .values_list("key_result_id", flat=True)
        .distinct()
        .order_by()
    )
    opened = 0
    for start in range(0, len(kr_ids), SCAN_CHUNK):
        opened += len(scan_key_results(kr_ids[start : start + SCAN_CHUNK], today))
    return opened
