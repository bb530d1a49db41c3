"""An API client per person: `api_for(world.bob)` calls the API with a write token of
Bob's, `api_for(world.vera, scope="read")` with a read-only one, `api_for(None)` with
nothing."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from cible.accounts.models import User
from cible.api.tokens import create_token

BASE = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """The rate limits count requests in the cache: every test starts afresh."""
    cache.clear()


class Api:
    def __init__(self, secret: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        **query: Any,
    ) -> Any:
        url = path if path.startswith("/api/") else BASE + path
        all_headers = {**self.headers, **(headers or {})}
        if method == "GET":
            return self.client.get(url, query, headers=all_headers)
        data = (
            body if isinstance(body, str | bytes) else json.dumps(body) if body is not None else ""
        )
        return getattr(self.client, method.lower())(
            url, data=data, content_type="application/json", headers=all_headers
        )

    def get(self, path: str, **query: Any) -> Any:
        return self.call("GET", path, **query)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.call("DELETE", path, **kwargs)


ApiFor = Callable[..., Api]


@pytest.fixture
def api_for(db: None) -> ApiFor:
    def make(user: User | None, scope: str = "write") -> Api:
        if user is None:
            return Api()
        _token, secret = create_token(user, "tests", scope)
        return Api(secret)

    return make


def fields_of(response: Any) -> list[str | None]:
    """The fields an error response names."""
    return [error["field"] for error in response.json()["errors"]]
