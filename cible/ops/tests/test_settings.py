"""The production settings: Redis for the cache and sessions when configured, the static
files' storage in production mode, and Django's deployment checklist still clean."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

SHOW = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "location": settings.CACHES["default"].get("LOCATION"),
    "sessions": settings.SESSION_ENGINE,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "finders": settings.WHITENOISE_USE_FINDERS,
    "database_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "database_engine": settings.DATABASES["default"]["ENGINE"],
}))
"""


def environment(tmp_path: Path, **more: str) -> dict[str, str]:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CIBLE_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "cible.settings",
        "CIBLE_DATA_DIR": str(tmp_path),
        **more,
    }


def printed(tmp_path: Path, code: str, **env: str) -> dict[str, Any]:
    """What a fresh Python process running `code` prints (JSON), with only these CIBLE_*
    variables."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(json.loads(result.stdout))


def settings_with(tmp_path: Path, **env: str) -> dict[str, Any]:
    return printed(tmp_path, SHOW, **env)


def test_without_redis_each_process_caches_in_memory(tmp_path: Path) -> None:
    found = settings_with(tmp_path)

    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["sessions"] == "django.contrib.sessions.backends.db"
    assert found["static"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert found["finders"] is True


def test_with_redis_the_cache_and_sessions_are_shared(tmp_path: Path) -> None:
    found = settings_with(tmp_path, CIBLE_REDIS_URL="redis://127.0.0.1:6379/6")

    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["location"] == "redis://127.0.0.1:6379/6"
    # Written through to the database: a restarted Redis signs nobody out.
    assert found["sessions"] == "django.contrib.sessions.backends.cached_db"


def test_postgresql_statements_are_bound_and_prepared_on_the_server(tmp_path: Path) -> None:
    url = "postgres://cible@db.example:5432/cible"
    found = settings_with(tmp_path, CIBLE_DATABASE_URL=url)

    assert found["database_options"] == {"server_side_binding": True, "prepare_threshold": 5}
    # Django's backend, but for statements with more parameters than binding carries.
    assert found["database_engine"] == "cible.lib.postgresql"


def test_prepared_statements_can_be_turned_off_for_a_pooler(tmp_path: Path) -> None:
    url = "postgres://cible@db.example:5432/cible"
    found = settings_with(tmp_path, CIBLE_DATABASE_URL=url, CIBLE_DB_PREPARE="false")

    assert "server_side_binding" not in found["database_options"]
    assert "prepare_threshold" not in found["database_options"]
    assert found["database_engine"] == "django.db.backends.postgresql"
    assert "server_side_binding" not in settings_with(tmp_path)["database_options"]  # SQLite


def test_production_mode_serves_hashed_compressed_static_files(tmp_path: Path) -> None:
    found = settings_with(tmp_path, CIBLE_PRODUCTION="1")

    assert found["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert found["finders"] is False


def test_check_deploy_is_clean_with_every_production_option(tmp_path: Path) -> None:
    env = environment(
        tmp_path,
        CIBLE_PRODUCTION="1",
        CIBLE_SITE_URL="https://okr.example.com",
        CIBLE_ALLOWED_HOSTS="okr.example.com",
        CIBLE_EMAIL_HOST="smtp.example.com",
        CIBLE_SECRET_KEY=secrets.token_urlsafe(60),
        CIBLE_REDIS_URL="redis://127.0.0.1:6379/6",
        CIBLE_METRICS="1",
        CIBLE_METRICS_TOKEN=secrets.token_urlsafe(20),
        CIBLE_LOG_FORMAT="json",
    )
    result = subprocess.run(
        [sys.executable, "-m", "cible", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


REQUESTS = """
import json, django
django.setup()
from django.core import signals
from django.db import connection

def serve():
    # What the WSGI handler does around each request.
    signals.request_started.send(sender=None)
    connection.ensure_connection()
    used = connection.connection
    signals.request_finished.send(sender=None)
    return used

print(json.dumps({"vendor": connection.vendor, "reused": serve() is serve()}))
"""


def test_a_sqlite_connection_serves_the_next_request_too(tmp_path: Path) -> None:
    """Opening one costs more than a short request: the schema is read again, the PRAGMAs
    run, and closing the last one checkpoints the WAL."""
    assert printed(tmp_path, REQUESTS) == {"vendor": "sqlite", "reused": True}


GUNICORN = """
import json
from cible.ops import gunicorn_conf
print(json.dumps({
    "threads": gunicorn_conf.threads,
    "worker_class": gunicorn_conf.worker_class,
    "max_requests": gunicorn_conf.max_requests,
}))
"""


def gunicorn_settings(tmp_path: Path, **env: str) -> dict[str, Any]:
    return printed(tmp_path, GUNICORN, **env)


def test_gunicorn_runs_one_thread_a_worker_on_sqlite_two_on_postgresql(tmp_path: Path) -> None:
    """SQLite writes one at a time: a second thread would only wait for its lock."""
    sqlite = gunicorn_settings(tmp_path)
    assert (sqlite["threads"], sqlite["worker_class"]) == (1, "sync")
    postgres = gunicorn_settings(tmp_path, CIBLE_DATABASE_URL="postgres://db.example/cible")
    assert postgres == {
        "threads": 2,
        "worker_class": "cible.ops.gunicorn_worker.BalancedThreadWorker",
        "max_requests": 10000,
    }
    assert gunicorn_settings(tmp_path, CIBLE_WEB_THREADS="4")["threads"] == 4


WORKER_START = """
import json, sys
import cible.wsgi
print(json.dumps({name: name in sys.modules for name in ("cible.urls", "fpdf", "openpyxl")}))
"""


def test_a_worker_loads_the_views_as_it_starts_but_not_the_file_writers(tmp_path: Path) -> None:
    """Its first request does not wait for the views; the PDF and XLSX libraries, used by a
    few downloads only, load when one is asked for."""
    loaded = printed(tmp_path, WORKER_START)
    assert loaded == {"cible.urls": True, "fpdf": False, "openpyxl": False}
