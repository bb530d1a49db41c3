"""Retrospective recall: when an objective or a key result being written is close to one of
a past cycle, what that cycle's retrospective learned and how it scored.

The candidates, as the reader may see them: the objectives of the same team in closed
cycles (the organisation's objectives without a team, for one without a team) and, for a
key result, the key results of those objectives and the key results of the same unit
anywhere in the organisation's closed cycles. Closeness is `cible.lib.similarity`'s, on
the titles. Four queries whatever the history's size.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cible.checkins.models import Review, ReviewKind
from cible.lib import similarity
from cible.okrs.models import CycleState, KeyResult, Objective, ObjectiveState
from cible.orgs.models import Membership, Team

# How many past titles are compared with the one written: the latest.
CANDIDATES = 500
SHOWN = 3

RETRO_QUESTIONS = (
    ("retro_learned", _("What we learned")),
    ("retro_did_not_work", _("What did not work")),
    ("retro_worked", _("What worked")),
    ("retro_celebrate", _("What we celebrated")),
)
REVIEW_QUESTIONS = (
    ("learned", _("The team's retrospective learned")),
    ("did_not_work", _("The team's retrospective: what did not work")),
)


@dataclass
class Recalled:
    objective: Objective  # the past objective, with its cycle
    key_result: KeyResult | None  # the past key result matched, for a key result
    closeness: float
    lessons: list[tuple[str, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.key_result.title if self.key_result else self.objective.title

    @property
    def score(self) -> Decimal | None:
        return self.key_result.score if self.key_result else self.objective.score


def _past(membership: Membership) -> Q:
    return Q(
        organization_id=membership.organization_id,
        cycle__state=CycleState.CLOSED,
        archived_at__isnull=True,
    ) & ~Q(state=ObjectiveState.CANCELLED)


def recall(
    membership: Membership,
    title: str,
    team: Team | None,
    unit: str = "",
    key_result: bool = False,
) -> list[Recalled]:
    """The past objectives (or key results) closest to `title`, the closest first."""
    if not similarity.stems(title):
        return []
    visible = Objective.objects.visible_to(membership).filter(_past(membership))
    own = visible.filter(team=team)
    matches: list[tuple[float, int, int | None]] = []  # closeness, objective, key result
    if key_result:
        same = Q(objective__in=own)
        if unit.strip():
            same |= Q(unit__iexact=unit.strip(), objective__in=visible)
        kr_rows = (
            KeyResult.objects.filter(same, archived_at__isnull=True)
            .order_by("-objective__cycle__end", "pk")
            .values_list("pk", "objective_id", "title")[:CANDIDATES]
        )
        for pk, objective_id, past_title in kr_rows:
            closeness = similarity.similarity(title, past_title)
            if closeness >= similarity.SIMILAR:
                matches.append((closeness, objective_id, pk))
    else:
        rows = own.order_by("-cycle__end", "pk").values_list("pk", "title")[:CANDIDATES]
        for pk, past_title in rows:
            closeness = similarity.similarity(title, past_title)
            if closeness >= similarity.SIMILAR:
                matches.append((closeness, pk, None))
    if not matches:
        return []
    matches.sort(key=lambda m: -m[0])
    chosen = matches[:SHOWN]
    return _details(membership, chosen)


def _details(membership: Membership, chosen: list[tuple[float, int, int | None]]) -> list[Recalled]:
    objectives = Objective.objects.select_related("cycle", "team").in_bulk(
        [objective_id for _c, objective_id, _k in chosen]
    )
    krs = KeyResult.objects.in_bulk([k for _c, _o, k in chosen if k is not None])
    reviews = {
        (r.cycle_id, r.team_id): r
        for r in Review.objects.filter(
            organization_id=membership.organization_id,
            kind=ReviewKind.QUARTERLY,
            cycle_id__in={o.cycle_id for o in objectives.values()},
        ).order_by("held_on", "pk")
    }
    found = []
    for closeness, objective_id, kr_id in chosen:
        objective = objectives[objective_id]
        kr = krs.get(kr_id) if kr_id is not None else None
        lessons = [
            (str(label), getattr(objective, name))
            for name, label in RETRO_QUESTIONS
            if getattr(objective, name).strip()
        ]
        review = reviews.get((objective.cycle_id, objective.team_id))
        if review is not None:
            lessons += [
                (str(label), getattr(review, name))
                for name, label in REVIEW_QUESTIONS
                if getattr(review, name).strip()
            ]
        found.append(Recalled(objective, kr, closeness, lessons))
    return found
