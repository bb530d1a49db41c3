"""The quality coach applied to stored objectives and to forms being typed."""

from collections.abc import Mapping
from typing import Any

from cible.lib import coach
from cible.lib.http import parse_id
from cible.okrs.models import KeyResult, Level, Objective


def _siblings(objective: Objective) -> int:
    """Other objectives of the same owner (person), team, or company in the cycle."""
    if objective.cycle_id is None or not objective.level:
        return 0
    qs = Objective.objects.active().filter(cycle_id=objective.cycle_id, level=objective.level)
    if objective.level == Level.TEAM:
        qs = qs.filter(team_id=objective.team_id)  # type: ignore[misc]
    elif objective.level == Level.PERSON:
        qs = qs.filter(owner_id=objective.owner_id)
    else:
        qs = qs.filter(organization_id=objective.organization_id)
    if objective.pk:
        qs = qs.exclude(pk=objective.pk)
    return qs.count()


def _kr_draft(kr: KeyResult, guardrails: int | None = None) -> coach.KRDraft:
    return coach.KRDraft(
        title=kr.title,
        kind=kr.kind,
        start=kr.start,
        target=kr.target,
        target_max=kr.target_max,
        unit=kr.unit,
        guardrails=guardrails,
    )


def guardrail_advice(
    objective: Objective, guardrails: Mapping[int, int], language: str
) -> list[coach.Advice]:
    """The coach's guardrail advice on the objective's key results, numbered as
    `advice_for_objective` numbers them; `guardrails`: how many each names, by id (the
    page that knows the guardrails gives them)."""
    krs = [kr for kr in objective.key_results.all() if kr.archived_at is None]
    return [
        advice
        for index, kr in enumerate(krs)
        for advice in coach.review_key_result(
            index, _kr_draft(kr, guardrails.get(kr.pk, 0)), language
        )
        if advice.rule == coach.KR_NEEDS_GUARDRAIL
    ]


def advice_for_objective(objective: Objective, language: str) -> list[coach.Advice]:
    krs = [kr for kr in objective.key_results.all() if kr.archived_at is None]
    draft = coach.ObjectiveDraft(
        title=objective.title,
        level=objective.level,
        key_results=[_kr_draft(kr) for kr in krs],
        has_parent=objective.parents.exists(),
        origin=objective.origin,
        siblings_in_cycle=_siblings(objective),
    )
    return coach.review(draft, language)


def _typed(form: Any, instance: Objective, level: str, data: Any) -> Objective:
    """The objective as typed so far, enough to count its siblings."""
    if data is None:
        return instance

    def number(name: str) -> int | None:
        raw = data.get(name, "")
        return parse_id(raw)

    return Objective(
        pk=instance.pk,
        organization_id=form.org.pk,
        cycle_id=form.cycle.pk,
        level=level,
        team_id=number("team"),
        owner_id=number("owner"),  # type: ignore[misc]
    )


def advice_for_form(form: Any, language: str) -> list[coach.Advice]:
    """Advice on what is typed so far; key results count once the objective exists."""
    data = form.data if form.is_bound else None
    instance: Objective = form.instance
    title = (
        data.get("title", "")
        if data is not None
        else form.initial.get("title", instance.title or "")
    )
    level = (
        data.get("level") if data is not None else form.initial.get("level", instance.level)
    ) or ""
    if data is not None:
        has_parent = bool(data.getlist("parents"))
        origin = data.get("origin") or instance.origin
    else:
        has_parent = bool(form.initial.get("parents")) or bool(
            instance.pk and instance.parents.exists()
        )
        origin = instance.origin
    krs = (
        [_kr_draft(kr) for kr in instance.key_results.filter(archived_at__isnull=True)]
        if instance.pk
        else None
    )
    draft = coach.ObjectiveDraft(
        title=str(title),
        level=str(level),
        key_results=krs or [],
        has_parent=has_parent,
        origin=str(origin or ""),
        siblings_in_cycle=_siblings(_typed(form, instance, str(level), data)) if level else 0,
    )
    advice = coach.review(draft, language)
    if krs is None:
        # A new objective gets its key results next: don't count them yet.
        advice = [a for a in advice if a.rule != "too_few_krs"]
    return advice
