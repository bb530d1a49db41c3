"""Search: objectives and key results by title, whatever the case, within the member's
organisation; htmx gets the results alone."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from cible.okrs.models import KeyResult, Level, Objective

pytestmark = pytest.mark.django_db


def search(world, query: str, user=None, **headers: str):  # type: ignore[no-untyped-def]
    client = world.client_for(user or world.vera)
    return client.get("/o/acme/search/", {"q": query}, headers=headers or None)


def results(world, query: str, user=None) -> str:  # type: ignore[no-untyped-def]
    response = search(world, query, user)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="results"') :]


def test_it_finds_an_objective_by_its_title(world) -> None:
    html = results(world, "answer")

    assert "Answer faster" in html
    assert f'href="/o/acme/objectives/{world.team_objective.pk}/"' in html


def test_it_finds_an_objective_whatever_the_case(world) -> None:
    html = results(world, "dELIGHT OUR")

    assert "Delight our customers" in html


def test_it_finds_an_objective_by_its_description(world) -> None:
    Objective.objects.filter(pk=world.company_objective.pk).update(description="Loyalty first")

    html = results(world, "loyalty")

    assert "Delight our customers" in html


def test_it_finds_a_key_result_by_its_title(world) -> None:
    html = results(world, "first response")

    assert "Cut first response time" in html
    assert f'href="/o/acme/key-results/{world.kr.pk}/"' in html


def test_it_finds_a_key_result_whatever_the_case(world) -> None:
    html = results(world, "CUT FIRST")

    assert "Cut first response time" in html


def test_it_says_when_nothing_matches(world) -> None:
    html = results(world, "zebra")

    assert "No objective found." in html
    assert "No key result found." in html


def test_an_empty_query_lists_nothing(world) -> None:
    html = results(world, "   ")

    assert "Answer faster" not in html
    assert "No objective found." not in html


def test_it_never_finds_another_organisations_objectives(world) -> None:
    html = results(world, "secret", world.alice)

    assert "Globex secret" not in html


def test_it_leaves_out_archived_key_results(world) -> None:
    KeyResult.objects.filter(pk=world.kr.pk).update(archived_at=timezone.now())

    html = results(world, "first response")

    assert "Cut first response time" not in html


def test_it_leaves_out_the_key_results_of_archived_objectives(world) -> None:
    Objective.objects.filter(pk=world.team_objective.pk).update(archived_at=timezone.now())

    html = results(world, "first response")

    assert "Cut first response time" not in html


def test_a_query_with_html_is_escaped(world) -> None:
    html = search(world, "<script>alert(1)</script>").content.decode()

    assert "<script>alert(1)</script>" not in html


def test_a_very_long_query_still_answers(world) -> None:
    KeyResult.objects.filter(pk=world.kr.pk).update(title="x" * 200)

    response = search(world, "x" * 5000)

    assert response.status_code == 200


def test_an_htmx_request_gets_only_the_results_fragment(world) -> None:
    response = search(world, "answer", **{"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Answer faster" in html
    assert "<html" not in html
    assert "<form" not in html


def test_a_plain_request_gets_the_whole_page(world) -> None:
    html = search(world, "answer").content.decode()

    assert "<html" in html
    assert 'role="search"' in html


def test_the_outsider_gets_404(world) -> None:
    response = search(world, "answer", world.oscar)

    assert response.status_code == 404


def test_many_matches_are_cut_at_fifty_of_each(world) -> None:
    KeyResult.objects.bulk_create(
        KeyResult(
            objective=world.team_objective,
            title=f"Lookalike {index}",
            owner=world.bob,
            start=Decimal(0),
            target=Decimal(1),
            position=index + 1,
        )
        for index in range(60)
    )

    response = search(world, "lookalike")

    assert len(response.context["key_results"]) == 50


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL")
def test_postgresql_finds_the_matches_through_trigram_indexes(world) -> None:
    """Words anywhere in a title: without these indexes, every objective and key result of
    the database is read (migration okrs 0005)."""
    filler = Objective.objects.bulk_create(
        Objective(
            organization=world.org,
            cycle=world.cycle,
            title=f"Filler objective {index}",
            level=Level.PERSON,
            description="Nothing to find here",
            owner=world.bob,
            position=index + 10,
        )
        for index in range(2000)
    )
    KeyResult.objects.bulk_create(
        KeyResult(objective=objective, title=f"Filler key result {objective.pk}", owner=world.bob)
        for objective in filler
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE okrs_objective")
        cursor.execute("ANALYZE okrs_keyresult")
    statements: list[tuple[str, Any]] = []

    def keep(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if "LIKE" in sql:
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert "Cut first response time" in results(world, "first response")
    plans = []
    with connection.cursor() as cursor:
        # At this size reading every row costs less: the planner is asked for a bitmap
        # scan, which must then find the trigram index usable and the cheapest.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        for sql, params in statements:
            cursor.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"]
        )
        indexes = dict(cursor.fetchall())

    assert len(plans) == 2
    assert "okrs_keyresult_title_trgm" in plans[1]
    # The objective's title or description: below some thousands of rows the planner
    # prefers the organisation's index, so the test checks that the view compares the very
    # expressions the two indexes hold, as PostgreSQL writes them.
    for name in ("okrs_objective_title_trgm", "okrs_objective_description_trgm"):
        expression = indexes[name].split("gin (")[1].removesuffix(" gin_trgm_ops)")
        assert f"{expression} ~~ '%FIRST RESPONSE%'" in plans[0]
