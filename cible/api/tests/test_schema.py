"""The API against its own OpenAPI schema: the schema is valid OpenAPI, and schemathesis's
generated requests (a bounded run over every operation, with an owner's write token on the
shared world) never get a server error or a response that the schema does not describe,
and a request that the schema refuses is refused (4xx). Requests that fit the schema and
requests that do not are both generated; run it on SQLite and PostgreSQL, which differ on
what a text may hold.

Schemathesis's "positive data acceptance" check is left out: the schema cannot say every
rule of the domain (a team's name is unique, a KR's target differs from its start), so a
schema-valid request may rightly get a 422 naming its field."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from cible.api.tokens import create_token
from cible.audit.models import AuditEntry
from cible.checkins.models import Review
from cible.orgs.models import Membership
from conftest import World

SCHEMA_PATH = "/api/v1/openapi.json"
# Per operation: requests that fit the schema, then requests that break it.
EXAMPLES_PER_OPERATION = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}
ERRORS = {"401", "403", "404", "415", "422", "429"}


def load() -> Any:
    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI handler itself, whose request signals would close the
    database connection that holds the test's transaction (Django's test client unhooks
    them the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_the_schema_is_valid_openapi() -> None:
    schema = load()
    schema.validate()
    raw = schema.raw_schema
    assert raw["openapi"].startswith("3.")
    for path, item in raw["paths"].items():
        for method, operation in item.items():
            documented = set(operation["responses"])
            assert documented >= ERRORS, f"{method} {path} documents {sorted(documented)}"
            assert operation.get("security"), f"{method} {path} needs no credentials"


def test_the_docs_page_is_served_without_inline_script(client: Any) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui-bundle.js" in page and "api/docs.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", page)
    assert "<style" not in page and " style=" not in page
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page


def _known_ids(world: World) -> dict[str, int]:
    review = Review.objects.create(
        organization=world.org, cycle=world.cycle, team=world.team, kind="weekly"
    )
    return {
        "members": Membership.objects.get(organization=world.org, user=world.vera).pk,
        "teams": world.team.pk,
        "cycles": world.cycle.pk,
        "objectives": world.team_objective.pk,
        "key-results": world.kr.pk,
        "reviews": review.pk,
        "dependencies": 1,
    }


@override_settings(API_RATE="100000/min", API_ANON_RATE="100000/min")
def test_schemathesis_finds_no_server_error(world: World) -> None:
    schema = load()
    _token, secret = create_token(world.alice, "schemathesis", "write")
    # Answers are gzipped for a client that accepts it; schemathesis calls the app through
    # WSGI, where nothing would decompress them: it asks for them plain.
    headers = {"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"}
    known = _known_ids(world)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    labels = {operation.label for operation in operations}
    assert "POST /api/v1/orgs/{slug}/check-ins/bulk" in labels
    assert "POST /api/v1/orgs/{slug}/objectives" in labels
    written_before = AuditEntry.objects.filter(actor=world.alice).count()
    wrote: set[str] = set()

    for operation in operations:
        for mode in EXAMPLES_PER_OPERATION:
            check_operation(operation, headers, known, mode, wrote)
    # The run reached past the 404s and 422s: it changed things, as the owner may, through
    # several operations (a count of audit entries alone hangs on a few lucky cases).
    assert AuditEntry.objects.filter(actor=world.alice).count() > written_before + 5
    assert len(wrote) >= 5, sorted(wrote)
    # The new creates were reached past their 404s and 422s too.
    assert "POST /api/v1/orgs/{slug}/check-ins/bulk" in wrote, sorted(wrote)
    assert "POST /api/v1/orgs/{slug}/objectives" in wrote, sorted(wrote)


def _aim_at_known(body: dict[str, Any], known: dict[str, int]) -> None:
    """A bulk check-in's lines name the world's key result, most of the time: random ids
    would only ever test the 404s."""
    lines = body.get("check_ins")
    if isinstance(lines, list):
        for index, line in enumerate(lines):
            if isinstance(line, dict) and index % 3 != 2:
                line["key_result"] = known["key-results"]


def check_operation(
    operation: Any,
    headers: dict[str, str],
    known: dict[str, int],
    mode: GenerationMode,
    wrote: set[str],
) -> None:
    """A bounded, reproducible run of generated requests against one operation: every
    check (no 5xx, documented status and content type, response conforming to the schema,
    schema-invalid requests refused) but "positive data acceptance"."""
    resource = operation.path.split("/")[-2] if "{id}" in operation.path else None

    @settings(
        max_examples=EXAMPLES_PER_OPERATION[mode],
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        # Aim most requests that fit the schema at Acme and its objects: random slugs and
        # ids would only ever test the 404s. A request that breaks it is sent as it is.
        params = (case.path_parameters or {}) if mode is GenerationMode.POSITIVE else {}
        if "slug" in params:
            params["slug"] = "acme"
        if resource in known and params.get("id", 1) % 3 != 0:
            params["id"] = known[resource]
        if mode is GenerationMode.POSITIVE and isinstance(case.body, dict):
            _aim_at_known(case.body, known)
        response = case.call_and_validate(
            headers=headers, excluded_checks=[positive_data_acceptance]
        )
        if case.method.upper() != "GET" and response.status_code < 300:
            wrote.add(operation.label)

    check()
