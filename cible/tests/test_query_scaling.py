"""A page costs the same number of SQL queries whatever the organisation's size.

Two organisations come from the benchmark's generator, one four times the other, and the
same reader (a plain member, chosen the same way in both) opens every main page of each.
A query per objective, team or person shows up as a difference between the two counts.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from cible.samples.benchdata import Page, api_pages, generate, pages, sample_member, subjects

SMALL, LARGE = 30, 120


def api_exists() -> bool:
    try:
        resolve("/api/v1/orgs/any/objectives")
    except Resolver404:
        return False
    return True


@pytest.fixture(scope="module")
def organisations(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[int, Any]]:
    """Both organisations, built once for the module and rolled back at its end."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        built = {}
        for people in (SMALL, LARGE):
            org = generate(people, seed=7, slug=f"scaling-{people}").organization
            reader = sample_member(org)
            chosen = subjects(org, reader)
            listed = pages(org, reader, chosen)
            if api_exists():
                listed += api_pages(org, chosen)
            built[people] = (reader, listed, form_pages(org, reader, chosen))
        yield built
        transaction.set_rollback(True)


def form_pages(org: Any, reader: Any, chosen: Any) -> list[Page]:
    """The objective form, new and (when the reader may edit it) the chosen objective's."""
    from cible.okrs.access import Powers

    base = f"/o/{org.slug}/objectives"
    listed = [Page("new objective", f"{base}/new/?cycle={chosen.cycle.pk}")]
    if Powers(reader).can_edit(chosen.objective):
        listed.append(Page("edit objective", f"{base}/{chosen.objective.pk}/edit/"))
    return listed


def count(reader: Any, page: Page) -> tuple[int, int]:
    client = Client()
    client.force_login(reader.user)
    headers = {"HX-Request": "true"} if page.htmx else {}
    if page.path.startswith("/api/"):
        from cible.api.models import Scope
        from cible.api.tokens import create_token

        created = create_token(reader.user, name="scaling", scope=Scope.WRITE)
        secret = created[1] if isinstance(created, tuple) else created
        headers["Authorization"] = f"Bearer {secret}"
        client = Client()
    client.get(page.path, headers=headers)  # sessions, caches and the like settle first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.path, headers=headers)
    assert response.status_code == 200, f"{page.name}: {response.status_code}"
    return len(queries), len(response.content)


def test_the_larger_organisation_is_four_times_the_smaller(
    organisations: dict[int, Any], db: None
) -> None:
    from cible.okrs.models import Objective
    from cible.orgs.models import Membership

    objectives = {
        people: Objective.objects.filter(organization=reader.organization).count()
        for people, (reader, *_pages) in organisations.items()
    }
    members = {
        people: Membership.objects.filter(organization=reader.organization).count()
        for people, (reader, *_pages) in organisations.items()
    }
    assert members == {SMALL: SMALL, LARGE: LARGE}
    assert objectives[LARGE] > 3 * objectives[SMALL]


@pytest.mark.parametrize("index", range(19))
def test_a_page_costs_the_same_queries_at_both_sizes(
    organisations: dict[int, Any], db: None, index: int
) -> None:
    small_reader, small_pages, _forms = organisations[SMALL]
    large_reader, large_pages, _forms = organisations[LARGE]
    if index >= len(small_pages):
        pytest.skip("no such page here (the API is not there)")
    small, large = small_pages[index], large_pages[index]
    small_count, small_size = count(small_reader, small)
    large_count, large_size = count(large_reader, large)
    assert small_count == large_count, (
        f"{small.name}: {small_count} queries for {SMALL} people, {large_count} for {LARGE}"
    )
    assert small_size > 0 and large_size > 0


def test_the_stored_organisation_dashboard_costs_the_same_queries_at_both_sizes(
    organisations: dict[int, Any], db: None, settings: Any
) -> None:
    from cible.insights import tasks
    from cible.okrs.models import Cycle

    settings.DASHBOARD_LIVE_LIMIT = 0  # both organisations count as large
    counts = {}
    for people, (reader, *_pages) in organisations.items():
        org = reader.organization
        cycle = Cycle.objects.current_for(org)
        assert cycle is not None
        tasks.refresh(org.pk, cycle.pk)
        page = Page("dashboard (stored)", f"/o/{org.slug}/dashboard/")
        counts[people] = count(reader, page)[0]
        client = Client()
        client.force_login(reader.user)
        assert 'id="dashboard-stored"' in client.get(page.path).content.decode()
    assert counts[SMALL] == counts[LARGE]


@pytest.mark.parametrize("limit", [0, 100_000], ids=["searched", "listed"])
@pytest.mark.parametrize("index", range(2))
def test_the_objective_form_costs_the_same_queries_at_both_sizes(
    organisations: dict[int, Any], db: None, index: int, limit: int, monkeypatch: Any
) -> None:
    """Both sizes on the same side of the pickers' list limit: a search past it (the large
    organisations' case), every choice listed under it."""
    from cible.lib import widgets

    monkeypatch.setattr(widgets, "LIST_LIMIT", limit)
    small_reader, _pages, small_pages = organisations[SMALL]
    large_reader, _pages, large_pages = organisations[LARGE]
    if index >= min(len(small_pages), len(large_pages)):
        pytest.skip("the reader may not edit the chosen objective")
    small, large = small_pages[index], large_pages[index]
    small_count, small_size = count(small_reader, small)
    large_count, large_size = count(large_reader, large)
    assert small_count == large_count, (
        f"{small.name}: {small_count} queries for {SMALL} people, {large_count} for {LARGE}"
    )
    if limit == 0:
        assert large_size < 2 * small_size, f"{large.name}: the page lists every objective"
