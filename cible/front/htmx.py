"""Small helpers for htmx partial responses."""

from django.http import HttpRequest, HttpResponse


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full navigation."""
    from django.shortcuts import redirect as django_redirect

    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return django_redirect(url)
