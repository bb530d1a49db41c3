"""The chats' requests: `/chat/slack/<id>/`, `/chat/mattermost/<id>/`, `/chat/teams/<id>/`,
and the page where a person links their chat account.

Every request is verified before anything is read from it (`verify`): an unsigned, badly
signed, old or replayed request answers 401 and is logged. Answers are the platform's
JSON; bad input (a body that is not the platform's shape) answers 400 naming the field.
"""

import contextlib
import json
from secrets import token_urlsafe
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cible.audit.models import Action
from cible.audit.services import record
from cible.inbound import chat, platforms, secrets, verify
from cible.inbound.forms import ChatIntegrationForm
from cible.inbound.models import ChatIntegration, Platform
from cible.lib.http import AuthenticatedHttpRequest
from cible.notifications.services import site_url
from cible.orgs.access import get_membership, require_admin
from cible.orgs.models import Membership

MAX_BODY = 200_000


def _bad(field: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "field": field}, status=400)


def _refused() -> JsonResponse:
    return JsonResponse({"detail": _("The request is not signed by the chat.")}, status=401)


def _integration(public_id: str, platform: str) -> ChatIntegration:
    return get_object_or_404(
        ChatIntegration.objects.select_related("organization"),
        public_id=public_id,
        platform=platform,
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# Slack


def _slack_answer(text: str) -> JsonResponse:
    return JsonResponse({"response_type": "ephemeral", "text": text})


@csrf_exempt
@require_POST
def slack(request: HttpRequest, public_id: str) -> HttpResponse:
    integration = _integration(public_id, Platform.SLACK)
    if len(request.body) > MAX_BODY:
        return _bad("body", _("The request is too large."))
    try:
        verify.slack(
            integration,
            request.headers.get("X-Slack-Request-Timestamp", ""),
            request.headers.get("X-Slack-Signature", ""),
            request.body,
        )
    except verify.Refused:
        return _refused()
    if "payload" in request.POST:
        try:
            payload = json.loads(request.POST["payload"])
        except ValueError:
            return _bad("payload", _("The payload must be JSON."))
        if not isinstance(payload, dict):
            return _bad("payload", _("The payload must be JSON."))
        return _slack_interaction(integration, payload)
    user, team = request.POST.get("user_id", ""), request.POST.get("team_id", "")
    if not user:
        return _bad("user_id", _("The chat account is missing."))
    answer = chat.command(
        integration,
        f"{team}:{user}",
        request.POST.get("user_name", ""),
        request.POST.get("text", ""),
    )
    if answer.form is not None:
        try:
            platforms.slack_open_form(integration, request.POST.get("trigger_id", ""), answer.form)
        except platforms.ChatCallFailed:
            with translation.override(integration.organization.language):
                return _slack_answer(
                    _("The form could not be opened; check in on the page: %(url)s")
                    % {"url": platforms.check_in_url(integration)}
                )
        return HttpResponse(status=200)
    return _slack_answer(answer.text)


def _slack_interaction(integration: ChatIntegration, payload: dict[str, Any]) -> HttpResponse:
    user, team = _dict(payload.get("user")), _dict(payload.get("team"))
    user_id, team_id = _text(user.get("id")), _text(team.get("id") or user.get("team_id"))
    if not user_id:
        return _bad("payload.user.id", _("The chat account is missing."))
    external = f"{team_id}:{user_id}"
    kind = payload.get("type")
    if kind == "view_submission":
        view = _dict(payload.get("view"))
        if view.get("callback_id") != platforms.CALLBACK:
            return _bad("payload.view.callback_id", _("This form is not Cible's."))
        membership = chat.account(integration, external)
        if membership is None:
            return _bad("payload.user.id", _("This chat account is not linked to Cible."))
        state = _dict(view.get("state"))
        answer = chat.submit(
            integration, membership, platforms.slack_form_fields(state.get("values"))
        )
        if answer.field_errors:
            return JsonResponse(
                {
                    "response_action": "errors",
                    "errors": {f"kr_{k}": v[:150] for k, v in answer.field_errors.items()},
                }
            )
        return JsonResponse({"response_action": "clear"})
    if kind == "block_actions":
        actions = payload.get("actions")
        action = actions[0] if isinstance(actions, list) and actions else {}
        action_id = action.get("action_id") if isinstance(action, dict) else None
        response_url = _text(payload.get("response_url"))
        if action_id == platforms.NO_CHANGE:
            membership = chat.account(integration, external)
            if membership is None:
                answer = chat.command(integration, external, _text(user.get("name")), "")
            else:
                answer = chat.no_change(integration, membership)
        elif action_id == platforms.UPDATE:
            answer = chat.command(integration, external, _text(user.get("name")), "checkin")
            if answer.form is not None:
                try:
                    platforms.slack_open_form(
                        integration, _text(payload.get("trigger_id")), answer.form
                    )
                    return HttpResponse(status=200)
                except platforms.ChatCallFailed:
                    answer = chat.Answer(platforms.check_in_url(integration))
        else:
            return _bad("payload.actions", _("This button is not Cible's."))
        if response_url:
            with contextlib.suppress(platforms.ChatCallFailed):
                platforms.slack_say(response_url, answer.text)
        return HttpResponse(status=200)
    return _bad("payload.type", _("This kind of request is not handled."))


# Mattermost


@csrf_exempt
@require_POST
def mattermost(request: HttpRequest, public_id: str) -> HttpResponse:
    integration = _integration(public_id, Platform.MATTERMOST)
    if len(request.body) > MAX_BODY:
        return _bad("body", _("The request is too large."))
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body)
        except ValueError:
            return _bad("body", _("The body must be a JSON object."))
        if not isinstance(payload, dict):
            return _bad("body", _("The body must be a JSON object."))
        return _mattermost_json(integration, payload)
    try:
        verify.mattermost_token(integration, request.POST.get("token", ""))
        trigger = request.POST.get("trigger_id", "")
        if not trigger:
            raise verify.Refused("no trigger")
        verify.once(integration, "mattermost:" + trigger)
    except verify.Refused:
        return _refused()
    user = request.POST.get("user_id", "")
    if not user:
        return _bad("user_id", _("The chat account is missing."))
    answer = chat.command(
        integration, user, request.POST.get("user_name", ""), request.POST.get("text", "")
    )
    if answer.form is not None:
        try:
            platforms.mattermost_open_form(integration, trigger, user, answer.form)
        except platforms.ChatCallFailed:
            with translation.override(integration.organization.language):
                text = _("The form could not be opened; check in on the page: %(url)s") % {
                    "url": platforms.check_in_url(integration)
                }
            return JsonResponse({"response_type": "ephemeral", "text": text})
        return JsonResponse({"response_type": "ephemeral", "text": ""})
    return JsonResponse({"response_type": "ephemeral", "text": answer.text})


