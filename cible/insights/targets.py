"""Target suggestions while a key result is written (the method: `cible.lib.targets`): what
a team's past says, read once for a whole form or objective in a constant number of
queries, and the suggestion for each key result, told in one sentence.

The evidence, as the reader may see it:
- the calibration: the mean final score of the team's objectives in closed cycles (the
  organisation's, for an objective without a team), as the calibration page counts it;
- the metric's pace over the last cycle: a key result of the objective this one was
  carried over from, else a similar key result of the team in a past cycle (similar title,
  same unit: `cible.lib.similarity`), else a KPI of the team of a similar name or the same
  unit (its values within the last closed cycle). The pace is scaled to the cycle's length.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext

from cible.kpis.models import KPI, KPIValue
from cible.lib import coach, similarity
from cible.lib import targets as method
from cible.lib.forecast import display_step, round_to
from cible.lib.targets import Outcome, Suggestion
from cible.okrs.models import (
    Cycle,
    CycleState,
    KeyResult,
    KRKind,
    Objective,
    ObjectiveQuerySet,
    ObjectiveState,
)
from cible.orgs.models import Membership, Team

# How many past key results of the team are compared with the one written: the latest.
PAST_KEY_RESULTS = 300
MOVING = (KRKind.INCREASE, KRKind.DECREASE)


@dataclass(frozen=True)
class Draft:
    """A key result as typed so far."""

    kind: str
    start: Decimal
    target: Decimal | None
    unit: str = ""
    title: str = ""


@dataclass(frozen=True)
class PastMetric:
    """A number followed before: a past key result's or a KPI's movement over its span."""

    source: str  # CARRIED, SIMILAR or KPI
    name: str
    unit: str
    change: Decimal  # signed, in the metric's unit
    days: int
    kind: str = ""  # a past key result's kind


CARRIED, SIMILAR, KPI_SOURCE = "carried", "similar", "kpi"


@dataclass
class TeamHistory:
    team_named: bool  # a team's history, else the organisation's
    cycle_days: int
    mean_score: Decimal | None = None
    cycles: int = 0
    carried: list[PastMetric] = field(default_factory=list)
    past: list[PastMetric] = field(default_factory=list)
    kpis: list[PastMetric] = field(default_factory=list)


@dataclass(frozen=True)
class Planned:
    """A suggestion with the evidence it rests on and its sentence."""

    draft: Draft
    suggestion: Suggestion
    metric: PastMetric | None
    team_named: bool
    cycles: int

    @property
    def target(self) -> Decimal | None:
        return self.suggestion.target

    @property
    def suggested(self) -> bool:
        return self.suggestion.outcome is Outcome.SUGGESTED

    @property
    def sentence(self) -> str:
        return explain(self)


def days_between(start: date, end: date) -> int:
    return max((end - start).days, 1)


def history_for(
    membership: Membership,
    team: Team | None,
    cycle: Cycle,
    carried_from_id: int | None = None,
) -> TeamHistory:
    """What the team's past says, in five queries whatever its size."""
    history = TeamHistory(team is not None, days_between(cycle.start, cycle.end))
    visible = Objective.objects.visible_to(membership).filter(
        organization_id=membership.organization_id
    )
    own = Q(team=team) if team is not None else Q()
    scored = (
        visible.active()
        .filter(own, cycle__state=CycleState.CLOSED, score__isnull=False)
        .exclude(state=ObjectiveState.CANCELLED)
        .aggregate(mean=Avg("score"), cycles=Count("cycle", distinct=True))
    )
    if scored["mean"] is not None:
        history.mean_score = Decimal(str(scored["mean"])).quantize(Decimal("0.01"))
        history.cycles = scored["cycles"]
    _past_key_results(history, visible, team, cycle, carried_from_id)
    _kpis(history, membership, team, cycle)
    return history


