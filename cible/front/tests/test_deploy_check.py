"""The production settings pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    # The browser tests allow sync calls from async contexts for the test process only.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "CIBLE_DATA_DIR": str(tmp_path),
        "CIBLE_SITE_URL": "https://okr.example.com",
        "CIBLE_ALLOWED_HOSTS": "okr.example.com",
        "CIBLE_EMAIL_HOST": "smtp.example.com",
        "CIBLE_SECRET_KEY": secrets.token_urlsafe(60),
        "CIBLE_DEBUG": "false",
    }
    result = subprocess.run(
        [sys.executable, "-m", "cible", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_passes_without_a_mail_server_and_warns_about_it(tmp_path: Path) -> None:
    """The README's promise: an https site is clean for `check --deploy`, even while mail
    still goes to the console (no CIBLE_EMAIL_HOST); a warning says so."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k != "DJANGO_ALLOW_ASYNC_UNSAFE" and not k.startswith("CIBLE_EMAIL")
    }
    env = {
        **inherited,
        "CIBLE_DATA_DIR": str(tmp_path),
        "CIBLE_SITE_URL": "https://okr.example.com",
        "CIBLE_ALLOWED_HOSTS": "okr.example.com",
        "CIBLE_SECRET_KEY": secrets.token_urlsafe(60),
        "CIBLE_DEBUG": "false",
    }
    result = subprocess.run(
        [sys.executable, "-m", "cible", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mail.E001" not in result.stdout + result.stderr
    assert "cible.W001" in result.stdout + result.stderr