class _SentBack(Exception):
    """A form with mistakes: what was written in its transaction is undone."""

    def __init__(self, answer: chat.Answer) -> None:
        self.answer = answer


def _mattermost_json(integration: ChatIntegration, payload: dict[str, Any]) -> HttpResponse:
    user = _text(payload.get("user_id"))
    if payload.get("type") == "dialog_submission":
        state = _text(payload.get("state"))
        try:
            values = verify.context(integration, state)
            if values.get("u") != user or not user:
                raise verify.Refused("the dialog was opened for someone else")
        except verify.Refused:
            return _refused()
        if payload.get("cancelled"):
            return JsonResponse({})
        membership = chat.account(integration, user)
        if membership is None:
            return _bad("user_id", _("This chat account is not linked to Cible."))
        fields = platforms.mattermost_fields(payload.get("submission"))
        try:
            # A dialog is recorded once; one sent back with mistakes may be sent again.
            with transaction.atomic():
                verify.once(integration, "mattermost-dialog:" + state)
                answer = chat.submit(integration, membership, fields)
                if answer.field_errors:
                    raise _SentBack(answer)
        except verify.Refused:
            return _refused()
        except _SentBack as sent_back:
            errors = sent_back.answer.field_errors
            return JsonResponse({"errors": {f"kr_{k}": v for k, v in errors.items()}})
        return JsonResponse({})
    # A button of a reminder: its context was signed by Cible.
    try:
        values = verify.context(integration, _dict(payload.get("context")).get("signed"))
        trigger = _text(payload.get("trigger_id"))
        verify.once(integration, "mattermost-button:" + (trigger or json.dumps(payload)))
    except verify.Refused:
        return _refused()
    if not user:
        return _bad("user_id", _("The chat account is missing."))
    if values.get("a") == platforms.NO_CHANGE:
        membership = chat.account(integration, user)
        answer = (
            chat.command(integration, user, "", "")
            if membership is None
            else chat.no_change(integration, membership)
        )
        return JsonResponse({"ephemeral_text": answer.text})
    answer = chat.command(integration, user, "", "checkin")
    if answer.form is not None:
        try:
            platforms.mattermost_open_form(integration, trigger, user, answer.form)
            return JsonResponse({})
        except platforms.ChatCallFailed:
            answer = chat.Answer(platforms.check_in_url(integration))
    return JsonResponse({"ephemeral_text": answer.text})


# Teams


def _mention_free(text: str) -> str:
    """The message without the `<at>Cible</at>` mention Teams puts first."""
    while "<at>" in text and "</at>" in text:
        start, end = text.index("<at>"), text.index("</at>") + len("</at>")
        if end <= start:
            break
        text = text[:start] + text[end:]
    return " ".join(text.replace("&nbsp;", " ").split())


