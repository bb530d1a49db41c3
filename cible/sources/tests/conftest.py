"""Data source fixtures: a real HTTP server on 127.0.0.1, a data source folder and a
company SQLite database in tmp_path, and tasks that run at once."""

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cible.sources.models import DataSource

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@dataclass
class Answer:
    body: bytes
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class Server:
    """A loopback HTTP server whose answers a test sets per path."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.hits: list[str] = []
        routes = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                routes.hits.append(self.path)
                answer = routes.answers.get(self.path, Answer(b"not found", 404, "text/plain"))
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def set(self, path: str, body: str | bytes, **options: Any) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.answers[path] = Answer(data, **options)
        return self.url(path)


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    running.thread.start()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()
    running.thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _sources_settings(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = IMMEDIATE
    settings.SOURCE_TIMEOUT = 3
    folder = tmp_path / "sources"
    folder.mkdir()
    settings.SOURCE_FILES_DIR = folder
    settings.SOURCE_DATABASES = {}
    # The test servers listen on 127.0.0.1, which the outbound guard refuses by default.
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]


@pytest.fixture
def files(settings) -> Path:  # type: ignore[no-untyped-def]
    return Path(settings.SOURCE_FILES_DIR)


@pytest.fixture
def company_db(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A company's SQLite database, named "sales" for SQL sources."""
    path = tmp_path / "sales.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, amount NUMERIC)")
        connection.executemany("INSERT INTO orders (amount) VALUES (?)", [(120,), (80.5,), (42,)])
    connection.close()
    settings.SOURCE_DATABASES = {
        "sales": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    }
    return path


def make_source(kr, author, **fields: Any) -> DataSource:  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {"kind": "json", "every": "day", "created_by": author}
    values.update(fields)
    return DataSource.objects.create(key_result=kr, **values)
