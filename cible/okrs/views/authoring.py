"""Writing OKRs: create, edit, archive, align, reorder, link."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cible.lib.htmx import is_htmx
from cible.lib.http import AuthenticatedHttpRequest, parse_id
from cible.lib.widgets import SUGGESTIONS, picker_query, suggestions
from cible.okrs import library, services
from cible.okrs.access import Powers, get_key_result_for_user, get_objective_for_user
from cible.okrs.coach import advice_for_form
from cible.okrs.forms import (
    UNIT_SUGGESTIONS,
    DependencyForm,
    KeyResultForm,
    ObjectiveForm,
    TemplateKeyResultForm,
    eligible_parents,
    parent_label,
    template_key_result_forms,
)
from cible.okrs.models import Cycle, Dependency, KRKind, Objective
from cible.okrs.queries import chosen_cycle
from cible.okrs.views import objective_context
from cible.orgs.access import get_membership, require_writer
from cible.orgs.models import Organization


def _render_form(
    request: HttpRequest, template: str, context: dict[str, Any], form: Any, invalid: bool = False
) -> HttpResponse:
    """The whole page, or only the form when htmx asks to validate while typing."""
    status = 422 if invalid or (form.is_bound and form.errors) else 200
    if is_htmx(request) and request.POST.get("_validate"):
        return render(request, f"{template}#feedback", context, status=200)
    return render(request, template, context, status=status)


def _cycle_from(request: HttpRequest, org: Organization) -> Cycle:
    cycle = chosen_cycle(org, request.GET.get("cycle") or request.POST.get("cycle"))
    if cycle is None:
        raise Http404
    return cycle


def _template_initial(
    request: HttpRequest,
) -> tuple[dict[str, Any], library.ObjectiveTemplate | None]:
    template = library.get(request.GET.get("template", ""))
    if template is None:
        return {}, None
    language = request.LANGUAGE_CODE
    return {
        "title": template.title(language),
        "description": template.description(language),
    }, template


@login_required
def objective_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_writer(membership)
    org = membership.organization
    cycle = _cycle_from(request, org)
    powers = Powers(membership)
    initial, template = _template_initial(request)
    initial.update({k: request.GET[k] for k in ("level", "team") if request.GET.get(k)})
    initial.setdefault("owner", request.user.pk)
    parent_id = parse_id(request.GET.get("parent"))
    if parent_id:
        initial["parents"] = [parent_id]
    form = ObjectiveForm(request.POST or None, initial=initial, org=org, cycle=cycle, powers=powers)
    if request.method == "POST":
        template = library.get(request.POST.get("template", ""))
    language = request.LANGUAGE_CODE
    kr_forms = (
        template_key_result_forms(template, request.POST or None, language) if template else []
    )
    unconfirmed = False
    if request.method == "POST" and not request.POST.get("_validate"):
        valid = form.is_valid() & all([kr_form.is_valid() for kr_form in kr_forms])
        # The template's numbers are examples: kept as they are, they need a yes.
        unconfirmed = (
            valid
            and request.POST.get("template_confirm") != "1"
            and any(kr_form.kept and kr_form.unchanged for kr_form in kr_forms)
        )
        if valid and not unconfirmed:
            objective = _create_objective(request, form, cycle, kr_forms)
            messages.success(request, _("Objective created."))
            return redirect(objective.get_absolute_url())
    context = {
        "org": org,
        "membership": membership,
        "cycle": cycle,
        "form": form,
        "template": template,
        "kr_forms": kr_forms,
        "unconfirmed": unconfirmed,
        "query": request.GET.get("q", ""),
        # A first objective of the cycle most likely starts from a template: open them.
        "library_open": not template and not Objective.objects.filter(cycle=cycle).exists(),
        "library": library.by_function(language, request.GET.get("q", "")),
        "advice": advice_for_form(form, language),
    }
    invalid = unconfirmed or any(kr_form.errors for kr_form in kr_forms if kr_form.is_bound)
    return _render_form(request, "okrs/objective_form.html", context, form, invalid=invalid)


@transaction.atomic
def _create_objective(
    request: AuthenticatedHttpRequest,
    form: ObjectiveForm,
    cycle: Cycle,
    kr_forms: list[TemplateKeyResultForm],
) -> Objective:
    """The objective and the template's key results it keeps, as the person set them."""
    data = form.cleaned_data
    objective = services.create_objective(
        cycle.organization,
        data["owner"],
        parents=list(data["parents"]),
        actor=request.user,
        correction=form.correction,
        cycle=cycle,
        title=data["title"],
        description=data["description"],
        level=data["level"],
        team=data["team"],
        visibility=data["visibility"],
        state=data["state"],
        origin=form.resolved_origin(),
    )
    for kr_form in kr_forms:
        if kr_form.kept:
            services.create_key_result(
                objective,
                actor=request.user,
                correction=form.correction,
                **kr_form.key_result_fields(),
            )
    return objective


