import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cible.samples.benchdata import analyze, generate


class Command(BaseCommand):
    help = "Create a large organisation with realistic OKRs, for performance measurements."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=10_000, help="Default: 10000.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default: 1).")
        parser.add_argument("--org", default="bench", help="Short name (default: bench).")

    def handle(self, *args: Any, people: int, seed: int, org: str, **options: Any) -> None:
        started = time.perf_counter()
        try:
            result = generate(people, seed=seed, slug=org)
        except ValueError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        analyze()
        counts = ", ".join(
            f"{value} {name.replace('_', ' ')}" for name, value in result.counts.items()
        )
        self.stdout.write(
            self.style.SUCCESS(f'"{result.organization.name}" created in {elapsed:.1f} s.')
        )
        self.stdout.write(counts)
        self.stdout.write(f"Sign in as {result.email} with the password {result.password}")
