"""Each chat's own shapes: the form (a Slack modal, a Mattermost dialog), the messages, and
the calls Cible makes back to the chat (opening a form, answering a button). Every call goes
through the outbound guard (`cible.lib.outbound`), like the webhooks."""

import json
import logging
from secrets import token_hex
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from cible.inbound import chat, secrets, verify
from cible.inbound.models import ChatIntegration
from cible.lib import outbound
from cible.notifications.services import site_url
from cible.okrs.models import KeyResult
from cible.okrs.templatetags.okrs import value as shown

logger = logging.getLogger(__name__)

TIMEOUT = 5.0
CALLBACK = "cible_checkin"
NO_CHANGE = "cible_nochange"
UPDATE = "cible_update"


class ChatCallFailed(Exception):
    pass


def _post(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> bytes:
    try:
        answer = outbound.request(
            "POST",
            url,
            body=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
            timeout=TIMEOUT,
            max_bytes=64_000,
            truncate=True,
        )
    except outbound.OutboundError as error:
        logger.warning("Chat call failed: %s", outbound.redacted(str(error), url))
        raise ChatCallFailed(str(error)) from None
    if not answer.ok:
        logger.warning("Chat call failed: HTTP %s", answer.status)
        raise ChatCallFailed(f"HTTP {answer.status}")
    return answer.body


def _hint(kr: KeyResult) -> str:
    return _("now %(current)s, target %(target)s") % {
        "current": shown(kr.current, kr.unit),
        "target": shown(kr.target, kr.unit),
    }


def check_in_url(integration: ChatIntegration) -> str:
    return site_url(reverse("my_check_in", args=[integration.organization.slug]))


# Slack


def slack_modal(krs: list[KeyResult]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": {"type": "plain_text", "text": _("Check-in")[:24]},
        "submit": {"type": "plain_text", "text": _("Save")[:24]},
        "close": {"type": "plain_text", "text": _("Cancel")[:24]},
        "blocks": [
            {
                "type": "input",
                "block_id": f"kr_{kr.pk}",
                "optional": True,
                "label": {"type": "plain_text", "text": f"#{kr.pk} {kr.title}"[:2000]},
                "hint": {"type": "plain_text", "text": _hint(kr)[:2000]},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "reading",
                    "initial_value": chat.form_default(kr),
                },
            }
            for kr in krs
        ],
    }


def slack_open_form(integration: ChatIntegration, trigger_id: str, krs: list[KeyResult]) -> None:
    token = secrets.decrypt(integration.bot_token)
    if not token:
        raise ChatCallFailed("no bot token")
    body = _post(
        settings.SLACK_API_URL.rstrip("/") + "/views.open",
        {"trigger_id": trigger_id, "view": slack_modal(krs)},
        {"Authorization": f"Bearer {token}"},
    )
    try:
        ok = json.loads(body).get("ok")
    except (ValueError, AttributeError):
        ok = False
    if not ok:
        raise ChatCallFailed("views.open refused")


def slack_form_fields(values: object) -> dict[int, str]:
    """The modal's fields as sent back: {key result: text}; anything else is left out."""
    fields: dict[int, str] = {}
    if not isinstance(values, dict):
        return fields
    for block_id, actions in values.items():
        if not (isinstance(block_id, str) and block_id.startswith("kr_")):
            continue
        number = block_id.removeprefix("kr_")
        reading = actions.get("reading") if isinstance(actions, dict) else None
        text = reading.get("value") if isinstance(reading, dict) else None
        if number.isdigit() and len(number) < 13:
            fields[int(number)] = text if isinstance(text, str) else ""
    return fields


def slack_buttons(integration: ChatIntegration) -> list[dict[str, Any]]:
    """The reminder's buttons, for a team chat posting to Slack."""
    return [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": NO_CHANGE,
                    "text": {"type": "plain_text", "text": _("On track, no change")},
                    "value": "nochange",
                },
                {
                    "type": "button",
                    "action_id": UPDATE,
                    "style": "primary",
                    "text": {"type": "plain_text", "text": _("Update")},
                    "value": "update",
                },
            ],
        }
    ]


def slack_say(response_url: str, text: str) -> None:
    _post(response_url, {"response_type": "ephemeral", "replace_original": False, "text": text})


# Mattermost


def mattermost_dialog(
    integration: ChatIntegration, user_id: str, krs: list[KeyResult]
) -> dict[str, Any]:
    return {
        "callback_id": CALLBACK,
        "title": _("Check-in")[:24],
        "submit_label": _("Save"),
        # Whom the dialog is for, and a number of its own: each dialog is recorded once.
        "state": verify.sign_context(integration, u=user_id, n=token_hex(8)),
        "elements": [
            {
                "display_name": f"#{kr.pk} {kr.title}"[:24],
                "name": f"kr_{kr.pk}",
                "type": "text",
                "default": chat.form_default(kr),
                "optional": True,
                "help_text": f"{kr.title} — {_hint(kr)}"[:150],
            }
            for kr in krs
        ],
    }


def mattermost_endpoint(integration: ChatIntegration) -> str:
    return site_url(reverse("chat_mattermost", args=[integration.public_id]))


def mattermost_open_form(
    integration: ChatIntegration, trigger_id: str, user_id: str, krs: list[KeyResult]
) -> None:
    _post(
        integration.server_url.rstrip("/") + "/api/v4/actions/dialogs/open",
        {
            "trigger_id": trigger_id,
            "url": mattermost_endpoint(integration),
            "dialog": mattermost_dialog(integration, user_id, krs),
        },
    )


def mattermost_buttons(integration: ChatIntegration) -> list[dict[str, Any]]:
    """The reminder's buttons, for a team chat posting to Mattermost: the context is signed
    by Cible, and Mattermost keeps it on its server (clients never see it)."""
    url = mattermost_endpoint(integration)
    return [
        {
            "id": action,
            "name": label,
            "integration": {
                "url": url,
                "context": {"signed": verify.sign_context(integration, a=action)},
            },
        }
        for action, label in ((NO_CHANGE, _("On track, no change")), (UPDATE, _("Update")))
    ]


def mattermost_fields(submission: object) -> dict[int, str]:
    fields: dict[int, str] = {}
    if not isinstance(submission, dict):
        return fields
    for name, text in submission.items():
        number = name.removeprefix("kr_") if isinstance(name, str) else ""
        if name != number and number.isdigit() and len(number) < 13:
            fields[int(number)] = text if isinstance(text, str) else ""
    return fields


# Teams


def teams_message(text: str, integration: ChatIntegration) -> dict[str, Any]:
    """An answer to an outgoing webhook: the text, and a card with a link to the page
    (an outgoing webhook's card cannot send a form back: the page takes it)."""
    return {
        "type": "message",
        "text": text.replace("\n", "\n\n"),
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [{"type": "TextBlock", "text": text, "wrap": True}],
                    "actions": [
                        {
                            "type": "Action.OpenUrl",
                            "title": _("Update"),
                            "url": check_in_url(integration),
                        }
                    ],
                },
            }
        ],
    }


def teams_form_text(krs: list[KeyResult]) -> str:
    lines = [
        _("Check in one key result with: checkin 42 1500 conf 7 comment. Yours:"),
        *(f"#{kr.pk} {kr.title}: {chat.form_default(kr)} ({_hint(kr)})" for kr in krs),
    ]
    return "\n".join(lines)
