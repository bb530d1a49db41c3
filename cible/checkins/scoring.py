"""Scoring at the end of a cycle, in one place: the score proposed for a key result, the
owner's confirmation or override, an objective's score, and closing a cycle. Pages, the
API, the reports and the OKR files ask these; the arithmetic is `cible.lib.okrmath`'s."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record
from cible.lib import okrmath
from cible.okrs import rules
from cible.okrs import signals as okrs_signals
from cible.okrs.contexts import KRRow
from cible.okrs.models import Change, Cycle, CycleState, KeyResult, Objective, ObjectiveState
from cible.okrs.services import objective_progress, record_change, set_cycle_state

# A score this close to the proposed one confirms it: no reason is asked for.
SCORE_TOLERANCE = Decimal("0.005")


def proposed(kr: KeyResult, driven: dict[int, Decimal] | None = None) -> Decimal:
    """The score proposed for `kr`: its progress, or the progress of the objective that
    drives it (from `driven`, the progress by objective id, when given)."""
    if kr.driven_by_id is not None and driven is not None:
        return okrmath.proposed_score(driven.get(kr.driven_by_id, Decimal(0)))
    return okrmath.proposed_score(kr.progress())


def proposed_now(kr: KeyResult) -> Decimal:
    """`proposed` for one stored key result, reading the objective that drives it."""
    return proposed(kr, objective_progress([kr.driven_by]) if kr.driven_by else None)


def proposed_for(row: KRRow) -> Decimal:
    """`proposed` for a page's row, whose progress already follows a driving objective."""
    return okrmath.proposed_score(row.progress)


def shown(row: KRRow) -> Decimal:
    """A row's score: the one given, else the one proposed."""
    return row.kr.score if row.kr.score is not None else proposed_for(row)


def objective_score(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """An objective's score from its key results' (weight, score): their weighted mean."""
    pairs = list(pairs)
    return okrmath.weighted_mean(pairs).quantize(okrmath.SCORE_STEP) if pairs else None


@transaction.atomic
def score_key_result(kr: KeyResult, actor: User, score: Decimal, note: str = "") -> KeyResult:
    """The owner confirms the proposed score or adjusts it, with a written reason when it
    departs from the KR's progress."""
    rules.check_cycle_open(kr.objective.cycle, "score")
    rules.check_score(score)
    score = score.quantize(okrmath.SCORE_STEP)
    if abs(score - proposed_now(kr)) > SCORE_TOLERANCE and not note.strip():
        raise ValidationError({"score_note": _("This score differs from the progress: say why.")})
    before = {"score": str(kr.score or "")}
    kr.score, kr.score_note = score, note.strip()
    kr.save(update_fields=["score", "score_note", "updated_at"])
    after = {"score": str(score)}
    record_change(
        kr.objective, actor, Change.Action.SCORED, before, after, kr, reason=kr.score_note
    )
    update_objective_score(kr.objective)
    return kr


def record_given_score(kr: KeyResult, actor: User, score: Decimal | None, note: str) -> None:
    """A score as an OKR file gives it: the proposed score of that time is not known."""
    kr.score, kr.score_note = score, note
    kr.save(update_fields=["score", "score_note", "updated_at"])
    after = {"score": "" if score is None else str(score)}
    record_change(kr.objective, actor, Change.Action.SCORED, {"score": ""}, after, kr, reason=note)


def update_objective_score(objective: Objective) -> Decimal | None:
    """The objective's score: the weighted mean of its scored live KRs."""
    krs = objective.key_results.live()
    score = objective_score((kr.weight, kr.score) for kr in krs if kr.score is not None)
    Objective.objects.filter(pk=objective.pk).update(score=score)
    objective.score = score
    return score


@transaction.atomic
def change_cycle_state(cycle: Cycle, actor: User, state: str) -> Cycle:
    """The one way a cycle changes state, from a page or the API: one step at a time, and
    the step to closed scores and closes the cycle as `close_cycle` does."""
    rules.check_cycle_step(cycle.state, state)
    if state == CycleState.CLOSED:
        close_cycle(cycle, actor)
        return cycle
    return set_cycle_state(cycle, actor, state)


@transaction.atomic
def close_cycle(cycle: Cycle, actor: User) -> None:
    """Score what is left unscored with its proposed score, close the objectives and make
    the cycle read-only."""
    objectives = list(
        Objective.objects.filter(cycle=cycle, archived_at__isnull=True)
        .exclude(state=ObjectiveState.CANCELLED)
        .select_related("organization")
    )
    progress = objective_progress(objectives)
    krs = KeyResult.objects.live().filter(objective__in=objectives, score__isnull=True)
    for kr in krs.select_related("objective__organization"):
        kr.score = proposed(kr, progress)
        kr.save(update_fields=["score"])
        record_change(
            kr.objective, actor, Change.Action.SCORED, {"score": ""}, {"score": str(kr.score)}, kr
        )
    for objective in objectives:
        update_objective_score(objective)
        if objective.state != ObjectiveState.CLOSED:
            before = objective.state
            objective.state = ObjectiveState.CLOSED
            objective.save(update_fields=["state", "updated_at"])
            record_change(
                objective, actor, Change.Action.UPDATED, {"state": before}, {"state": "closed"}
            )
            okrs_signals.objective_closed.send(Objective, objective=objective)
    before = cycle.state
    cycle.state = CycleState.CLOSED
    cycle.save(update_fields=["state"])
    record(cycle.organization, actor, cycle, Action.CLOSED, {"state": before}, {"state": "closed"})
    okrs_signals.cycle_closed.send(Cycle, cycle=cycle)
