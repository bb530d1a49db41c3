"""The webhook pages, for the organisation's owners and admins: the endpoints, their
secret, a test ping, and the delivery log with redelivery.

Each view finds its object in the member's organisation first (another organisation's is a
404 for everyone), then refuses whoever is not an admin (403).
"""

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cible.lib.http import AuthenticatedHttpRequest
from cible.orgs.access import get_membership, require_admin
from cible.orgs.models import Membership
from cible.webhooks import services
from cible.webhooks.forms import DeliveryFilterForm, EndpointForm
from cible.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint

PAGE_SIZE = 50
RECENT = 10

# A new secret is shown once, on the page the admin lands on after making it, as a new API
# token is: it travels there in a short-lived signed cookie, never again in a page.
SECRET_COOKIE = "cible_new_webhook_secret"
SECRET_SALT = "cible.webhooks.new-secret"
SECRET_MAX_AGE = 120


def _show_secret_once(endpoint: WebhookEndpoint) -> HttpResponse:
    path = endpoint.get_absolute_url()
    response = redirect(path)
    response.set_signed_cookie(
        SECRET_COOKIE,
        f"{endpoint.pk}:{endpoint.secret}",
        salt=SECRET_SALT,
        max_age=SECRET_MAX_AGE,
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


def _new_secret(request: AuthenticatedHttpRequest, endpoint: WebhookEndpoint) -> str | None:
    """The endpoint's secret when this browser has just made it, and it is still current."""
    value: str | None = request.get_signed_cookie(
        SECRET_COOKIE, default=None, salt=SECRET_SALT, max_age=SECRET_MAX_AGE
    )
    pk, _sep, secret = (value or "").partition(":")
    if pk == str(endpoint.pk) and hmac.compare_digest(secret, endpoint.secret):
        return secret
    return None


def _admin(request: AuthenticatedHttpRequest, slug: str) -> Membership:
    membership = get_membership(request, slug)
    require_admin(membership)
    return membership


def _endpoint(
    request: AuthenticatedHttpRequest, slug: str, pk: int
) -> tuple[WebhookEndpoint, Membership]:
    membership = get_membership(request, slug)
    endpoint = get_object_or_404(
        WebhookEndpoint.objects.select_related("organization", "created_by"),
        organization=membership.organization,
        pk=pk,
    )
    require_admin(membership)
    return endpoint, membership


def _delivery(
    request: AuthenticatedHttpRequest, slug: str, pk: int
) -> tuple[WebhookDelivery, Membership]:
    membership = get_membership(request, slug)
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint__organization"),
        organization=membership.organization,
        pk=pk,
    )
    require_admin(membership)
    return delivery, membership


@login_required
def endpoint_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = _admin(request, slug)
    endpoints = WebhookEndpoint.objects.filter(organization=membership.organization)
    context = {"org": membership.organization, "membership": membership, "endpoints": endpoints}
    return render(request, "webhooks/endpoint_list.html", context)


@login_required
def endpoint_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = _admin(request, slug)
    org = membership.organization
    form = EndpointForm(request.POST or None, instance=WebhookEndpoint(organization=org))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endpoint = services.create_endpoint(org, request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Webhook added. Its signing secret is below."))
            return _show_secret_once(endpoint)
    context = {"org": org, "membership": membership, "form": form, "endpoint": None}
    status = 422 if form.errors else 200
    return render(request, "webhooks/endpoint_form.html", context, status=status)


@login_required
def endpoint_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint, membership = _endpoint(request, slug, pk)
    recent = endpoint.deliveries.all()[:RECENT]
    context = {
        "org": membership.organization,
        "membership": membership,
        "endpoint": endpoint,
        "recent": recent,
        "new_secret": _new_secret(request, endpoint),
        "fingerprint": services.fingerprint(endpoint.secret),
    }
    response = render(request, "webhooks/endpoint_detail.html", context)
    if SECRET_COOKIE in request.COOKIES:
        response.delete_cookie(SECRET_COOKIE, path=endpoint.get_absolute_url(), samesite="Strict")
    return response


@login_required
def endpoint_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint, membership = _endpoint(request, slug, pk)
    # The form edits a copy: a refused change leaves the page's title as stored.
    form = EndpointForm(request.POST or None, instance=WebhookEndpoint.objects.get(pk=endpoint.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_endpoint(endpoint, request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect(endpoint.get_absolute_url())
    context = {
        "org": membership.organization,
        "membership": membership,
        "form": form,
        "endpoint": endpoint,
    }
    status = 422 if form.errors else 200
    return render(request, "webhooks/endpoint_form.html", context, status=status)


@login_required
def endpoint_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Confirm (GET) and delete (POST), with the delivery log of the endpoint."""
    endpoint, membership = _endpoint(request, slug, pk)
    if request.method == "POST":
        services.delete_endpoint(endpoint, request.user)
        messages.success(request, _("Webhook deleted."))
        return redirect("webhook_list", slug)
    context = {"org": membership.organization, "membership": membership, "endpoint": endpoint}
    return render(request, "webhooks/endpoint_delete.html", context)


@login_required
@require_POST
def endpoint_rotate(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint, _membership = _endpoint(request, slug, pk)
    services.rotate_secret(endpoint, request.user)
    messages.success(
        request, _("New secret made: the receiver must use it from now on, retries included.")
    )
    return _show_secret_once(endpoint)


@login_required
@require_POST
def endpoint_ping(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint, _membership = _endpoint(request, slug, pk)
    services.send_ping(endpoint, request.user)
    messages.success(request, _("Test event queued: it appears in the log once sent."))
    return redirect(reverse("webhook_deliveries", args=[slug]) + f"?endpoint={endpoint.pk}")


@login_required
def delivery_log(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = _admin(request, slug)
    org = membership.organization
    form = DeliveryFilterForm(request.GET or None, org=org)
    deliveries = WebhookDelivery.objects.filter(organization=org)
    if form.is_bound:
        form.is_valid()  # An invalid filter is left out, and shown.
        if endpoint := form.cleaned_data.get("endpoint"):
            deliveries = deliveries.filter(endpoint=endpoint)
        if state := form.cleaned_data.get("state"):
            deliveries = deliveries.filter(state=state)
    deliveries = deliveries.select_related("endpoint").defer("payload")
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"org": org, "membership": membership, "form": form, "page": page}
    status = 422 if form.errors else 200
    return render(request, "webhooks/delivery_log.html", context, status=status)


@login_required
def delivery_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    delivery, membership = _delivery(request, slug, pk)
    context = {
        "org": membership.organization,
        "membership": membership,
        "delivery": delivery,
        "payload": json.dumps(delivery.payload, ensure_ascii=False, indent=2),
        "can_redeliver": delivery.state == DeliveryState.FAILED,
    }
    return render(request, "webhooks/delivery_detail.html", context)


@login_required
@require_POST
def delivery_redeliver(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    delivery, _membership = _delivery(request, slug, pk)
    if services.redeliver(delivery, request.user):
        messages.success(request, _("Delivery queued again."))
    else:
        messages.error(request, _("Only a failed delivery can be sent again."))
    return redirect("webhook_delivery", slug, delivery.pk)