@csrf_exempt
@require_POST
def teams(request: HttpRequest, public_id: str) -> HttpResponse:
    integration = _integration(public_id, Platform.TEAMS)
    if len(request.body) > MAX_BODY:
        return _bad("body", _("The request is too large."))
    try:
        payload = json.loads(request.body)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        # Verified first all the same: an unsigned request learns nothing.
        return (
            _refused()
            if not request.headers.get("Authorization")
            else _bad("body", _("The body must be a JSON object."))
        )
    try:
        verify.teams(
            integration,
            request.headers.get("Authorization", ""),
            request.body,
            _text(payload.get("timestamp")),
            _text(payload.get("id")),
        )
    except verify.Refused:
        return _refused()
    sender = _dict(payload.get("from"))
    external = _text(sender.get("aadObjectId") or sender.get("id"))
    if not external:
        return _bad("from.id", _("The chat account is missing."))
    answer = chat.command(
        integration,
        external,
        _text((sender or {}).get("name")),
        _mention_free(_text(payload.get("text"))),
    )
    with translation.override(integration.organization.language):
        text = platforms.teams_form_text(answer.form) if answer.form is not None else answer.text
        return JsonResponse(platforms.teams_message(text, integration))


# Linking a chat account


@login_required
def chat_link(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    values = chat.read_link_token(token) or {}
    integration_id = values.get("i")
    if not isinstance(integration_id, int):
        raise Http404
    integration = (
        ChatIntegration.objects.select_related("organization").filter(pk=integration_id).first()
    )
    if integration is None:
        raise Http404
    membership = (
        Membership.objects.filter(organization=integration.organization, user=request.user)
        .select_related("organization")
        .first()
    )
    if membership is None:
        raise Http404
    external = str(values.get("u", ""))
    if request.method == "POST":
        chat.link(integration, external, membership)
        return redirect("chat_linked", integration.organization.slug)
    context = {
        "org": integration.organization,
        "integration": integration,
        "chat_name": str(values.get("n", "")),
    }
    return render(request, "inbound/chat_link.html", context)


@login_required
def chat_linked(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    return render(request, "inbound/chat_linked.html", {"org": membership.organization})


# The organisation's chats (admins)


def _request_url(integration: ChatIntegration) -> str:
    return site_url(reverse(f"chat_{integration.platform}", args=[integration.public_id]))


def _save_secrets(integration: ChatIntegration, data: dict[str, Any]) -> None:
    """Replace the secrets; the audit trail says that they changed, never what they are."""
    if integration.platform == Platform.SLACK:
        integration.secret = secrets.encrypt(data["signing_secret"])
        integration.bot_token = secrets.encrypt(data["bot_token"])
    elif integration.platform == Platform.MATTERMOST:
        integration.token_hash = secrets.digest(data["command_token"])
        integration.server_url = data["server_url"]
    else:
        integration.secret = secrets.encrypt(data["security_token"])


def _blank(integration: ChatIntegration) -> ChatIntegrationForm:
    return ChatIntegrationForm(platform=integration.platform)


@login_required
def chat_settings(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_admin(membership)
    org = membership.organization
    form = ChatIntegrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        integration = ChatIntegration(
            organization=org,
            platform=form.cleaned_data["platform"],
            public_id=token_urlsafe(18),
        )
        _save_secrets(integration, form.cleaned_data)
        with transaction.atomic():
            integration.save()
            record(org, request.user, integration, Action.CREATED, label=str(integration))
        messages.success(request, _("The chat is connected. Give it the request address shown."))
        return redirect("chat_settings", slug)
    integrations = [
        (integration, _request_url(integration), _blank(integration))
        for integration in ChatIntegration.objects.filter(organization=org).order_by("pk")
    ]
    context = {"org": org, "form": form, "integrations": integrations}
    return render(
        request, "inbound/chat_settings.html", context, status=422 if form.is_bound else 200
    )


@login_required
@require_POST
def chat_integration_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    integration = get_object_or_404(ChatIntegration, pk=pk, organization=membership.organization)
    require_admin(membership)
    org = membership.organization
    if request.POST.get("delete"):
        with transaction.atomic():
            record(org, request.user, integration, Action.DELETED, label=str(integration))
            integration.delete()
        messages.success(request, _("The chat is disconnected."))
        return redirect("chat_settings", slug)
    form = ChatIntegrationForm(request.POST, platform=integration.platform)
    if not form.is_valid():
        integrations = [
            (
                other,
                _request_url(other),
                form
                if other.pk == integration.pk
                else ChatIntegrationForm(platform=other.platform),
            )
            for other in ChatIntegration.objects.filter(organization=org).order_by("pk")
        ]
        context = {"org": org, "form": ChatIntegrationForm(), "integrations": integrations}
        return render(request, "inbound/chat_settings.html", context, status=422)
    _save_secrets(integration, form.cleaned_data)
    integration.rotated_at = timezone.now()
    with transaction.atomic():
        integration.save()
        record(org, request.user, integration, Action.UPDATED, label=str(integration))
    messages.success(request, _("The chat's secrets are replaced."))
    return redirect("chat_settings", slug)
