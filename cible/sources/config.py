"""Reading `CIBLE_SOURCE_DATABASES`: the named databases that SQL sources may query.

Imported by the settings, so nothing here touches Django's app registry.
"""

import re
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# The engines Cible knows how to open read-only (see `readers.sql_query`).
ENGINES = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgresql",
}
NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def parse_databases(text: str) -> dict[str, dict[str, Any]]:
    """`sales=postgres://reader@db/sales;crm=sqlite:////srv/crm.sqlite3` as
    {"sales": {...}, "crm": {...}}, each in dj_database_url's form. A mistake stops the
    start with a message naming the entry, rather than a source failing later."""
    databases: dict[str, dict[str, Any]] = {}
    for entry in text.split(";"):
        if not entry.strip():
            continue
        name, sep, url = (part.strip() for part in entry.partition("="))
        if not sep or not NAME.match(name) or not url:
            raise ImproperlyConfigured(
                f"CIBLE_SOURCE_DATABASES: {name!r} is not NAME=URL with a NAME of letters, "
                "digits, - or _."
            )
        if name in databases:
            raise ImproperlyConfigured(f"CIBLE_SOURCE_DATABASES: {name!r} is named twice.")
        try:
            config = dj_database_url.parse(url)
        except ValueError:
            # The error's text may quote the URL, password included: name the entry only.
            raise ImproperlyConfigured(
                f"CIBLE_SOURCE_DATABASES: the URL of {name!r} is malformed."
            ) from None
        if config.get("ENGINE") not in ENGINES:
            raise ImproperlyConfigured(
                f"CIBLE_SOURCE_DATABASES: {name!r} is neither SQLite nor PostgreSQL."
            )
        databases[name] = dict(config)
    return databases
