"""An admin connects Microsoft Teams from the organisation settings; a member follows the
link the chat answered with and links their chat account."""

import base64

import pytest
from playwright.sync_api import expect

from cible.inbound import chat, secrets
from cible.inbound.models import ChatAccount, ChatIntegration
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in

pytestmark = pytest.mark.browser

TOKEN = base64.b64encode(b"a teams security token").decode()


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_admin_connects_a_chat_and_a_member_links_their_account(
    locale: str, world, live_server, new_page: NewPage
) -> None:
    french = locale == "fr"
    page = new_page(locale=locale)
    sign_in(page, world.adam.email, PASSWORD)
    page.goto("/o/acme/settings/")
    page.get_by_role(
        "link",
        name="Points d'avancement par messagerie : chacun fait le point depuis Slack, "
        "Mattermost ou Teams"
        if french
        else "Chat check-ins: people check in from Slack, Mattermost or Teams",
    ).click()
    main = page.get_by_role("main")
    main.get_by_role("combobox", name="Messagerie" if french else "Chat").select_option("teams")
    main.get_by_label("Jeton de sécurité Teams" if french else "Teams security token").fill(
        "not base64!"
    )
    main.get_by_role("button", name="Connecter" if french else "Connect", exact=True).click()
    expect(main.get_by_text("base64")).to_be_visible()
    assert not ChatIntegration.objects.exists()

    main.get_by_role("combobox", name="Messagerie" if french else "Chat").select_option("teams")
    main.get_by_label("Jeton de sécurité Teams" if french else "Teams security token").fill(TOKEN)
    main.get_by_role("button", name="Connecter" if french else "Connect", exact=True).click()
    integration = ChatIntegration.objects.get()
    expect(main.get_by_text(f"/chat/teams/{integration.public_id}/")).to_be_visible()
    assert secrets.decrypt(integration.secret) == TOKEN

    member = new_page(locale=locale)
    sign_in(member, world.bob.email, PASSWORD)
    member.goto(f"/chat/link/{chat.link_token(integration, 'aad-bob', 'Bob D')}/")
    member.get_by_role("button", name="Relier ce compte" if french else "Link this account").click()
    expect(
        member.get_by_role(
            "heading",
            level=1,
            name="Compte de messagerie relié" if french else "Chat account linked",
        )
    ).to_be_visible()
    assert ChatAccount.objects.get().membership.user == world.bob
