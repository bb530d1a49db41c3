"""A team's weekly chat message: its payload for Slack, Mattermost or Microsoft Teams, and
posting it to the team's incoming webhook.

The content arrives already written in the organisation's language (`ChatMessage`, built by
`services.build_chat`); this module only puts it in each chat's syntax, escaping what people
typed (a key result titled `<!channel>` or `@all` pings nobody), and posts it through the
outbound guard (cible/lib/outbound.py) with a timeout, following no redirect. Anything but
a 2xx answer raises `WebhookError`, whose text never contains the webhook's address (it is
a secret).
"""

import json
from dataclasses import dataclass, field
from typing import Any

from cible.lib import outbound
from cible.orgs.models import ChatFormat

# Seconds to connect and for each read: a receiver that hangs must not stall the worker.
TIMEOUT = 10
# Slack refuses a section text over 3,000 characters and a header over 150.
SLACK_SECTION_LIMIT = 3000
SLACK_HEADER_LIMIT = 150
# What is read of an answer, to record why it failed.
ERROR_BODY_LIMIT = 300
# Slack's mrkdwn has no escape for `*`: in bold text, a lookalike keeps the bold in one piece.
ASTERISK_LOOKALIKE = "\u2217"


@dataclass(frozen=True)
class Strong:
    """Text shown in bold."""

    text: str


# One line of a list: plain text and bold text, escaped by each format.
Span = str | Strong
Line = tuple[Span, ...]


@dataclass
class Section:
    title: str
    lines: list[Line]
    # Shown after the lines: "...and 3 more", or what an empty list means.
    note: str = ""


@dataclass
class Link:
    text: str
    url: str


@dataclass
class ChatMessage:
    """The message of one team for one week, in its organisation's language."""

    url: str
    format: str
    title: str
    intro: str
    sections: list[Section]
    links: list[Link] = field(default_factory=list)
    # In the format's own shape (Slack blocks, Mattermost actions): see `signals.chat_buttons`.
    buttons: list[dict[str, Any]] = field(default_factory=list)


class WebhookError(Exception):
    """The webhook did not take the message; the text says why (without its address).
    `final` when trying again would fail the same way (the address is refused)."""

    def __init__(self, message: str, final: bool = False) -> None:
        super().__init__(message)
        self.final = final


# Outbound failures that no retry mends.
FINAL = ("refused", "bad_address")


# Formats -------------------------------------------------------------------------------


def _slack_escape(text: str) -> str:
    # Slack's three control characters: no <!channel>, <@user> or <url|link> from titles.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_span(span: Span) -> str:
    if isinstance(span, Strong):
        return "*" + _slack_escape(span.text).replace("*", ASTERISK_LOOKALIKE) + "*"
    return _slack_escape(span)


def _slack_section(section: Section) -> str:
    parts = [f"*{_slack_escape(section.title)}*"]
    parts += ["\u2022 " + "".join(_slack_span(s) for s in line) for line in section.lines]
    if section.note:
        parts.append(f"_{_slack_escape(section.note)}_")
    text = "\n".join(parts)
    if len(text) > SLACK_SECTION_LIMIT:
        text = text[: SLACK_SECTION_LIMIT - 1] + "\u2026"
    return text


def slack_payload(message: ChatMessage) -> dict[str, Any]:
    """Slack's incoming webhook: `text` for notifications, Block Kit blocks in mrkdwn."""
    title = message.title
    if len(title) > SLACK_HEADER_LIMIT:
        title = title[: SLACK_HEADER_LIMIT - 1] + "\u2026"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": False}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(message.intro)}},
    ]
    for section in message.sections:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _slack_section(section)}}
        )
    if message.links:
        links = " \u00b7 ".join(
            f"<{link.url}|{_slack_escape(link.text).replace('|', '/')}>" for link in message.links
        )
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": links}]})
    blocks.extend(message.buttons)
    return {"text": _slack_escape(message.title), "blocks": blocks}


# Markdown's punctuation that could start formatting, a link, a heading or a table.
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|~"})


def _markdown_escape(text: str) -> str:
    # A zero-width space after @ keeps @channel, @all and @someone from notifying anybody.
    return text.translate(_MARKDOWN_SPECIAL).replace("@", "@\u200b")


