"""Comments, reactions, the check-in page and the inbox."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cible.checkins.models import CheckIn
from cible.collab import queries, rules, services
from cible.collab.access import get_check_in_for_user, get_comment_for_user
from cible.collab.forms import CommentForm, MailPreferenceForm, ReactionForm
from cible.collab.models import Comment, InboxItem, MailPreference
from cible.collab.templatetags.collab import comments_context
from cible.lib.htmx import is_htmx
from cible.lib.http import AuthenticatedHttpRequest, parse_id
from cible.lib.refusal import refuse
from cible.okrs.access import get_key_result_for_user, get_objective_for_user
from cible.okrs.models import KeyResult, Objective
from cible.orgs.access import get_membership
from cible.orgs.models import Membership

Target = Objective | KeyResult | CheckIn


def _target_url(target: Target) -> str:
    if isinstance(target, CheckIn):
        return _check_in_url(target.key_result.objective.organization.slug, target.pk)
    return target.get_absolute_url()


def _check_in_url(slug: str, pk: int) -> str:
    return reverse("check_in_detail", args=[slug, pk])


def _comments_response(
    request: AuthenticatedHttpRequest,
    membership: Membership,
    target: Target,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = comments_context(request, membership, target, **extra)
    return render(request, "collab/_comments.html", context, status=status)


def _post_comment(
    request: AuthenticatedHttpRequest, membership: Membership, target: Target
) -> HttpResponse:
    if not rules.may_comment(membership):
        raise PermissionDenied
    form = CommentForm(request.POST)
    comment = None
    if form.is_valid():
        reply_id = form.cleaned_data.get("reply_to")
        reply_to = (
            Comment.objects.filter(organization_id=membership.organization_id, pk=reply_id)
            .select_related("author")
            .first()
            if reply_id
            else None
        )
        try:
            comment = services.create_comment(
                target, request.user, form.cleaned_data["body"], reply_to
            )
        except ValidationError as error:
            form.add_error(None, error)
    if comment is None:
        if is_htmx(request):
            return _comments_response(request, membership, target, 422, form=form)
        return refuse(
            request,
            form,
            subject=_("The comment"),
            back=_target_url(target),
            org=membership.organization,
        )
    if is_htmx(request):
        return _comments_response(request, membership, target)
    return redirect(comment.get_absolute_url())


@login_required
@require_POST
def objective_comment(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    objective, membership, _powers = get_objective_for_user(request, slug, pk)
    return _post_comment(request, membership, objective)


@login_required
@require_POST
def key_result_comment(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kr, membership, _powers = get_key_result_for_user(request, slug, pk)
    return _post_comment(request, membership, kr)


@login_required
@require_POST
def check_in_comment(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    check_in, membership = get_check_in_for_user(request, slug, pk)
    return _post_comment(request, membership, check_in)


@login_required
def comment_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    comment, membership = get_comment_for_user(request, slug, pk)
    if not rules.may_change(membership, comment):
        raise PermissionDenied
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        services.edit_comment(comment, request.user, form.cleaned_data["body"])
        if is_htmx(request):
            return _comments_response(request, membership, comment.target)
        messages.success(request, _("Comment saved."))
        return redirect(comment.get_absolute_url())
    context = {
        "org": membership.organization,
        "membership": membership,
        "comment": comment,
        "form": form,
    }
    status = 422 if form.errors else 200
    return render(request, "collab/comment_edit.html", context, status=status)


@login_required
@require_POST
def comment_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    comment, membership = get_comment_for_user(request, slug, pk)
    if not rules.may_change(membership, comment):
        raise PermissionDenied
    target = comment.target
    services.delete_comment(comment, request.user)
    if is_htmx(request):
        return _comments_response(request, membership, target)
    messages.success(request, _("Comment deleted."))
    return redirect(_target_url(target))


def _react(
    request: AuthenticatedHttpRequest, membership: Membership, target: CheckIn | Comment
) -> HttpResponse | None:
    """The toggle, or a refusal; None when done."""
    if not rules.may_comment(membership):
        raise PermissionDenied
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return refuse(
            request, form, subject=_("The reaction"), back=request.path, org=membership.organization
        )
    services.toggle_reaction(target, request.user, form.cleaned_data["emoji"])
    return None


@login_required
@require_POST
def check_in_react(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    check_in, membership = get_check_in_for_user(request, slug, pk)
    refused = _react(request, membership, check_in)
    if refused is not None:
        return refused
    if is_htmx(request):
        counts = queries.check_in_reactions([check_in], request.user.pk)[check_in.pk]
        context = {
            "org": membership.organization,
            "check_in": check_in,
            "reaction_counts": counts,
            "may_react": True,
        }
        return render(request, "collab/_check_in_reactions.html", context)
    back = request.POST.get("next", "") if _safe_next(request) else ""
    return redirect(back or _check_in_url(slug, pk))


@login_required
@require_POST
def comment_react(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    comment, membership = get_comment_for_user(request, slug, pk)
    refused = _react(request, membership, comment)
    if refused is not None:
        return refused
    if is_htmx(request):
        return _comments_response(request, membership, comment.target)
    return redirect(comment.get_absolute_url())


def _safe_next(request: AuthenticatedHttpRequest) -> bool:
    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
def check_in_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    check_in, membership = get_check_in_for_user(request, slug, pk)
    context = {
        "org": membership.organization,
        "membership": membership,
        "check_in": check_in,
        "kr": check_in.key_result,
        "reaction_counts": queries.check_in_reactions([check_in], request.user.pk)[check_in.pk],
        "may_react": rules.may_comment(membership),
    }
    return render(request, "collab/check_in_detail.html", context)


@login_required
def mention_suggest(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """People to mention in a comment on the objective (or one of its key results or
    check-ins): those who may see it."""
    objective, membership, _powers = get_objective_for_user(request, slug, pk)
    people = queries.mention_suggestions(membership, objective, request.GET.get("q", ""))
    results = [
        {"name": m.user.display_name, "handle": m.user.email, "email": m.user.email} for m in people
    ]
    return JsonResponse({"results": results})


# The inbox ---------------------------------------------------------------------------------


@login_required
def inbox_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """`/inbox/`: the inbox of the organisation with the newest unread item, else of the
    person's first organisation."""
    item = (
        InboxItem.objects.unread()
        .filter(recipient=request.user)
        .select_related("organization")
        .first()
    )
    membership = (
        Membership.objects.filter(user=request.user)
        .select_related("organization")
        .order_by("organization__name")
        .first()
    )
    org = item.organization if item else membership.organization if membership else None
    if org is None:
        return redirect("home")
    return redirect("inbox", org.slug)


