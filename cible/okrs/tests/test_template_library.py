"""Templates as a starting point: the library is searchable in both languages and shows
each key result's numbers; a template's numbers are examples, filled into the new
objective's form, to change or confirm there, never saved silently."""

from decimal import Decimal
from typing import Any

from django.utils import translation

from cible.okrs import library
from cible.okrs.models import Objective
from conftest import World

_FOUND = library.get("marketing-brand-awareness")
assert _FOUND is not None
TEMPLATE: library.ObjectiveTemplate = _FOUND


def new_url(world: World, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"cycle": world.cycle.pk, **params}.items())
    return f"/o/acme/objectives/new/?{query}"


def posted(world: World, **changes: Any) -> dict[str, Any]:
    """The new objective's form as the page sends it, the template's numbers untouched."""
    data: dict[str, Any] = {
        "title": TEMPLATE.title_en,
        "description": "",
        "level": "company",
        "owner": world.alice.pk,
        "visibility": "organization",
        "state": "active",
        "origin": "",
        "template": TEMPLATE.key,
    }
    for index, kr in enumerate(TEMPLATE.key_results):
        data |= {
            f"tkr-{index}-keep": "on",
            f"tkr-{index}-title": kr.title_en,
            f"tkr-{index}-start": str(kr.start),
            f"tkr-{index}-target": str(kr.target),
            f"tkr-{index}-unit": kr.unit_en,
        }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def created() -> Objective | None:
    return Objective.objects.filter(title=TEMPLATE.title_en).first()


def test_the_form_shows_every_key_result_with_its_numbers_in_fields(world: World) -> None:
    html = world.client_for(world.alice).get(new_url(world, template=TEMPLATE.key)).content.decode()

    for index, kr in enumerate(TEMPLATE.key_results):
        assert f'name="tkr-{index}-title" value="{kr.title_en}"' in html
        assert f'name="tkr-{index}-start" value="{kr.start}"' in html
        assert f'name="tkr-{index}-target" value="{kr.target}"' in html
    assert 'name="template_confirm"' in html
    assert "The numbers are the template's examples" in html


def test_example_numbers_left_as_they_are_ask_for_a_yes(world: World) -> None:
    response = world.client_for(world.alice).post(new_url(world), posted(world))

    assert response.status_code == 422
    html = response.content.decode()
    assert "These are still the template's example numbers" in html
    assert f'value="{TEMPLATE.title_en}"' in html  # nothing typed is lost
    assert created() is None


def test_example_numbers_confirmed_are_saved(world: World) -> None:
    response = world.client_for(world.alice).post(
        new_url(world), posted(world, template_confirm="1")
    )

    assert response.status_code == 302
    objective = created()
    assert objective is not None
    krs = list(objective.key_results.order_by("position"))
    assert [(kr.title, kr.start, kr.target) for kr in krs] == [
        (kr.title_en, kr.start, kr.target) for kr in TEMPLATE.key_results
    ]
    assert all(str(kr.status()) == "not_started" for kr in krs)  # not red at once


def test_the_persons_own_numbers_are_saved_without_the_box(world: World) -> None:
    changes = {
        "tkr-0-start": "1200",
        "tkr-0-target": "3000",
        "tkr-1-start": "10",
        "tkr-1-target": "50",
        "tkr-2-start": "0",
        "tkr-2-target": "5",
        "tkr-3-keep": None,  # unticked: not wanted
        "tkr-0-title": "More visitors on the blog",
    }

    response = world.client_for(world.alice).post(new_url(world), posted(world, **changes))

    assert response.status_code == 302
    objective = created()
    assert objective is not None
    krs = list(objective.key_results.order_by("position"))
    assert [(kr.title, kr.start, kr.target, kr.current) for kr in krs[:1]] == [
        ("More visitors on the blog", Decimal(1200), Decimal(3000), Decimal(1200))
    ]
    assert [kr.target for kr in krs] == [3000, 50, 5]


def test_impossible_numbers_are_refused_by_field_and_nothing_is_saved(world: World) -> None:
    response = world.client_for(world.alice).post(
        new_url(world), posted(world, template_confirm="1", **{"tkr-0-target": "50000"})
    )

    assert response.status_code == 422
    assert "The target must differ from the start value." in response.content.decode()
    assert created() is None
    response = world.client_for(world.alice).post(
        new_url(world), posted(world, template_confirm="1", **{"tkr-1-start": "nine"})
    )
    assert response.status_code == 422 and created() is None


def test_the_library_shows_each_key_results_numbers(world: World) -> None:
    html = world.client_for(world.alice).get(new_url(world)).content.decode()

    nbsp = "\u00a0"
    assert f"Grow monthly organic visitors to the website: from 50,000{nbsp}visitors to" in html
    assert 'data-picker-filter aria-controls="template-list"' in html


def test_the_library_is_searched_without_a_script_in_both_languages(world: World) -> None:
    client = world.client_for(world.alice)

    english = client.get(new_url(world, q="organic visitors")).content.decode()
    assert TEMPLATE.title_en in english
    assert "Make our website our best salesperson" not in english
    with translation.override("fr"):
        french = client.get(
            new_url(world, q="visiteurs organiques"), headers={"Accept-Language": "fr"}
        ).content.decode()
    assert TEMPLATE.title_fr in french
    nothing = client.get(new_url(world, q="zzzz")).content.decode()
    assert "No template matches “zzzz”." in nothing


def test_choosing_a_template_still_takes_one_page_and_one_form(
    world: World, django_assert_max_num_queries: Any
) -> None:
    # The library, the template's form, one post: no step added.
    client = world.client_for(world.alice)
    assert client.get(new_url(world)).status_code == 200
    assert client.get(new_url(world, template=TEMPLATE.key)).status_code == 200
    assert client.post(new_url(world), posted(world, template_confirm="1")).status_code == 302


def test_the_library_is_open_for_a_cycles_first_objective(world: World) -> None:
    client = world.client_for(world.alice)
    assert '<details class="templates card">' in client.get(new_url(world)).content.decode()

    Objective.objects.filter(cycle=world.cycle).delete()

    html = client.get(new_url(world)).content.decode()
    assert '<details class="templates card" open>' in html
