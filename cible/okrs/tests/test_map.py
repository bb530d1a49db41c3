"""The alignment map: company objectives as cards, a card's aligned objectives drawn when it
is opened (the address's `open` list), other parents and dependencies drawn as links, the
filters, and queries that do not grow with the objectives of a level."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cible.okrs.models import Level, Objective
from cible.okrs.services import create_dependency, create_objective
from cible.orgs.models import Team

pytestmark = pytest.mark.django_db

MAP = "/o/acme/map/"


def get(world, url: str = MAP, user=None, **headers) -> str:  # type: ignore[no-untyped-def]
    response = world.client_for(user or world.vera).get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def cards(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<foreignObject [^>]*data-card="(\d+)"', html)]


def links(html: str, kind: str) -> int:
    """The links of a kind drawn between cards (the legend draws one of each)."""
    if 'class="map-links"' not in html:
        return 0
    drawn = html.split('class="map-links"', 1)[1].split("</g>", 1)[0]
    return len(re.findall(rf'class="map-link map-link-{kind}" d="M', drawn))


def company(world, title: str) -> Objective:  # type: ignore[no-untyped-def]
    return create_objective(
        world.org, world.alice, cycle=world.cycle, title=title, level=Level.COMPANY
    )


def team_objective(world, title: str, parents, team=None) -> Objective:  # type: ignore[no-untyped-def]
    return create_objective(
        world.org,
        world.bob,
        parents=parents,
        cycle=world.cycle,
        title=title,
        level=Level.TEAM,
        team=team or world.team,
    )


def test_the_map_shows_the_company_objectives_closed(world) -> None:
    html = get(world)
    assert cards(html) == [world.company_objective.pk]
    assert "Answer faster" not in html
    toggle = f'href="?cycle={world.cycle.pk}&amp;open={world.company_objective.pk}"'
    assert toggle in html
    assert 'aria-expanded="false"' in html
    assert "Show 1 aligned" in html


def test_opening_a_card_draws_its_aligned_objectives_below_it(world) -> None:
    html = get(world, f"{MAP}?open={world.company_objective.pk}")
    assert cards(html) == [world.company_objective.pk, world.team_objective.pk]
    assert links(html, "parent") == 1
    assert 'aria-expanded="true"' in html
    # Closing it again is a link without it.
    assert f'href="?cycle={world.cycle.pk}"' in html
    tops = re.findall(r'y="(\d+)"[^>]*data-card="(\d+)"', html)
    positions = {int(pk): int(top) for top, pk in tops}
    assert positions[world.team_objective.pk] > positions[world.company_objective.pk]


def test_htmx_gets_the_map_alone(world) -> None:
    url = f"{MAP}?open={world.company_objective.pk}"
    html = get(world, url, **{"HX-Request": "true", "HX-Target": "map-canvas"})
    assert html.lstrip().startswith('<div id="map-canvas"')
    assert "<html" not in html
    assert "Answer faster" in html


def test_a_second_parent_and_a_dependency_are_drawn_as_other_links(world) -> None:
    other = company(world, "Grow abroad")
    world.team_objective.parents.add(other)
    sales = Team.objects.create(organization=world.org, name="Sales")
    theirs = team_objective(world, "Sell more", [other], team=sales)
    create_dependency(
        world.alice,
        organization=world.org,
        from_objective=world.team_objective,
        to_objective=theirs,
    )
    closed = get(world)
    assert links(closed, "parent") == links(closed, "extra") == links(closed, "dependency") == 0
    assert "dependency off the map" not in closed  # neither end is drawn
    one_open = get(world, f"{MAP}?open={world.company_objective.pk}")
    assert "1 dependency off the map" in one_open  # Sell more is not drawn

    html = get(world, f"{MAP}?open={world.company_objective.pk},{other.pk}")
    assert sorted(cards(html)) == sorted(
        [world.company_objective.pk, other.pk, world.team_objective.pk, theirs.pk]
    )
    assert links(html, "parent") == 2
    assert links(html, "extra") == 1
    assert links(html, "dependency") == 1
    assert "Answer faster depends on Sell more (Proposed)" in html
    assert 'data-state="proposed"' in html.split('class="map-links"', 1)[1]
    assert "dependency off the map" not in html


def test_a_parent_not_drawn_is_counted_on_the_card(world) -> None:
    other = company(world, "Grow abroad")
    world.team_objective.parents.add(other)
    html = get(world, f"{MAP}?open={world.company_objective.pk}")
    # Both company objectives are drawn, so the team objective's two parents are links.
    assert "more parent" not in html
    html = get(world, f"{MAP}?team={world.team.pk}")
    assert cards(html) == [world.team_objective.pk]
    assert "2 more parents" in html


def test_the_status_filter_keeps_the_matching_objectives(world) -> None:
    html = get(world, f"{MAP}?status=on_track")
    on_track = cards(html)
    html = get(world, f"{MAP}?status=off_track")
    off_track = cards(html)
    assert not set(on_track) & set(off_track)
    assert set(on_track) | set(off_track) <= {world.company_objective.pk, world.team_objective.pk}
    assert on_track or off_track or "No objective matches" in html


def test_bad_input_is_ignored_not_a_500(world) -> None:
    for query in ("?open=abc,,-1,99999999", "?team=x&status=nope", "?cycle=zzz&open=1e9"):
        html = get(world, MAP + query)
        assert cards(html) == [world.company_objective.pk]  # as if nothing were asked


def test_an_open_card_of_another_organisation_shows_nothing(world) -> None:
    html = get(world, f"{MAP}?open={world.foreign_objective.pk}")
    assert "Globex secret" not in html


def test_outsiders_get_404(world) -> None:
    assert world.client_for(world.oscar).get(MAP).status_code == 404


def test_private_objectives_of_others_stay_hidden(world) -> None:
    create_objective(
        world.org,
        world.bob,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="Secret plan",
        level=Level.TEAM,
        team=world.team,
        visibility="private",
    )
    assert "Secret plan" not in get(world, f"{MAP}?open={world.company_objective.pk}")


def test_the_map_and_the_list_link_to_each_other(world) -> None:
    assert f'href="/o/acme/tree/?cycle={world.cycle.pk}"' in get(world)
    assert f'href="/o/acme/map/?cycle={world.cycle.pk}"' in get(world, "/o/acme/tree/")


def test_the_map_speaks_french(world) -> None:
    html = get(world, f"{MAP}?open={world.company_objective.pk}", **{"Accept-Language": "fr"})
    assert "Carte de l" in html


@pytest.mark.parametrize("opened", [False, True])
def test_queries_do_not_grow_with_the_objectives_of_a_level(world, opened) -> None:
    """Two and then six company objectives, each with two aligned objectives, all open."""

    def build(count: int) -> None:
        for i in range(count):
            parent = company(world, f"Company {count}-{i}")
            for j in range(2):
                team_objective(world, f"Team {count}-{i}-{j}", [parent])

    def measure() -> tuple[int, int]:
        ids = Objective.objects.filter(level=Level.COMPANY).values_list("pk", flat=True)
        query = "?open=" + ",".join(str(pk) for pk in ids) if opened else ""
        client = world.client_for(world.vera)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(MAP + query)
        assert response.status_code == 200
        return len(queries), len(cards(response.content.decode()))

    build(2)
    few, few_cards = measure()
    build(4)
    many, many_cards = measure()
    assert many_cards > few_cards
    assert many == few


def test_the_navigation_marks_alignment_on_the_map(world) -> None:
    html = get(world)
    assert '/o/acme/tree/" aria-current="page">Alignment</a>' in html


def test_a_dependency_on_a_hidden_objective_is_not_counted(world) -> None:
    sales = Team.objects.create(organization=world.org, name="Sales", lead=world.bob)
    secret = create_objective(
        world.org, world.bob, cycle=world.cycle, title="Secret plan", level=Level.TEAM,
        team=sales, visibility="private",
    )  # fmt: skip
    create_dependency(
        world.bob, organization=world.org, from_objective=world.team_objective,
        to_objective=secret,
    )  # fmt: skip
    url = f"{MAP}?open={world.company_objective.pk}"
    assert "dependency off the map" not in get(world, url)  # Vera may not see it
    assert "1 dependency off the map" in get(world, url, user=world.bob)
