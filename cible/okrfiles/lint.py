"""The quality coach over an OKR file, as a linter: each finding with its line.

The coach only advises (`cible/lib/coach.py`); a key result that cannot be measured is
reported as an error, since its progress means nothing. The siblings the coach counts
(how many objectives one team or person holds in a cycle) are counted in the file.

A key result of a cycle not closed yet whose target is not expected to land near 0.65
gets an info line with a suggested target (`cible.insights.targets`), from what the file
itself holds: the mean score of the team's objectives in its closed cycles, and the pace
of a key result carried over or of a similar one of the team in an earlier closed cycle.
"""

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from cible.insights import targets
from cible.lib import coach
from cible.okrs.models import CycleState, Level, ObjectiveState

from .schema import Document, Entry
from .source import Problem

ERROR_RULES = frozenset({coach.KR_NOT_MEASURABLE})


@dataclass(frozen=True)
class Finding:
    level: str  # "error", "warning" or "info" (a suggestion)
    problem: Problem


def _holder(objective: Entry) -> tuple[str, str, str]:
    """Whose objective it is, for counting the objectives of one team or person."""
    level = objective["level"] or ""
    if level == Level.TEAM:
        return objective["cycle"], level, objective["team"]
    if level == Level.PERSON:
        return objective["cycle"], level, objective["owner"]
    return objective["cycle"], level, ""


def findings(document: Document, language: str) -> Iterator[Finding]:
    live = [o for o in document.objectives if o["archived_at"] is None]
    holders = Counter(_holder(o) for o in live)
    for objective in live:
        krs = [kr for kr in objective.children if kr["archived_at"] is None]
        draft = coach.ObjectiveDraft(
            title=objective["title"],
            level=objective["level"] or "",
            key_results=[
                coach.KRDraft(
                    kr["title"],
                    kr["kind"] or "",
                    kr["start"],
                    kr["target"],
                    kr["target_max"],
                    unit=kr["unit"],
                    guardrails=len(kr["guardrails"]),
                )
                for kr in krs
            ],
            has_parent=bool(objective["parents"]),
            origin=objective["origin"] or "",
            siblings_in_cycle=holders[_holder(objective)] - 1,
        )
        for advice in coach.review(draft, language):
            entry = objective if advice.key_result is None else krs[advice.key_result]
            line = entry.line_of(advice.field) if advice.field else entry.line
            level = "error" if advice.rule in ERROR_RULES else "warning"
            yield Finding(level, Problem(line, advice.message))
    yield from target_findings(document)


def _mean(scores: list[Decimal]) -> Decimal | None:
    if not scores:
        return None
    return (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"))


def _past_metrics(objective: Entry, source: str, days: int) -> list[targets.PastMetric]:
    return [
        targets.PastMetric(
            source, kr["title"], kr["unit"] or "", kr["current"] - kr["start"], days, kr["kind"]
        )
        for kr in objective.children
        if kr["archived_at"] is None
        and kr["cancelled_at"] is None
        and kr["kind"] in targets.MOVING
        and kr["current"] is not None
        and kr["start"] is not None
    ]


def target_findings(document: Document) -> Iterator[Finding]:
    """An info line for each key result whose target will likely not land near 0.65."""
    cycles = {c["name"]: c for c in document.cycles}
    live = [
        o
        for o in document.objectives
        if o["archived_at"] is None and o["state"] != ObjectiveState.CANCELLED
    ]
    closed = [
        o for o in live if o["cycle"] in cycles and cycles[o["cycle"]]["state"] == CycleState.CLOSED
    ]
    scores: dict[str, list[Decimal]] = defaultdict(list)
    scored_cycles: dict[str, set[str]] = defaultdict(set)
    for o in closed:
        if o["score"] is not None:
            scores[o["team"] or ""].append(o["score"])
            scored_cycles[o["team"] or ""].add(o["cycle"])
    by_ref = {o["ref"]: o for o in document.objectives if o["ref"]}
    for objective in live:
        cycle = cycles.get(objective["cycle"])
        if cycle is None or cycle["state"] == CycleState.CLOSED:
            continue
        team = objective["team"] or ""
        history = targets.TeamHistory(
            bool(team),
            targets.days_between(cycle["start"], cycle["end"]),
            _mean(scores[team]),
            len(scored_cycles[team]),
        )
        origin = by_ref.get(objective["carried_from"] or "")
        if origin is not None and origin["cycle"] in cycles:
            span = cycles[origin["cycle"]]
            days = targets.days_between(span["start"], span["end"])
            history.carried = _past_metrics(origin, targets.CARRIED, days)
        for past in closed:
            span = cycles[past["cycle"]]
            if team and past["team"] == team and span["end"] <= cycle["start"]:
                days = targets.days_between(span["start"], span["end"])
                history.past += _past_metrics(past, targets.SIMILAR, days)
        for kr in objective.children:
            if kr["archived_at"] is not None or kr["kind"] not in targets.MOVING:
                continue
            draft = targets.Draft(
                kr["kind"], kr["start"], kr["target"], kr["unit"] or "", kr["title"]
            )
            planned = targets.plan(history, draft)
            s = planned.suggestion
            if planned.suggested and not s.in_band and planned.target != kr["target"]:
                yield Finding("info", Problem(kr.line_of("target"), planned.sentence))
