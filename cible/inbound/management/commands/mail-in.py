import signal
import sys
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cible.inbound import services, smtp
from cible.notifications import replies


class Command(BaseCommand):
    help = (
        "Receive replies to the check-in reminders: an SMTP listener for the local mail "
        "server to forward them to, or one message on standard input (--stdin)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=2525, help="Port to listen on.")
        parser.add_argument(
            "--stdin",
            action="store_true",
            help="Read one message from standard input (a mail server's pipe), then stop.",
        )
        parser.add_argument(
            "--recipient",
            action="append",
            default=[],
            help="With --stdin: the envelope recipient (Postfix's ${recipient}); repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not replies.enabled():
            raise CommandError(
                _("Set CIBLE_MAIL_IN_ADDRESS (for example checkin@okr.example.com) first.")
            )
        if options["stdin"]:
            raw = sys.stdin.buffer.read(services.MAX_MESSAGE_BYTES + 1)
            result = services.receive(raw, options["recipient"])
            self.stdout.write(result.outcome or _("ignored: %s") % result.reason)
            return
        listener = smtp.controller(options["host"], options["port"])
        listener.start()
        self.stdout.write(
            _("Receiving replies on %(host)s:%(port)d (Ctrl-C stops).")
            % {"host": options["host"], "port": options["port"]}
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            listener.stop()
