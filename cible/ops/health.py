"""The health checks behind `/healthz`: the database, the cache and the task queue.

Each check is one cheap round trip. A failure reports the kind of error only (its class
name): the health page is public, and an error's text may name hosts or users. The details
go to the log.
"""

import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("cible.health")

Report = dict[str, Any]


def check_database() -> Report:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> Report:
    """A write then a read of a key of our own: a cache that accepts writes but loses them
    (a full or read-only Redis) fails too."""
    key = f"cible:healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise LookupError("the value written was not read back")
    finally:
        cache.delete(key)
    return {}


def check_tasks() -> Report:
    """The queue's table answers; how many tasks wait and since when, for information (a
    backlog is the workers' problem, not the web server's: it does not fail the check)."""
    ready = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))
    count = DBTaskResult.objects.ready().count()
    oldest = ready["oldest"]
    age = round((timezone.now() - oldest).total_seconds(), 1) if oldest else None
    return {"ready": count, "oldest_ready_seconds": age}


CHECKS: dict[str, Callable[[], Report]] = {
    "database": check_database,
    "cache": check_cache,
    "tasks": check_tasks,
}


def run_checks() -> tuple[bool, dict[str, Report]]:
    """Every check, even after one fails; (all passed, the report of each)."""
    results: dict[str, Report] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = {"ok": True, **check()}
        except Exception as error:
            logger.warning("Health check %r failed", name, exc_info=True)
            results[name] = {"ok": False, "error": type(error).__name__}
    return all(result["ok"] for result in results.values()), results