@login_required
def inbox(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    show = request.GET.get("show", "")
    items = queries.inbox_items(membership)
    if show == "unread":
        items = items.filter(read_at__isnull=True)
    context = {
        "org": membership.organization,
        "membership": membership,
        "items": list(items[: queries.INBOX_PAGE]),
        "waiting": queries.waiting(membership),
        "show": show,
    }
    template = (
        "collab/inbox.html#items"
        if is_htmx(request) and request.GET.get("part") == "items"
        else "collab/inbox.html"
    )
    return render(request, template, context)


@login_required
def inbox_open(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Follow an item's link: it is read from then on."""
    membership = get_membership(request, slug)
    item = queries.inbox_items(membership).filter(pk=pk).first()
    if item is None:
        raise Http404
    services.mark_read(membership, [item.pk])
    return redirect(item.get_absolute_url())


@login_required
@require_POST
def inbox_read(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Mark one item read (`item`), unread again (`item` and `unread`), or all of them."""
    membership = get_membership(request, slug)
    item_id = parse_id(request.POST.get("item"))
    if request.POST.get("item") and item_id is None:
        return JsonResponse({"errors": {"item": [_("Not an item of your inbox.")]}}, status=422)
    if item_id is not None and request.POST.get("unread"):
        services.mark_unread(membership, item_id)
    else:
        services.mark_read(membership, [item_id] if item_id is not None else None)
    if is_htmx(request):
        return inbox(request, slug)
    return redirect("inbox", slug)


@login_required
def inbox_mail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The person's own choice of mails: any member, viewers too (they are mentioned)."""
    membership = get_membership(request, slug)
    preference = MailPreference.objects.filter(user=request.user).first() or MailPreference(
        user=request.user
    )
    form = MailPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("inbox_mail", slug)
    context = {"org": membership.organization, "membership": membership, "form": form}
    return render(request, "collab/inbox_mail.html", context, status=422 if form.errors else 200)
