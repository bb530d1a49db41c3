"""Retrospective recall: when an objective or a key result being written is close to one of
a past cycle, what that cycle's retrospective learned and how it scored.

The candidates, as the reader may see them: the objectives of the same team in closed
cycles (the organisation's objectives without a team, for one without a team) and, for a
key result, the key results of those objectives and the key results of the same unit
anywhere in the organisation's closed cycles. Closeness is `cible.lib.similarity`'s, on
the titles. Five queries at most whatever the history's size.
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


def _past(membership: Membership, prefix: str = "") -> dict[str, object]:
    """The objectives of closed cycles that count (filters, `prefix` to reach them)."""
    return {
        f"{prefix}organization_id": membership.organization_id,
        f"{prefix}cycle__state": CycleState.CLOSED,
        f"{prefix}archived_at__isnull": True,
    }


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
    visible = (
        Objective.objects.visible_to(membership)
        .filter(**_past(membership))
        .exclude(state=ObjectiveState.CANCELLED)
    )
    own = visible.filter(team=team)
    matches: list[tuple[float, int, int | None]] = []  # closeness, objective, key result
    if key_result:
        same = Q(objective__team=team)
        if unit.strip():
            same |= Q(unit__iexact=unit.strip())
        kr_rows = (
            KeyResult.objects.filter(
                same, archived_at__isnull=True, **_past(membership, "objective__")
            )
            .exclude(objective__state=ObjectiveState.CANCELLED)
            .order_by("-objective__cycle__end", "pk")
            .values_list("pk", "objective_id", "title")[:CANDIDATES]
        )
        close = []
        for pk, objective_id, past_title in kr_rows:
            closeness = similarity.similarity(title, past_title)
            if closeness >= similarity.SIMILAR:
                close.append((closeness, objective_id, pk))
        # The visibility rules on the objectives found only, by their ids: over every
        # objective of a large organisation they cost tens of milliseconds.
        seen = set(visible.filter(pk__in={o for _c, o, _k in close}).values_list("pk", flat=True))
        matches = [m for m in close if m[1] in seen]
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
