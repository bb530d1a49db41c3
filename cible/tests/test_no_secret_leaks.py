"""No secret ever shows: not in a page, a log line, an audit entry or an export.

Known values are set for every kind of secret Cible holds (an API token, a webhook's
signing secret, the token part of a team's chat webhook, SECRET_KEY, a source database's
password, the OpenID Connect client's secret, the SMTP password), then the pages that an
admin and a viewer open, the API's JSON for the same objects, the exports and
`cible export` are read, with every log record at DEBUG, and none may hold any of them.

`cible export --with-secrets` is the operator asking for them, so it is left out.

The one exception, by design: the answer to creating an API token shows its secret once,
to its owner (and a new webhook secret is shown once the same way, right after it is
made). Those answers are read only to prove the secrets are there to find.
"""

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cible.accounts.sso_config import oidc_providers
from cible.api.tokens import create_token
from cible.audit.models import AuditEntry
from cible.orgs.models import Team
from cible.sources.config import parse_databases
from cible.sources.services import run_now, save_source
from cible.webhooks.models import Event, WebhookEndpoint
from conftest import World

pytestmark = pytest.mark.django_db

SECRET_KEY = "django-insecure-key-4f1c9e2b7a-never-shown"
DB_PASSWORD = "db-pass-8d2e61"
OIDC_SECRET = "oidc-client-secret-3b9f"
SMTP_PASSWORD = "smtp-pass-c47a1e"
CHAT_TOKEN = "chatTokenXq7Zr2Lp9"
CHAT_URL = f"https://hooks.example.com/services/T0001/B0002/{CHAT_TOKEN}"
SOURCE_URL = f"postgres://reader:{DB_PASSWORD}@127.0.0.1:9/sales"


@dataclass
class Secrets:
    values: dict[str, str] = field(default_factory=dict)

    def leaks(self, text: str) -> list[str]:
        return [name for name, value in self.values.items() if value and value in text]


@pytest.fixture
def secrets(world: World, settings: Any, caplog: pytest.LogCaptureFixture) -> Iterator[Secrets]:
    caplog.set_level(logging.DEBUG)
    settings.SECRET_KEY = SECRET_KEY
    settings.SOURCE_DATABASES = parse_databases(f"sales={SOURCE_URL}")
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(
        "https://id.example.com/realms/acme", "cible", OIDC_SECRET, "Acme ID"
    )
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "password": SMTP_PASSWORD},
        }
    }
    _token, token_secret = create_token(world.alice, "Nightly sync", scope="write")
    found = Secrets(
        {
            "SECRET_KEY": SECRET_KEY,
            "source database password": DB_PASSWORD,
            "source database URL": SOURCE_URL,
            "OIDC client secret": OIDC_SECRET,
            "SMTP password": SMTP_PASSWORD,
            "chat webhook token": CHAT_TOKEN,
            "API token": token_secret,
            "database password": django_settings.DATABASES["default"].get("PASSWORD") or "",
        }
    )
    yield found


