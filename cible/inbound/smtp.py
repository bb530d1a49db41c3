"""The SMTP listener of `cible mail-in`: a local mail server (Postfix, Exim) forwards the
replies to it, or it receives them itself. It accepts mail for signed reply addresses only
(any other recipient is refused at RCPT, so it never relays), reads each message once it has
arrived and answers 250 whatever the lines say: the member gets the answer by mail."""

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections

from cible.inbound import services
from cible.notifications import replies

logger = logging.getLogger(__name__)


def _receive(content: bytes, recipients: list[str]) -> None:
    close_old_connections()
    try:
        services.receive(content, recipients)
    finally:
        close_old_connections()


class Handler:
    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if replies.membership_id_for(address) is None:
            return "550 5.1.1 No such check-in address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        try:
            # The database work runs in a thread: the listener keeps serving meanwhile.
            await asyncio.to_thread(_receive, content, list(envelope.rcpt_tos))
        except Exception:
            logger.exception("A reply by e-mail could not be read")
            return "451 4.3.0 Try again later"
        return "250 Message accepted"


def controller(host: str, port: int, **options: Any) -> Controller:
    return Controller(
        Handler(),
        hostname=host,
        port=port,
        data_size_limit=services.MAX_MESSAGE_BYTES,
        **options,
    )
