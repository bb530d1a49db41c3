"""Typed readers for the CIBLE_* environment variables."""

import os
from pathlib import Path

PREFIX = "CIBLE_"


def env_str(name: str, default: str = "") -> str:
    """The variable's value; an empty one counts as unset."""
    return os.environ.get(PREFIX + name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(PREFIX + name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(PREFIX + name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(PREFIX + name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the file that NAME_FILE points to (for container secrets)."""
    path = os.environ.get(PREFIX + name + "_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(PREFIX + name, default)
