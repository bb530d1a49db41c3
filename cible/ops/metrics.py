"""Prometheus metrics at `/metrics`, when CIBLE_METRICS is on.

Under gunicorn every worker process counts on its own; with PROMETHEUS_MULTIPROC_DIR set
(`cible serve --prod` sets it) the counters live in files there and a scrape adds up the
workers of this app server. The number of queued tasks is read from the database at each
scrape, so it is the same whichever app server answers.
"""

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django_tasks_db.models import DBTaskResult
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

REQUESTS = Counter(
    "cible_http_requests",
    "HTTP requests served, by view (URL name), method and status.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "cible_http_request_duration_seconds",
    "Time to serve a request, by view (URL name).",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CHECK_INS = Counter("cible_check_ins", "Check-ins recorded.")

UNMATCHED = "<unmatched>"  # a URL that no view answers (404s): one label for all of them


def view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or UNMATCHED) if match else UNMATCHED


class MetricsMiddleware:
    """Counts and times every request. Not loaded at all when metrics are off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.METRICS:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_name(request)
        LATENCY.labels(view).observe(time.perf_counter() - started)
        REQUESTS.labels(view, request.method or "", str(response.status_code)).inc()
        return response


def count_check_in(sender: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """post_save of a check-in (connected by the app's config)."""
    if created and not raw and settings.METRICS:
        CHECK_INS.inc()


class QueueCollector:
    """The tasks waiting to run, by queue, counted when scraped."""

    def describe(self) -> list[Metric]:
        return []  # Registering must not query the database.

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "cible_tasks_ready", "Background tasks waiting to run, by queue.", labels=["queue"]
        )
        counts = (
            DBTaskResult.objects.ready()
            .order_by()
            .values_list("queue_name")
            .annotate(count=Count("id"))
        )
        for queue, count in counts:
            gauge.add_metric([queue], count)
        yield gauge


def exposition() -> bytes:
    """The metrics in Prometheus' text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    queue = CollectorRegistry(auto_describe=False)
    queue.register(QueueCollector())  # type: ignore[arg-type]
    return generate_latest(registry) + generate_latest(queue)