def _past_key_results(
    history: TeamHistory,
    visible: ObjectiveQuerySet,
    team: Team | None,
    cycle: Cycle,
    carried_from_id: int | None,
) -> None:
    past = Q(team=team, cycle__state=CycleState.CLOSED, cycle__end__lte=cycle.start)
    if team is None:
        past = Q(pk__in=[])  # an objective without a team has no team's past to compare
    if carried_from_id is not None:
        past |= Q(pk=carried_from_id)
    # The visibility rules within the team's objectives only: over the whole organisation
    # they cost tens of milliseconds on a large one.
    rows = (
        KeyResult.objects.live()
        .filter(kind__in=MOVING, objective__in=visible.filter(past))
        .order_by("-objective__cycle__end", "position", "pk")
        .values_list(
            "objective_id",
            "title",
            "unit",
            "kind",
            "start",
            "current",
            "due_date",
            "objective__cycle__start",
            "objective__cycle__end",
        )[:PAST_KEY_RESULTS]
    )
    for objective_id, title, unit, kind, start, current, due, c_start, c_end in rows:
        end = due if due and due > c_start else c_end
        metric = PastMetric(SIMILAR, title, unit, current - start, days_between(c_start, end), kind)
        if objective_id == carried_from_id:
            history.carried.append(
                PastMetric(CARRIED, title, unit, metric.change, metric.days, kind)
            )
        else:
            history.past.append(metric)


def _kpis(history: TeamHistory, membership: Membership, team: Team | None, cycle: Cycle) -> None:
    last = (
        Cycle.objects.filter(
            organization_id=membership.organization_id,
            state=CycleState.CLOSED,
            end__lte=cycle.start,
            kind=cycle.kind,
        )
        .order_by("-end")
        .first()
    )
    if last is None:
        return
    kpis = {
        pk: (name, unit)
        for pk, name, unit in KPI.objects.filter(
            organization_id=membership.organization_id, team=team, archived=False
        ).values_list("id", "name", "unit")
    }
    if not kpis:
        return
    values: dict[int, list[Decimal]] = defaultdict(list)
    for kpi_id, value in (
        KPIValue.objects.filter(
            kpi_id__in=kpis, measured_at__date__gte=last.start, measured_at__date__lte=last.end
        )
        .order_by("measured_at", "pk")
        .values_list("kpi_id", "value")
    ):
        values[kpi_id].append(value)
    for pk, (name, unit) in kpis.items():
        readings = values.get(pk, [])
        if len(readings) >= 2:
            days = days_between(last.start, last.end)
            history.kpis.append(
                PastMetric(KPI_SOURCE, name, unit, readings[-1] - readings[0], days)
            )


