"""The request id: taken from the proxy (X-Request-ID) or made here, put on every log
record written while the request is served, and sent back in the response."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from cible.ops.logs import accept_request_id, request_id

HEADER = "X-Request-ID"


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Kept until the response is closed (`forget_request_id`), not reset on the way out
        # of the middleware: Django logs a 4xx or 5xx response after every middleware.
        request_id.set(accept_request_id(request.headers.get(HEADER)))
        response = self.get_response(request)
        response[HEADER] = request_id.get()
        return response


def forget_request_id(**kwargs: Any) -> None:
    """request_finished: the thread serves no request any more."""
    request_id.set("-")