@login_required
def objective_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    objective, membership, powers = get_objective_for_user(request, slug, pk)
    if not powers.can_edit(objective):
        raise PermissionDenied
    form = ObjectiveForm(
        request.POST or None,
        instance=objective,
        org=objective.organization,
        cycle=objective.cycle,
        powers=powers,
    )
    if request.method == "POST" and not request.POST.get("_validate") and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_objective(
                objective,
                request.user,  # type: ignore[arg-type]
                parents=list(data["parents"]),
                correction=form.correction,
                origin=form.resolved_origin(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Objective saved."))
            return redirect(objective.get_absolute_url())
    context = {
        "org": objective.organization,
        "membership": membership,
        "cycle": objective.cycle,
        "form": form,
        "objective": objective,
        "advice": advice_for_form(form, request.LANGUAGE_CODE),
    }
    return _render_form(request, "okrs/objective_form.html", context, form)


@login_required
@require_POST
def objective_archive(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    objective, _membership, powers = get_objective_for_user(request, slug, pk)
    if not powers.can_edit(objective):
        raise PermissionDenied
    restore = request.POST.get("restore") == "1"
    services.archive_objective(objective, request.user, archived=not restore)  # type: ignore[arg-type]
    messages.success(request, _("Objective restored.") if restore else _("Objective archived."))
    return redirect(objective.get_absolute_url())


@login_required
def key_result_create(
    request: AuthenticatedHttpRequest,
    slug: str,
    pk: int,
    form_class: type[KeyResultForm] = KeyResultForm,
) -> HttpResponse:
    """`form_class`: the project's URLs give the form with the fields of higher apps."""
    objective, membership, powers = get_objective_for_user(request, slug, pk)
    if not powers.can_edit(objective):
        raise PermissionDenied
    initial = {"kind": request.GET.get("kind") or KRKind.INCREASE}
    form = form_class(request.POST or None, initial=initial, objective=objective, powers=powers)
    if request.method == "POST" and not request.POST.get("_validate") and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        with transaction.atomic():
            kr = services.create_key_result(
                objective,
                actor=request.user,  # type: ignore[arg-type]
                correction=form.correction,
                co_owners=list(form.cleaned_data["co_owners"]),
                **fields,
            )
            form.save_related(kr, request.user)  # type: ignore[arg-type]
        messages.success(request, _("Key result added."))
        return redirect(objective.get_absolute_url())
    context = {
        "org": objective.organization,
        "membership": membership,
        "objective": objective,
        "form": form,
        "units": UNIT_SUGGESTIONS,
    }
    return _render_form(request, "okrs/key_result_form.html", context, form)


@login_required
def key_result_edit(
    request: AuthenticatedHttpRequest,
    slug: str,
    pk: int,
    form_class: type[KeyResultForm] = KeyResultForm,
) -> HttpResponse:
    kr, membership, powers = get_key_result_for_user(request, slug, pk)
    if not powers.can_edit_key_result(kr):
        raise PermissionDenied
    form = form_class(request.POST or None, instance=kr, objective=kr.objective, powers=powers)
    if request.method == "POST" and not request.POST.get("_validate") and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            with transaction.atomic():
                services.update_key_result(
                    kr,
                    request.user,  # type: ignore[arg-type]
                    correction=form.correction,
                    co_owners=list(form.cleaned_data["co_owners"]),
                    **fields,
                )
                form.save_related(kr, request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Key result saved."))
            return redirect(kr.objective.get_absolute_url())
    context = {
        "org": kr.objective.organization,
        "membership": membership,
        "objective": kr.objective,
        "kr": kr,
        "form": form,
        "units": UNIT_SUGGESTIONS,
    }
    return _render_form(request, "okrs/key_result_form.html", context, form)


@login_required
@require_POST
def key_result_archive(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kr, _membership, powers = get_key_result_for_user(request, slug, pk)
    if not powers.can_edit(kr.objective):
        raise PermissionDenied
    restore = request.POST.get("restore") == "1"
    services.archive_key_result(kr, request.user, archived=not restore)  # type: ignore[arg-type]
    messages.success(request, _("Key result restored.") if restore else _("Key result archived."))
    return redirect(kr.objective.get_absolute_url())


@login_required
@require_POST
def key_result_move(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    kr, _membership, powers = get_key_result_for_user(request, slug, pk)
    if not powers.can_edit(kr.objective):
        raise PermissionDenied
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        return HttpResponse(_("Choose up or down."), status=422)
    services.move_key_result(kr, request.user, offset)  # type: ignore[arg-type]
    return redirect(kr.objective.get_absolute_url() + f"#kr-{kr.pk}")


@login_required
@require_POST
def dependency_create(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    objective, membership, powers = get_objective_for_user(request, slug, pk)
    if not powers.can_edit(objective):
        raise PermissionDenied
    form = DependencyForm(request.POST, objective=objective, powers=powers)
    if form.is_valid():
        services.create_dependency(
            request.user,
            **{
                "organization": objective.organization,
                "from_objective": objective,
                **form.cleaned_data,
            },
        )  # type: ignore[arg-type]
        messages.success(request, _("Dependency recorded."))
        return redirect(objective.get_absolute_url() + "#dependencies")
    context = objective_context(request, objective, membership, powers, dependency_form=form)
    return render(request, "okrs/objective_detail.html", context, status=422)


@login_required
@require_POST
def dependency_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    dependency = get_object_or_404(
        Dependency.objects.select_related("from_objective", "to_objective"),
        from_objective__in=Objective.objects.visible_to(membership),
        pk=pk,
    )
    powers = Powers(membership)
    if not powers.can_edit(dependency.from_objective):
        raise PermissionDenied
    services.delete_dependency(dependency, request.user)  # type: ignore[arg-type]
    messages.success(request, _("Dependency removed."))
    return redirect(dependency.from_objective.get_absolute_url() + "#dependencies")


@login_required
def dependency_suggest(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Suggestions for the dependency form's targets, taken from the form's own choices:
    what the form would refuse is never suggested."""
    objective, _membership, powers = get_objective_for_user(request, slug, pk)
    if not powers.can_edit(objective):
        raise PermissionDenied
    name = request.GET.get("field", "")
    if name not in ("to_objective", "to_key_result"):
        raise Http404
    field: Any = DependencyForm(objective=objective, powers=powers).fields[name]
    query = picker_query(request)
    found = []
    if query:
        found = list(
            field.queryset.filter(title__icontains=query).order_by("title", "pk")[: SUGGESTIONS + 1]
        )
    rows = [(o.pk, field.label_from_instance(o), _where(o)) for o in found]
    return render(request, "orgs/_suggestions.html", suggestions(query, rows))


@login_required
def parent_suggest(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Suggestions for the objective form's parents: the form's own choices for the cycle
    (`?cycle=`, the current one by default) without the objective edited (`?objective=`),
    as the reader sees them. Reading only: viewers may ask, they see what they may see."""
    membership = get_membership(request, slug)
    org = membership.organization
    raw_cycle, raw_objective = request.GET.get("cycle", ""), request.GET.get("objective", "")
    cycles = Cycle.objects.filter(organization=org)
    cycle = cycles.current_for(org) if not raw_cycle else None
    if cycle_id := parse_id(raw_cycle):
        cycle = cycles.filter(pk=cycle_id).first()
    excluded = parse_id(raw_objective)
    if cycle is None or (raw_objective and excluded is None):
        raise Http404
    query = picker_query(request)
    found: list[Objective] = []
    if query:
        choices = eligible_parents(membership, cycle, excluded)
        matching = choices.filter(title__icontains=query).order_by("level", "title", "pk")
        found = list(matching[: SUGGESTIONS + 1])
    rows = [(o.pk, parent_label(o), "") for o in found]
    return render(request, "orgs/_suggestions.html", suggestions(query, rows))


def _where(target: Any) -> str:
    """A key result's objective: titles repeat from one objective to the next."""
    return "" if isinstance(target, Objective) else str(target.objective.title)