def _admin_sets_up(world: World, secrets: Secrets) -> dict[str, str]:
    """The admin makes a webhook and rotates its secret, sets the team's chat webhook and
    an SQL data source, which fails (its database is down). Returns the answers that show
    a new secret once, by design."""
    admin = world.client_for(world.adam)
    once = {}
    created = admin.post(
        reverse("webhook_create", args=["acme"]),
        {"url": "https://hooks.example.com/cible", "events": [Event.CHECK_IN_RECORDED]},
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get(organization=world.org)
    first_secret = endpoint.secret
    once["webhook created"] = _text(created)
    rotated = admin.post(reverse("webhook_rotate_secret", args=["acme", endpoint.pk]), follow=True)
    once["webhook rotated"] = _text(rotated)
    endpoint.refresh_from_db()
    secrets.values["webhook secret"] = endpoint.secret
    secrets.values["webhook secret before rotation"] = first_secret
    admin.post(
        reverse("team_edit", args=["acme", world.team.pk]),
        {
            "name": world.team.name,
            "lead": world.bob.pk,
            "chat_webhook_url": CHAT_URL,
            "chat_format": "slack",
        },
    )
    assert Team.objects.get(pk=world.team.pk).chat_webhook_url == CHAT_URL
    source = save_source(
        world.kr, world.adam, {"kind": "sql", "database": "sales", "query": "SELECT 1"}
    )
    run_now(source)
    return once


def _text(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats-officedocument"):
        return _xlsx_text(content)
    return content.decode(errors="replace") + "\n".join(
        f"{name}: {value}" for name, value in response.items()
    )


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode(errors="replace") for name in archive.namelist())


def _pages(world: World) -> list[str]:
    team, kr, objective, cycle = world.team.pk, world.kr.pk, world.kr.objective_id, world.cycle.pk
    endpoint = WebhookEndpoint.objects.get(organization=world.org).pk
    return [
        reverse("org_settings", args=["acme"]),
        reverse("member_list", args=["acme"]),
        reverse("team_list", args=["acme"]),
        reverse("team_detail", args=["acme", team]),
        reverse("key_result_detail", args=["acme", kr]),
        reverse("key_result_source", args=["acme", kr]),
        reverse("objective_detail", args=["acme", objective]),
        reverse("org_home", args=["acme"]),
        reverse("webhook_list", args=["acme"]),
        reverse("webhook_detail", args=["acme", endpoint]),
        reverse("webhook_edit", args=["acme", endpoint]),
        reverse("webhook_deliveries", args=["acme"]),
        reverse("audit_log", args=["acme"]),
        reverse("audit_csv", args=["acme"]),
        reverse("cycle_export", args=["acme", cycle, "okrs", "csv"]),
        reverse("cycle_export", args=["acme", cycle, "okrs", "xlsx"]),
        reverse("cycle_report", args=["acme", cycle]),
        reverse("cycle_report_md", args=["acme", cycle]),
        reverse("api_tokens"),
        "/api/v1/orgs/acme",
        "/api/v1/orgs/acme/teams",
        f"/api/v1/orgs/acme/teams/{team}",
        "/api/v1/orgs/acme/members",
        f"/api/v1/orgs/acme/key-results/{kr}",
        "/api/v1/openapi.json",
    ]


def test_no_page_log_audit_entry_or_export_shows_a_secret(
    world: World, secrets: Secrets, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    once = _admin_sets_up(world, secrets)
    problems = []
    anonymous = Client()
    for where, response in [("sign-in page", anonymous.get(reverse("account_login")))]:
        problems += [f"{where}: {leak}" for leak in secrets.leaks(_text(response))]
    for person in (world.adam, world.vera):
        client = world.client_for(person)
        for url in _pages(world):
            response = client.get(url)
            assert response.status_code < 500, url
            leaks = secrets.leaks(_text(response))
            problems += [f"{url} as {person.email}: {leak}" for leak in leaks]
    for fmt in ("yaml", "json", "csv", "xlsx"):
        out = tmp_path / f"export.{fmt}"
        call_command("export", "--org", "acme", "--format", fmt, "--output", str(out))
        data = out.read_bytes()
        text = _xlsx_text(data) if fmt == "xlsx" else data.decode()
        problems += [f"cible export --format {fmt}: {leak}" for leak in secrets.leaks(text)]
    for entry in AuditEntry.objects.all():
        text = " ".join(str(value) for value in vars(entry).values())
        problems += [f"audit entry {entry.pk}: {leak}" for leak in secrets.leaks(text)]
    for record in caplog.records:
        text = record.getMessage() + " " + " ".join(str(v) for v in vars(record).values())
        problems += [f"log {record.name}: {leak}" for leak in secrets.leaks(text)]

    assert not problems, "\n".join(problems)
    # The answers that show a new secret once do hold it: the search finds what it seeks.
    assert secrets.values["webhook secret before rotation"] in once["webhook created"]
    assert secrets.values["webhook secret"] in once["webhook rotated"]


def test_a_new_api_token_is_shown_once_to_its_owner(world: World, secrets: Secrets) -> None:
    client = world.client_for(world.alice)

    created = client.post(
        reverse("api_tokens"), {"name": "CI", "scope": "read", "expires_on": ""}, follow=True
    )
    shown = re.findall(r"cible_[A-Za-z0-9_-]{20,}", created.content.decode())

    assert shown, "the answer to creating a token shows its secret"
    assert shown[0] not in client.get(reverse("api_tokens")).content.decode()
