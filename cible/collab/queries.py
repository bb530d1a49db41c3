"""What the collaboration pages read: comments of a thing, reactions, the inbox."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cible.accounts.models import User
from cible.checkins.models import CheckIn, Review, ReviewKind
from cible.collab.models import SYMBOLS, Comment, Emoji, InboxItem, Reaction
from cible.notifications.services import key_results_to_remind, week_slot
from cible.okrs.models import Dependency, DependencyState, KeyResult, Objective
from cible.orgs.models import Membership, Team

INBOX_PAGE = 50
LIVE_LIMIT = 20


def visible_objective_ids(membership: Membership) -> Any:
    return Objective.objects.visible_to(membership).values("pk")


def comments_of(target: Objective | KeyResult | CheckIn) -> QuerySet[Comment]:
    """The comments on this very thing (an objective's own, not its key results'), oldest
    first, with what their rows show: a constant number of queries however many."""
    if isinstance(target, CheckIn):
        qs = Comment.objects.filter(check_in=target)
    elif isinstance(target, KeyResult):
        qs = Comment.objects.filter(key_result=target, check_in__isnull=True)
    else:
        qs = Comment.objects.filter(objective=target, key_result__isnull=True)
    return qs.select_related("author", "organization", "reply_to__author").prefetch_related(
        Prefetch("mentions", queryset=User.objects.only("id", "email", "name")),
        Prefetch(
            "reactions", queryset=Reaction.objects.only("id", "comment_id", "user_id", "emoji")
        ),
    )


@dataclass(frozen=True)
class ReactionCount:
    emoji: str
    symbol: str
    label: str
    count: int
    mine: bool


def summary(reactions: Iterable[Reaction], user_id: int) -> list[ReactionCount]:
    """Every emoji of the set, with how many gave it and whether this person did."""
    counts: Counter[str] = Counter()
    mine: set[str] = set()
    for reaction in reactions:
        counts[reaction.emoji] += 1
        if reaction.user_id == user_id:
            mine.add(reaction.emoji)
    return [
        ReactionCount(emoji.value, SYMBOLS[emoji], str(emoji.label), counts[emoji], emoji in mine)
        for emoji in Emoji
    ]


def check_in_reactions(
    check_ins: Sequence[CheckIn], user_id: int
) -> dict[int, list[ReactionCount]]:
    """The reactions of many check-ins in one query."""
    by_check_in: dict[int, list[Reaction]] = {c.pk: [] for c in check_ins}
    if by_check_in:
        for reaction in Reaction.objects.filter(check_in__in=list(by_check_in)).only(
            "check_in_id", "user_id", "emoji"
        ):
            by_check_in[reaction.check_in_id].append(reaction)  # type: ignore[index]
    return {pk: summary(rows, user_id) for pk, rows in by_check_in.items()}


def comment_counts(check_ins: Sequence[CheckIn]) -> dict[int, int]:
    counts: Counter[int] = Counter(
        Comment.objects.filter(check_in__in=[c.pk for c in check_ins]).values_list(
            "check_in_id", flat=True
        )
    )
    return dict(counts)


def inbox_items(membership: Membership) -> QuerySet[InboxItem]:
    """The person's stored items in this organisation, about what they may still see."""
    return (
        InboxItem.objects.filter(
            recipient_id=membership.user_id,
            organization_id=membership.organization_id,
            objective__in=visible_objective_ids(membership),
        )
        .select_related(
            "actor",
            "objective",
            "organization",
            "comment__organization",
            "check_in__key_result",
            "guardrail_breach__guardrail__kpi",
            "guardrail_breach__guardrail__key_result",
            "prompt__key_result",
        )
        .order_by("-created_at", "-id")
    )


def unread_count(membership: Membership) -> int:
    """The header's badge: one query."""
    qs = InboxItem.objects.unread().filter(
        recipient_id=membership.user_id, organization_id=membership.organization_id
    )
    if not membership.is_admin:
        qs = qs.filter(objective__in=visible_objective_ids(membership))
    return qs.count()


@dataclass
class Waiting:
    """What is waiting for the person now: read live, never stored."""

    check_ins_due: list[KeyResult]
    reviews_due: list[Team]
    dependency_requests: list[Dependency]

    @property
    def empty(self) -> bool:
        return not (self.check_ins_due or self.reviews_due or self.dependency_requests)


def waiting(membership: Membership, now: datetime | None = None) -> Waiting:
    now = now or timezone.now()
    org = membership.organization
    due: list[KeyResult] = []
    if membership.can_write:
        since = week_slot(org, now) - timedelta(days=7)
        due = list(key_results_to_remind(membership, since)[:LIVE_LIMIT])
    led = Team.objects.filter(organization=org, lead_id=membership.user_id)
    week_start = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    held = Review.objects.filter(kind=ReviewKind.WEEKLY, held_on__gte=week_start).values("team_id")
    reviews = list(led.exclude(pk__in=held).order_by("name", "id")[:LIVE_LIMIT])
    visible = visible_objective_ids(membership)
    requests = list(
        Dependency.objects.filter(
            organization=org,
            state=DependencyState.PROPOSED,
            to_objective__team__lead_id=membership.user_id,
            from_objective__in=visible,
            to_objective__in=visible,
        )
        .select_related(
            "from_objective__team",
            "from_objective__organization",
            "to_objective__organization",
            "to_objective__team",
        )
        .order_by("-created_at", "-id")[:LIVE_LIMIT]
    )
    return Waiting(due, reviews, requests)


def mention_suggestions(
    membership: Membership, objective: Objective, query: str, limit: int = 8
) -> list[Membership]:
    """Members whose name or address starts with `query` and who may see the objective:
    a mention of anyone else would notify nobody."""
    query = query.strip().lstrip("@")[:100]
    if not query:
        return []
    candidates = (
        Membership.objects.filter(organization_id=membership.organization_id)
        .filter(Q(user__name__icontains=query) | Q(user__email__istartswith=query))
        .select_related("user", "organization")
        .order_by("user__name", "user__email")[: limit * 3]
    )
    return [m for m in candidates if objective.is_visible_to(m)][:limit]
