"""Each objective's `aligned` flag: whether it contributes to an unarchived objective.

The flag follows every change of the links, from either side and from any code
(`parents.set`, `add`, `remove`, `clear`, `children.add`...), through Django's
`m2m_changed` signal, connected by the app's config; and the archiving or restoring of a
parent, through `archive_objective`, the one place in the app that writes it. Objectives
are archived, not deleted, except by a superuser in Django's admin, whose objective pages
refresh the children too; an organisation's deletion takes its objectives and their links
together. Rows written in bulk (`cible benchdata`) are refreshed at the end with
`refresh`. Once a day `cible worker` mends any flag that still differs from the links
(`repair`): one transaction may archive a parent while another links a child to it, each
reading the other's rows as they were.
"""

import time
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from cible.okrs.models import Objective

Links = Objective.parents.through
REPAIR_SECONDS = 24 * 3600
_last_repair: float | None = None


def live_parent() -> Exists:
    """True for an objective linked to at least one unarchived parent."""
    return Exists(
        Links.objects.filter(from_objective=OuterRef("pk"), to_objective__archived_at__isnull=True)
    )


def refresh(objectives: "QuerySet[Objective] | Iterable[int]") -> int:
    """Store the flag of these objectives (a queryset, or ids) in one statement."""
    if not isinstance(objectives, QuerySet):
        ids = list(objectives)
        if not ids:
            return 0
        objectives = Objective.objects.filter(pk__in=ids)
    return objectives.order_by().update(aligned=live_parent())


def repair(force: bool = False) -> int:
    """Once a day at most, unless forced: store the flag of every objective whose flag
    differs from its links (one statement, a read of every objective: half a second at
    100,000 people on PostgreSQL). Returns how many were mended."""
    global _last_repair
    now = time.monotonic()
    if not force and _last_repair is not None and now - _last_repair < REPAIR_SECONDS:
        return 0
    _last_repair = now
    return Objective.objects.exclude(aligned=live_parent()).order_by().update(aligned=live_parent())


def child_ids(parents: "Objective | QuerySet[Objective]") -> list[int]:
    """The ids of the objectives linked to these, read before their links go."""
    lookup = "to_objective__in" if isinstance(parents, QuerySet) else "to_objective"
    return list(Links.objects.filter(**{lookup: parents}).values_list("from_objective", flat=True))


def refresh_children(objective: Objective) -> int:
    """After `objective` was archived or restored: its children may have lost or found
    their one live parent."""
    return refresh(Objective.objects.filter(parents=objective))


def links_changed(
    sender: Any,
    instance: Objective,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """`m2m_changed` of `Objective.parents`: forward, `instance` is the child whose parents
    changed; reverse (`parent.children...`), `pk_set` holds the children."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            refresh([instance.pk])
    elif action in ("post_add", "post_remove"):
        refresh(pk_set or ())
    elif action == "pre_clear":
        # Once cleared, the children are no longer found through the links.
        instance._children_cleared = child_ids(instance)  # type: ignore[attr-defined]
    elif action == "post_clear":
        refresh(instance.__dict__.pop("_children_cleared", ()))
