from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cible.orgs.models import Organization
from cible.samples.demo import LANGUAGES, create_demo

LOGIN_URL = "http://127.0.0.1:8000/accounts/login/"


class Command(BaseCommand):
    help = "Create a demo organisation with teams, people, aligned OKRs and check-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            choices=LANGUAGES,
            default="en",
            help="Language of the demo's texts (default: en).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when an organisation already exists.",
        )

    def handle(self, *args: Any, language: str, if_empty: bool, **options: Any) -> None:
        if if_empty and Organization.objects.exists():
            self.stdout.write("An organisation already exists: no demo created.")
            return
        result = create_demo(language=language)
        org = result.organization
        self.stdout.write(self.style.SUCCESS(f'Demo organisation "{org.name}" created.'))
        self.stdout.write(f"Sign in at {LOGIN_URL}")
        self.stdout.write(f"  e-mail:   {result.email}")
        self.stdout.write(f"  password: {result.password}")
