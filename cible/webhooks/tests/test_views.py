"""The webhook pages: owners and admins only (members and viewers 403, outsiders 404), the
forms and their errors, the secret and its rotation, the ping, the delivery log with its
filters, and sending a failed delivery again; every change lands in the audit trail."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cible.audit.models import AuditEntry
from cible.webhooks import services
from cible.webhooks.events import new_delivery
from cible.webhooks.models import DeliveryState, Event, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.com/cible/t0k3n"


@pytest.fixture
def hook(world) -> WebhookEndpoint:  # type: ignore[no-untyped-def]
    return services.create_endpoint(
        world.org, world.alice, URL, [Event.CHECK_IN_RECORDED], description="Data warehouse"
    )


def url(name: str, *args: object) -> str:
    return reverse(name, args=["acme", *args])


def delivery(endpoint: WebhookEndpoint, state: str = DeliveryState.PENDING, **fields: object):  # type: ignore[no-untyped-def]
    row = new_delivery(
        endpoint, Event.CHECK_IN_RECORDED, {"n": 1}, timezone.now(), endpoint.organization.slug
    )
    row.state = state
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "url": "https://example.com/hooks/cible",
        "description": "Analytics",
        "events": [Event.CHECK_IN_RECORDED, Event.CYCLE_CLOSED],
        "active": "on",
    }
    data.update(overrides)
    return data


def test_the_settings_page_links_to_webhooks_for_admins_only(world) -> None:
    link = url("webhook_list")
    assert link in world.client_for(world.adam).get(url("org_settings")).content.decode()
    assert link not in world.client_for(world.bob).get(url("org_settings")).content.decode()


def test_an_admin_lists_the_endpoints(world, hook) -> None:
    response = world.client_for(world.adam).get(url("webhook_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Data warehouse" in page
    assert "A check-in is recorded" in page


@pytest.mark.parametrize("name", ["webhook_list", "webhook_create", "webhook_deliveries"])
def test_members_and_viewers_get_403_and_outsiders_404(world, name) -> None:
    assert world.client_for(world.bob).get(url(name)).status_code == 403
    assert world.client_for(world.vera).get(url(name)).status_code == 403
    assert world.client_for(world.oscar).get(url(name)).status_code == 404


def test_an_admin_adds_an_endpoint(world) -> None:
    response = world.client_for(world.adam).post(url("webhook_create"), form())

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == endpoint.get_absolute_url()
    assert endpoint.organization == world.org
    assert endpoint.url == "https://example.com/hooks/cible"
    assert endpoint.events == [Event.CHECK_IN_RECORDED, Event.CYCLE_CLOSED]
    assert endpoint.created_by == world.adam
    assert endpoint.active and not endpoint.include_private
    assert len(endpoint.secret) == 64
    entry = AuditEntry.objects.get(target_type="webhook")
    assert (entry.action, entry.target_id, entry.actor) == ("created", endpoint.pk, world.adam)
    assert entry.after["url"] == "https://example.com/…"  # Not the token of its path.
    assert endpoint.secret not in str(entry.after)


def test_every_event_is_ticked_on_a_new_form(world) -> None:
    page = world.client_for(world.adam).get(url("webhook_create")).content.decode()

    assert page.count('name="events"') == 6
    assert page.count("checked") >= 6 + 1  # The events, and "active".


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (form(url="ftp://example.com/in"), "url", "starting with https:// or http://"),
        (form(url="javascript:alert(1)"), "url", "starting with https:// or http://"),
        (form(url="https://exa mple.com/"), "url", "starting with https:// or http://"),
        (form(url=""), "url", "This field is required"),
        (form(url="https://example.com/" + "a" * 600), "url", "at most 500"),
        (form(events=[]), "events", "Choose at least one event."),
        (form(events=["ping"]), "events", "Select a valid choice"),
        (form(events=["check_in.recorded", "nope"]), "events", "Select a valid choice"),
        (form(description="d" * 201), "description", "at most 200"),
    ],
    ids=[
        "ftp",
        "javascript",
        "space",
        "empty",
        "long",
        "no-event",
        "ping",
        "unknown-event",
        "long-text",
    ],
)
def test_a_bad_form_is_refused_with_its_error(world, data, field, message) -> None:
    response = world.client_for(world.adam).post(url("webhook_create"), data)

    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])
    assert not WebhookEndpoint.objects.exists()


def test_an_admin_edits_an_endpoint(world, hook) -> None:
    response = world.client_for(world.adam).post(
        url("webhook_edit", hook.pk),
        form(url=URL, events=[Event.OBJECTIVE_CLOSED], include_private="on", active=""),
    )

    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.events == [Event.OBJECTIVE_CLOSED]
    assert hook.include_private and not hook.active
    entry = AuditEntry.objects.filter(target_type="webhook", action="updated").get()
    assert entry.after["events"] == "objective.closed"
    assert entry.after["active"] == "False"


def test_a_refused_edit_keeps_what_was_stored(world, hook) -> None:
    response = world.client_for(world.adam).post(
        url("webhook_edit", hook.pk), form(url="ftp://x.example", description="Renamed")
    )

    assert response.status_code == 422
    assert "<title>Edit the webhook" in response.content.decode()
    assert 'value="Renamed"' in response.content.decode()
    hook.refresh_from_db()
    assert (hook.url, hook.description) == (URL, "Data warehouse")


def test_a_new_secret_shows_once_to_the_admin_who_made_it(world, hook) -> None:
    client = world.client_for(world.alice)
    old = hook.secret
    before = client.get(url("webhook_detail", hook.pk)).content.decode()
    assert old not in before
    assert services.fingerprint(old) in before

    response = client.post(url("webhook_rotate_secret", hook.pk))

    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.secret != old
    assert hook.secret in client.get(url("webhook_detail", hook.pk)).content.decode()
    assert hook.secret not in client.get(url("webhook_detail", hook.pk)).content.decode()
    entry = AuditEntry.objects.filter(target_type="webhook", action="updated").get()
    assert entry.before["secret"].startswith("sha256:")
    assert entry.before["secret"] != entry.after["secret"]
    assert old not in str(entry.before) and hook.secret not in str(entry.after)


def test_members_cannot_see_the_secret_or_change_it(world, hook) -> None:
    for user in (world.bob, world.vera):
        response = world.client_for(user).get(url("webhook_detail", hook.pk))
        assert response.status_code == 403
        assert hook.secret not in response.content.decode()
        assert world.client_for(user).post(url("webhook_rotate_secret", hook.pk)).status_code == 403
    assert world.client_for(world.oscar).get(url("webhook_detail", hook.pk)).status_code == 404
    secret = hook.secret
    hook.refresh_from_db()
    assert hook.secret == secret


def test_another_organisations_endpoint_is_a_404_even_for_its_admin(world) -> None:
    globex = services.create_endpoint(world.other_org, world.oscar, URL, [Event.CYCLE_CLOSED])
    client = world.client_for(world.alice)

    assert client.get(url("webhook_detail", globex.pk)).status_code == 404
    assert client.post(url("webhook_ping", globex.pk)).status_code == 404
    assert client.post(url("webhook_delete", globex.pk)).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=globex.pk).exists()
    assert not WebhookDelivery.objects.exists()


def test_an_admin_deletes_an_endpoint_and_its_log(world, hook) -> None:
    delivery(hook)
    client = world.client_for(world.adam)
    assert client.get(url("webhook_delete", hook.pk)).status_code == 200

    response = client.post(url("webhook_delete", hook.pk))

    assert response.status_code == 302
    assert not WebhookEndpoint.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert AuditEntry.objects.filter(target_type="webhook", action="deleted").count() == 1


def test_a_ping_is_queued_for_this_endpoint_and_shown_in_the_log(world, hook) -> None:
    response = world.client_for(world.adam).post(url("webhook_ping", hook.pk))

    ping = WebhookDelivery.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("webhook_deliveries") + f"?endpoint={hook.pk}"
    assert (ping.endpoint, ping.event, ping.state) == (hook, Event.PING, DeliveryState.PENDING)
    assert ping.payload["data"]["sent_by"]["id"] == world.adam.pk
    log = world.client_for(world.adam).get(response["Location"]).content.decode()
    assert "<code>ping</code>" in log


def test_the_log_filters_by_endpoint_and_state(world, hook) -> None:
    other = services.create_endpoint(
        world.org, world.alice, "https://other.example/in", [Event.CYCLE_CLOSED]
    )
    delivered = delivery(hook, DeliveryState.DELIVERED, last_status_code=204)
    failed = delivery(hook, DeliveryState.FAILED, last_error="HTTP 500: boom")
    elsewhere = delivery(other, DeliveryState.FAILED)
    client = world.client_for(world.adam)

    def shown(query: str) -> set[int]:
        response = client.get(url("webhook_deliveries") + query)
        assert response.status_code == 200
        return {d.pk for d in response.context["page"]}

    assert shown("") == {delivered.pk, failed.pk, elsewhere.pk}
    assert shown(f"?endpoint={hook.pk}") == {delivered.pk, failed.pk}
    assert shown("?state=failed") == {failed.pk, elsewhere.pk}
    assert shown(f"?endpoint={hook.pk}&state=failed") == {failed.pk}
    assert "HTTP 500: boom" in client.get(url("webhook_deliveries")).content.decode()


def test_a_bad_filter_is_shown_not_applied(world, hook) -> None:
    globex = services.create_endpoint(world.other_org, world.oscar, URL, [Event.CYCLE_CLOSED])
    mine = delivery(hook)
    client = world.client_for(world.adam)

    response = client.get(url("webhook_deliveries") + f"?endpoint={globex.pk}&state=lost")

    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"endpoint", "state"}
    assert [d.pk for d in response.context["page"]] == [mine.pk]


def test_the_log_is_paginated_in_a_fixed_number_of_queries(
    world, hook, django_assert_max_num_queries
) -> None:
    WebhookDelivery.objects.bulk_create(
        [
            new_delivery(hook, Event.PING, {}, timezone.now() - timedelta(minutes=i), "acme")
            for i in range(60)
        ]
    )
    client = world.client_for(world.adam)

    with django_assert_max_num_queries(12):
        first = client.get(url("webhook_deliveries"))
    second = client.get(url("webhook_deliveries") + "?page=2")

    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 10
    assert client.get(url("webhook_deliveries") + "?page=x").status_code == 200


def test_a_delivery_shows_its_payload_attempts_and_answer(world, hook) -> None:
    row = delivery(hook, DeliveryState.FAILED, attempts=6, last_status_code=502)
    row.last_error = "HTTP 502: <b>bad gateway</b>"
    row.save()

    page = world.client_for(world.adam).get(url("webhook_delivery", row.pk)).content.decode()

    assert str(row.uuid) in page
    assert "&quot;event&quot;: &quot;check_in.recorded&quot;" in page
    assert "502" in page
    assert "&lt;b&gt;bad gateway&lt;/b&gt;" in page
    assert "Send it again" in page


def test_a_failed_delivery_is_sent_again(world, hook) -> None:
    row = delivery(hook, DeliveryState.FAILED, attempts=6, last_status_code=500)

    response = world.client_for(world.adam).post(url("webhook_redeliver", row.pk))

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.attempts) == (DeliveryState.PENDING, 0)
    entry = AuditEntry.objects.filter(target_type="webhook", action="updated").get()
    assert entry.after["redelivered"] == f"check_in.recorded {row.uuid}"


def test_a_delivered_one_is_not_sent_again(world, hook) -> None:
    row = delivery(hook, DeliveryState.DELIVERED, attempts=1)

    response = world.client_for(world.adam).post(url("webhook_redeliver", row.pk), follow=True)

    assert "Only a failed delivery can be sent again." in response.content.decode()
    row.refresh_from_db()
    assert (row.state, row.attempts) == (DeliveryState.DELIVERED, 1)


def test_members_cannot_send_anything(world, hook) -> None:
    row = delivery(hook, DeliveryState.FAILED)
    for user in (world.bob, world.vera):
        client = world.client_for(user)
        assert client.post(url("webhook_ping", hook.pk)).status_code == 403
        assert client.post(url("webhook_redeliver", row.pk)).status_code == 403
        assert client.post(url("webhook_create"), form()).status_code == 403
        assert client.post(url("webhook_delete", hook.pk)).status_code == 403
    row.refresh_from_db()
    assert row.state == DeliveryState.FAILED
    assert WebhookEndpoint.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1


def test_the_pages_speak_french(world, hook) -> None:
    client = world.client_for(world.adam)
    response = client.get(url("webhook_list"), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    assert response["Content-Language"] == "fr"


def test_a_new_endpoint_shows_its_secret_once_then_its_fingerprint(world) -> None:
    client = world.client_for(world.adam)

    landed = client.post(url("webhook_create"), form(), follow=True).content.decode()
    endpoint = WebhookEndpoint.objects.get()
    again = client.get(url("webhook_detail", endpoint.pk)).content.decode()

    assert endpoint.secret in landed
    assert endpoint.secret not in again
    assert services.fingerprint(endpoint.secret) in again


def test_a_secret_cookie_of_another_endpoint_or_an_old_secret_shows_nothing(world, hook) -> None:
    client = world.client_for(world.alice)
    old = hook.secret
    client.post(url("webhook_rotate_secret", hook.pk))
    cookie = client.cookies["cible_new_webhook_secret"].value
    services.rotate_secret(hook, world.alice)  # made again elsewhere in the meantime
    hook.refresh_from_db()

    page = client.get(url("webhook_detail", hook.pk)).content.decode()

    assert cookie and old not in page and hook.secret not in page
