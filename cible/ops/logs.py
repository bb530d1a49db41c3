"""Log records in production: plain text by default, JSON lines with CIBLE_LOG_FORMAT=json,
and the id of the request being served on every record logged while serving it.

Nothing here imports Django: the settings and gunicorn's configuration both use it.
"""

import logging
import re
import uuid
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS

# The request being served by this thread; "-" outside a request (the worker, commands).
request_id: ContextVar[str] = ContextVar("cible_request_id", default="-")

# An id from the proxy (nginx's $request_id) is kept when it looks like one, so one request
# can be followed from the proxy's log to the application's; anything else is replaced.
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def accept_request_id(header: str | None) -> str:
    if header and _VALID_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (the formatters may show it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class RefusalFilter(logging.Filter):
    """A refused request (a 4xx: forbidden, not found...) is logged as one line: Django
    attaches the exception, whose traceback says nothing that the status does not and
    buries the real errors. A 5xx keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


def json_formatter() -> dict[str, Any]:
    """A `logging.config.dictConfig` formatter that writes one JSON object per line."""
    return {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": ["asctime", "levelname", "name", "message", "request_id"],
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        # Django's request logs carry the request object: its repr is enough.
        "reserved_attrs": [*RESERVED_ATTRS, "request", "server_time"],
    }


def logging_config(fmt: str, level: str, loggers: dict[str, Any] | None = None) -> dict[str, Any]:
    """The logging configuration: `fmt` is "json" or "text" (records as they are today)."""
    formatters: dict[str, Any] = {"text": {"format": "%(message)s"}}
    if fmt == "json":
        formatters["json"] = json_formatter()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "cible.ops.logs.RequestIdFilter"},
            "refusals": {"()": "cible.ops.logs.RefusalFilter"},
        },
        "formatters": formatters,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if fmt == "json" else "text",
                "filters": ["request_id", "refusals"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": loggers or {},
    }
