from typing import Any

from django.core.management.base import BaseCommand

from cible.collab import mail


class Command(BaseCommand):
    help = (
        "Mail each person their pending mentions and approvals (at most one mail per 15 minutes)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = mail.send_due()
        self.stdout.write(f"{sent} mail(s) sent.")
