"""An admin plugs a webhook into a receiver on loopback, sends it a test event, and sees it
delivered in the log."""

import hashlib
import hmac

import pytest
from playwright.sync_api import expect

from cible.webhooks import sending, services
from cible.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from cible.webhooks.tests.receiver import Receiver
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in
from tests_e2e.test_a11y import axe_source, violations  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


def test_admin_adds_a_webhook_pings_it_and_sees_the_delivery(
    world, live_server, new_page: NewPage
) -> None:
    page = new_page()
    sign_in(page, world.adam.email, PASSWORD)
    page.goto("/o/acme/settings/")
    page.get_by_role("link", name="Webhooks: send the organisation's events to other tools").click()
    expect(page.get_by_role("heading", level=1, name="Webhooks")).to_be_visible()
    expect(page.get_by_text("No webhook yet.")).to_be_visible()

    with Receiver() as receiver:
        page.get_by_role("link", name="Add a webhook").click()
        form = page.get_by_role("main")
        form.get_by_label("Address").fill("ftp://127.0.0.1/nope")
        form.get_by_role("button", name="Add the webhook").click()
        expect(
            form.get_by_text("Enter a web address starting with https:// or http://.")
        ).to_be_visible()

        form.get_by_label("Address").fill(receiver.url)
        form.get_by_label("Description").fill("Loopback receiver")
        form.get_by_label("A cycle is closed").uncheck()
        form.get_by_role("button", name="Add the webhook").click()

        expect(page.get_by_role("heading", level=1, name="Loopback receiver")).to_be_visible()
        endpoint = WebhookEndpoint.objects.get()
        assert "cycle.closed" not in endpoint.events
        expect(page.locator("code.secret")).to_have_text(endpoint.secret)

        page.get_by_role("button", name="Send a test event").click()
        expect(page.get_by_role("heading", level=1, name="Webhook deliveries")).to_be_visible()
        expect(page.get_by_role("status")).to_contain_text("Test event queued")
        row = page.get_by_role("row").filter(has_text="ping")
        expect(row).to_contain_text("Pending")

        ping = WebhookDelivery.objects.get()
        assert sending.deliver(ping.pk, ping.attempts) == "delivered"

        page.reload()
        row = page.get_by_role("row").filter(has_text="ping")
        expect(row).to_contain_text("Delivered")
        expect(row).to_contain_text("200")
        [got] = receiver.received
        signed = got.headers["X-Cible-Timestamp"].encode() + b"." + got.body
        digest = hmac.new(endpoint.secret.encode(), signed, hashlib.sha256).hexdigest()
        assert got.headers["X-Cible-Signature"] == f"sha256={digest}"

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Delivery of ping")).to_be_visible()
    expect(page.locator("pre.payload")).to_contain_text(str(ping.uuid))
    assert WebhookDelivery.objects.get().state == DeliveryState.DELIVERED


def test_the_webhook_pages_have_no_serious_accessibility_violation(
    world,
    live_server,
    new_page: NewPage,
    axe_source: str,  # noqa: F811 (the fixture imported above)
) -> None:
    endpoint = services.create_endpoint(
        world.org, world.alice, "https://hooks.example.com/in", ["check_in.recorded"]
    )
    delivery = services.send_ping(endpoint, world.alice)
    page = new_page(bypass_csp=True)
    sign_in(page, world.adam.email, PASSWORD)
    paths = [
        "/o/acme/webhooks/",
        "/o/acme/webhooks/new/",
        f"/o/acme/webhooks/{endpoint.pk}/",
        f"/o/acme/webhooks/{endpoint.pk}/edit/",
        f"/o/acme/webhooks/{endpoint.pk}/delete/",
        "/o/acme/webhooks/deliveries/",
        f"/o/acme/webhooks/deliveries/{delivery.pk}/",
    ]
    found = {}
    for path in paths:
        page.goto(path)
        if problems := violations(page, axe_source):
            found[path] = problems
    assert not found, found
