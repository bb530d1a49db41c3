"""`POST /mail-in/`: replies handed over by an inbound-mail service as JSON.

The usual services post either the raw message (`raw`, `RawEmail`) or its parts
(`from`/`From`, `to`/`To`, `subject`/`Subject`, `text`/`TextBody`, `message_id`/`MessageID`).
The request carries the secret `CIBLE_MAIL_IN_TOKEN`, as a bearer token or as the password of
HTTP basic authentication (a `https://user:secret@host/mail-in/` address). Without that
setting the address does not exist (404).
"""

import base64
import binascii
import json
from email.message import EmailMessage
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cible.inbound import services

_FIELDS = {
    "from": ("from", "From", "sender"),
    "to": ("to", "To", "recipient", "OriginalRecipient"),
    "subject": ("subject", "Subject"),
    "text": ("text", "TextBody", "body-plain", "plain"),
    "message_id": ("message_id", "MessageID", "Message-Id", "message-id"),
}


def _error(status: int, field: str | None, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "field": field}, status=status)


def _authorised(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _space, credentials = header.partition(" ")
    given = ""
    if scheme.lower() == "bearer":
        given = credentials.strip()
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        given = decoded.partition(":")[2]
    return bool(given) and constant_time_compare(given, settings.MAIL_IN_TOKEN)


def _pick(body: dict[str, Any], name: str) -> str:
    for key in _FIELDS[name]:
        value = body.get(key)
        if isinstance(value, str):
            return value
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return ", ".join(value)
    return ""


def _as_message(body: dict[str, Any]) -> bytes:
    raw = body.get("raw") or body.get("RawEmail")
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    message = EmailMessage()
    for name, header in (("from", "From"), ("to", "To"), ("subject", "Subject")):
        if value := _pick(body, name):
            message[header] = value.replace("\r", " ").replace("\n", " ")
    if message_id := _pick(body, "message_id"):
        message["Message-ID"] = message_id.replace("\r", " ").replace("\n", " ")
    message.set_content(_pick(body, "text"))
    return message.as_bytes()


@csrf_exempt
@require_POST
def mail_in(request: HttpRequest) -> HttpResponse:
    if not settings.MAIL_IN_TOKEN or not settings.MAIL_IN_ADDRESS:
        return _error(404, None, _("Check-ins by e-mail are not set up on this server."))
    if not _authorised(request):
        return _error(401, "Authorization", _("The mail-in secret is missing or wrong."))
    if len(request.body) > services.MAX_MESSAGE_BYTES:
        return _error(413, None, _("The message is larger than 1 MB."))
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, None, _("The body must be a JSON object."))
    if not isinstance(body, dict):
        return _error(400, None, _("The body must be a JSON object."))
    try:
        raw = _as_message(body)
    except (ValueError, TypeError) as error:
        return _error(400, None, _("The message could not be read: %(error)s") % {"error": error})
    if not _pick(body, "to") and not body.get("raw") and not body.get("RawEmail"):
        return _error(400, "to", _("The message has no recipient."))
    result = services.receive(raw, [])
    return JsonResponse(
        {
            "outcome": result.outcome.value if result.outcome else "ignored",
            "reason": result.reason,
            "recorded": len(result.recorded),
            "problems": [
                {"line": p.line, "text": p.text, "reason": p.reason} for p in result.problems
            ],
        }
    )
