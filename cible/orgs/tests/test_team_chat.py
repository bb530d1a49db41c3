"""A team's chat webhook: the server posts to that address, so only admins and owners set
or change it; the team's lead sees that one is set."""

import pytest

from cible.orgs.models import Team

pytestmark = pytest.mark.django_db

HOOK = "https://hooks.slack.com/services/T000/B000/s3cr3t"


def edit_url(team: Team) -> str:
    return f"/o/acme/teams/{team.pk}/edit/"


def detail_url(team: Team) -> str:
    return f"/o/acme/teams/{team.pk}/"


def data(team: Team, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {"name": team.name, "parent": "", "lead": team.lead_id or ""}
    values.update(overrides)
    return values


def with_hook(team: Team, url: str = HOOK) -> Team:
    Team.objects.filter(pk=team.pk).update(chat_webhook_url=url, chat_format="slack")
    return Team.objects.get(pk=team.pk)


@pytest.mark.parametrize("person", ["alice", "adam"])
def test_an_owner_or_admin_sets_the_chat_webhook(world, person: str) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(getattr(world, person))

    response = client.post(
        edit_url(world.team),
        data(world.team, chat_webhook_url=HOOK, chat_format="mattermost"),
    )

    assert response.status_code == 302
    team = Team.objects.get(pk=world.team.pk)
    assert (team.chat_webhook_url, team.chat_format) == (HOOK, "mattermost")


def test_a_lead_cannot_set_the_chat_webhook(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client_for(world.bob).post(
        edit_url(world.team), data(world.team, chat_webhook_url="http://127.0.0.1:8080/hook")
    )

    assert response.status_code == 403
    assert Team.objects.get(pk=world.team.pk).chat_webhook_url == ""


def test_a_lead_cannot_change_or_remove_the_chat_webhook_or_its_format(world) -> None:  # type: ignore[no-untyped-def]
    team = with_hook(world.team)
    client = world.client_for(world.bob)

    for change in (
        {"chat_webhook_url": "http://[::1]/x"},
        {"chat_webhook_remove": "on"},
        {"chat_format": "teams"},
    ):
        assert client.post(edit_url(team), data(team, **change)).status_code == 403

    team.refresh_from_db()
    assert (team.chat_webhook_url, team.chat_format) == (HOOK, "slack")


def test_a_lead_still_edits_the_rest_of_the_team_and_the_webhook_stays(world) -> None:  # type: ignore[no-untyped-def]
    team = with_hook(world.team)

    response = world.client_for(world.bob).post(edit_url(team), data(team, name="Product & Design"))

    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.chat_webhook_url) == ("Product & Design", HOOK)


def test_the_lead_sees_a_webhook_is_set_but_gets_no_field_for_it(world) -> None:  # type: ignore[no-untyped-def]
    team = with_hook(world.team)

    lead_page = world.client_for(world.bob).get(detail_url(team)).content.decode()
    admin_page = world.client_for(world.adam).get(detail_url(team)).content.decode()

    assert "A chat webhook is set" in lead_page
    assert 'name="chat_webhook_url"' not in lead_page
    assert "s3cr3t" not in lead_page
    assert "set by the organisation's admins" in lead_page
    assert 'name="chat_webhook_url"' in admin_page
    assert "s3cr3t" not in admin_page  # not even to admins: they may give a new one
    assert 'placeholder="https://hooks.slack.com/…"' in admin_page


def test_a_viewer_gets_403_and_an_outsider_404(world) -> None:  # type: ignore[no-untyped-def]
    body = data(world.team, chat_webhook_url=HOOK)

    assert world.client_for(world.vera).post(edit_url(world.team), body).status_code == 403
    assert world.client_for(world.oscar).post(edit_url(world.team), body).status_code == 404
    assert Team.objects.get(pk=world.team.pk).chat_webhook_url == ""


def test_an_admin_saving_the_team_with_the_field_left_empty_keeps_the_webhook(world) -> None:  # type: ignore[no-untyped-def]
    team = with_hook(world.team)

    response = world.client_for(world.adam).post(
        edit_url(team), data(team, name="Product & Design", chat_webhook_url="")
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.chat_webhook_url) == ("Product & Design", HOOK)


def test_an_admin_removes_the_webhook_with_the_remove_box(world) -> None:  # type: ignore[no-untyped-def]
    team = with_hook(world.team)

    world.client_for(world.adam).post(
        edit_url(team), data(team, chat_webhook_url="", chat_webhook_remove="on")
    )

    assert Team.objects.get(pk=team.pk).chat_webhook_url == ""


def test_without_a_webhook_there_is_no_remove_box(world) -> None:  # type: ignore[no-untyped-def]
    page = world.client_for(world.adam).get(detail_url(world.team)).content.decode()

    assert 'name="chat_webhook_url"' in page
    assert 'name="chat_webhook_remove"' not in page