def _markdown_span(span: Span) -> str:
    if isinstance(span, Strong):
        return f"**{_markdown_escape(span.text)}**"
    return _markdown_escape(span)


def markdown_text(message: ChatMessage) -> str:
    parts = [f"#### {_markdown_escape(message.title)}", _markdown_escape(message.intro)]
    for section in message.sections:
        lines = [f"**{_markdown_escape(section.title)}**"]
        lines += ["- " + "".join(_markdown_span(s) for s in line) for line in section.lines]
        if section.note:
            lines.append(f"_{_markdown_escape(section.note)}_")
        parts.append("\n".join(lines))
    if message.links:
        parts.append(
            " \u00b7 ".join(
                f"[{_markdown_escape(link.text)}]({link.url})" for link in message.links
            )
        )
    return "\n\n".join(parts)


def mattermost_payload(message: ChatMessage) -> dict[str, Any]:
    """Mattermost's incoming webhook: one Markdown `text`, and the buttons if any."""
    payload: dict[str, Any] = {"text": markdown_text(message)}
    if message.buttons:
        payload["attachments"] = [{"actions": message.buttons}]
    return payload


def _text_run(span: Span) -> dict[str, Any]:
    # A TextRun is never read as Markdown: what people typed shows as typed.
    if isinstance(span, Strong):
        return {"type": "TextRun", "text": span.text, "weight": "Bolder"}
    return {"type": "TextRun", "text": span}


def _rich(*spans: Span, **options: Any) -> dict[str, Any]:
    return {"type": "RichTextBlock", "inlines": [_text_run(s) for s in spans if s], **options}


def teams_payload(message: ChatMessage) -> dict[str, Any]:
    """Microsoft Teams: an Adaptive Card in a message, as both the Workflows webhooks and
    the older Office 365 connector webhooks accept it."""
    body: list[dict[str, Any]] = [
        _rich(Strong(message.title), size="Large"),
        _rich(message.intro),
    ]
    for section in message.sections:
        body.append(_rich(Strong(section.title), spacing="Medium", separator=True))
        body += [_rich("\u2022 ", *line, spacing="Small") for line in section.lines]
        if section.note:
            body.append(
                {
                    "type": "RichTextBlock",
                    "spacing": "Small",
                    "inlines": [{"type": "TextRun", "text": section.note, "italic": True}],
                }
            )
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [
            {"type": "Action.OpenUrl", "title": link.text, "url": link.url}
            for link in message.links
        ],
        "msteams": {"width": "Full"},
    }
    return {
        "type": "message",
        "summary": message.title,
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


PAYLOADS = {
    ChatFormat.SLACK: slack_payload,
    ChatFormat.MATTERMOST: mattermost_payload,
    ChatFormat.TEAMS: teams_payload,
}


def payload(message: ChatMessage) -> dict[str, Any]:
    return PAYLOADS[ChatFormat(message.format)](message)


# Posting -------------------------------------------------------------------------------


def _answer(body: bytes) -> str:
    text = body[:ERROR_BODY_LIMIT].decode("utf-8", "replace").strip()
    return " ".join(text.split())


def post(message: ChatMessage, timeout: float | None = None) -> int:
    """Post the message; returns the HTTP status (2xx), else raises WebhookError."""
    url = message.url
    data = json.dumps(payload(message), ensure_ascii=False).encode()
    try:
        answer = outbound.request(
            "POST",
            url,
            body=data,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Cible (OKR reminders)",
            },
            timeout=timeout or TIMEOUT,
            max_bytes=ERROR_BODY_LIMIT,
            truncate=True,
        )
    except outbound.OutboundError as error:
        raise WebhookError(outbound.redacted(str(error), url), final=error.kind in FINAL) from None
    status, body = answer.status, answer.body
    if not answer.ok:
        detail = _answer(body)
        text = f"HTTP {status}" + (f": {detail}" if detail else "")
        raise WebhookError(outbound.redacted(text, url))
    # Office 365 connectors answer some failures with a 200 and this text.
    if _answer(body).startswith("Webhook message delivery failed"):
        raise WebhookError(outbound.redacted(f"HTTP {status}: {_answer(body)}", url))
    return status
