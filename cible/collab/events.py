"""The webhooks' events of comments and reactions: a private objective's go only to the
endpoints that take private objectives, as every other event of that objective."""

from typing import Any

from cible.collab.models import Comment, Reaction
from cible.okrs.models import Objective
from cible.webhooks.events import emit, objective_data, person, site_url
from cible.webhooks.models import Event

COMMENT_CREATED = Event.COMMENT_CREATED
COMMENT_UPDATED = Event.COMMENT_UPDATED
COMMENT_DELETED = Event.COMMENT_DELETED


def _target(key_result_id: int | None, check_in_id: int | None) -> dict[str, Any]:
    if check_in_id is not None:
        return {"type": "check_in", "id": check_in_id}
    if key_result_id is not None:
        return {"type": "key_result", "id": key_result_id}
    return {"type": "objective", "id": None}


def comment_data(comment: Comment) -> dict[str, Any]:
    objective = comment.objective
    target = _target(comment.key_result_id, comment.check_in_id)
    if target["type"] == "objective":
        target["id"] = objective.pk
    return {
        "id": comment.pk,
        "body": comment.body,
        "author": person(comment.author),
        "in_reply_to": comment.reply_to_id,
        "target": target,
        "objective": objective_data(objective),
        "created_at": comment.created_at.isoformat(),
        "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        "url": site_url(comment.get_absolute_url()),
    }


def comment_event(event: str, comment: Comment) -> None:
    objective = comment.objective
    emit(
        objective.organization,
        event,
        {"comment": comment_data(comment)},
        private=objective.is_private,
    )


def reaction_added(reaction: Reaction, objective: Objective) -> None:
    data = {
        "reaction": {
            "emoji": reaction.emoji,
            "person": person(reaction.user),
            "target": {"type": "check_in", "id": reaction.check_in_id}
            if reaction.check_in_id
            else {"type": "comment", "id": reaction.comment_id},
            "objective": objective_data(objective),
        }
    }
    emit(objective.organization, Event.REACTION_ADDED, data, private=objective.is_private)
