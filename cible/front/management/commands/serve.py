from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from cible.ops import production

DEV_ADDRESS = "127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Serve Cible on this machine (http://127.0.0.1:8000 by default). With --prod: "
        "migrate, collect the static files, then serve with gunicorn (see CIBLE_BIND and "
        "the CIBLE_WEB_* variables)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "address",
            nargs="?",
            default=None,
            help=f"HOST:PORT to listen on (default: {DEV_ADDRESS}, or CIBLE_BIND with --prod).",
        )
        parser.add_argument(
            "--prod",
            action="store_true",
            help="Production mode: gunicorn, hashed and compressed static files.",
        )

    def handle(self, *args: Any, address: str | None, prod: bool, **options: Any) -> None:
        if prod:
            production.serve(address, options["verbosity"])
        call_command("runserver", address or DEV_ADDRESS, use_reloader=False)