def _same_unit(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def metric_for(history: TeamHistory, draft: Draft) -> PastMetric | None:
    """The past of the number this key result follows: carried over, similar, or a KPI."""
    title, unit = draft.title, draft.unit
    for metric in history.carried:
        if metric.kind == draft.kind and (
            similarity.similar(metric.name, title) or (unit and _same_unit(metric.unit, unit))
        ):
            return metric
    if title:
        for metric in history.past:
            if (
                metric.kind == draft.kind
                and _same_unit(metric.unit, unit)
                and similarity.similar(metric.name, title)
            ):
                return metric
    named = [m for m in history.kpis if title and similarity.similar(m.name, title)]
    united = [m for m in history.kpis if unit.strip() and _same_unit(m.unit, unit)]
    found = named + united
    return found[0] if found else None


def plan(history: TeamHistory, draft: Draft) -> Planned:
    """The suggestion for one key result being written."""
    metric = metric_for(history, draft) if draft.kind in MOVING else None
    pace = None
    if metric is not None:
        pace = metric.change * history.cycle_days / metric.days
    suggestion = method.suggest(
        draft.kind, draft.start, draft.target, history.mean_score, pace, draft.unit
    )
    if suggestion.pace is None:
        metric = None  # not used: it went the wrong way
    return Planned(draft, suggestion, metric, history.team_named, history.cycles)


TARGET_SUGGESTION = "target_suggestion"


def advice_for(membership: Membership, objective: Objective) -> list[coach.Advice]:
    """The coach's advice on the targets of an objective's live key results (loaded, with
    its cycle): a suggestion where the target is not expected to land within 0.6-0.7."""
    krs = list(objective.key_results.all())
    # Read whatever its key results' kinds: the page's queries stay the same as they change.
    history = history_for(membership, objective.team, objective.cycle, objective.carried_from_id)
    advice = []
    for index, kr in enumerate(krs):
        if kr.kind not in MOVING:
            continue
        planned = plan(history, Draft(kr.kind, kr.start, kr.target, kr.unit, kr.title))
        if planned.suggested and not planned.suggestion.in_band and planned.target != kr.target:
            message = gettext("“%(title)s”: %(sentence)s") % {
                "title": kr.title,
                "sentence": planned.sentence,
            }
            advice.append(coach.Advice(TARGET_SUGGESTION, message, "target", index))
    return advice


# Words ------------------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    """Rounded to its own scale (a twentieth of it), without trailing zeros."""
    plain = round_to(value, display_step(Decimal(0), value)).normalize()
    if plain.as_tuple().exponent > 0:  # type: ignore[operator]
        plain = plain.quantize(Decimal(1))
    return number_format(plain)


def _score(value: Decimal) -> str:
    return number_format(value.quantize(Decimal("0.01")))


def _percent(fraction: Decimal) -> str:
    return f"{number_format(abs(round(fraction * 100)))}\u00a0%"


def _source(metric: PastMetric) -> str:
    if metric.source == CARRIED:
        return gettext("the key result “%(name)s” this one carries over") % {"name": metric.name}
    if metric.source == KPI_SOURCE:
        return gettext("the KPI “%(name)s”") % {"name": metric.name}
    return gettext("the similar key result “%(name)s”") % {"name": metric.name}


def _change(planned: Planned) -> str:
    s = planned.suggestion
    value = _number(s.target or Decimal(0))
    if s.change is None or planned.draft.target is None:
        return value
    if round(s.change * 100) == 0:
        return gettext("%(value)s, the target you typed") % {"value": value}
    words = {"value": value, "percent": _percent(s.change)}
    if s.change > 0:
        return gettext("%(value)s, %(percent)s higher than yours") % words
    return gettext("%(value)s, %(percent)s lower than yours") % words


def explain(planned: Planned) -> str:
    """The suggestion, or why there is none, in one sentence in the active language."""
    s = planned.suggestion
    if s.outcome is Outcome.MILESTONE:
        return gettext("A milestone is done or not: there is no target to suggest.")
    if s.outcome is Outcome.NOT_MOVING:
        return gettext("This key result keeps a number within a bound: no target to suggest.")
    if s.outcome is Outcome.NO_HISTORY:
        if planned.team_named:
            return gettext(
                "No suggestion yet: the team has no scored closed cycle, and this number no "
                "history (no key result carried over or similar, no KPI)."
            )
        return gettext(
            "No suggestion yet: the organisation has no scored closed cycle, and this number "
            "no history."
        )
    if s.outcome is Outcome.NO_DISTANCE:
        return gettext(
            "Type a target away from the start: the suggestion scales it by your past scores."
        )
    words = {
        "who": gettext("Your team") if planned.team_named else gettext("Your organisation"),
        "mean": _score(s.mean_score) if s.mean_score is not None else "",
        "source": _source(planned.metric) if planned.metric else "",
        "pace": _number(abs(s.pace)) if s.pace is not None else "",
        "change": _change(planned),
        "aim": _score(method.AIM),
    }
    if s.mean_score is not None and s.pace is not None:
        return (
            gettext(
                "%(who)s reached %(mean)s on average and %(source)s moved by %(pace)s last "
                "cycle: the suggested target is %(change)s, to land near %(aim)s."
            )
            % words
        )
    if s.mean_score is not None:
        return (
            gettext(
                "%(who)s reached %(mean)s on average: the suggested target is %(change)s, "
                "to land near %(aim)s."
            )
            % words
        )
    words["source"] = capfirst(words["source"])
    return (
        gettext(
            "%(source)s moved by %(pace)s last cycle: the suggested target is %(change)s, "
            "to land near %(aim)s."
        )
        % words
    )
