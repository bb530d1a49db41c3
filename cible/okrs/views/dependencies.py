"""Answering a dependency between teams (accept, decline, done, reopen, ask again), from
the objective's page, either team's page or the weekly meeting: htmx swaps the one row,
without JavaScript the form posts and comes back to the page it was sent from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cible.lib.htmx import is_htmx
from cible.lib.http import AuthenticatedHttpRequest
from cible.okrs import services
from cible.okrs.access import Powers, get_objective_for_user
from cible.okrs.contexts import dependency_chain, dependency_rows
from cible.okrs.forms import DependencyAnswerForm
from cible.okrs.queries import dependency_chain_ids, visible_dependencies, with_key_results
from cible.orgs.access import get_membership


@login_required
@require_POST
def dependency_state(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    found = with_key_results(visible_dependencies(membership).filter(pk=pk))
    if not found:
        raise Http404
    dependency = found[0]
    powers = Powers(membership)
    sides = powers.dependency_sides(dependency)
    if not membership.can_write or not sides:
        raise PermissionDenied
    form = DependencyAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.change_dependency_state(
                dependency,
                request.user,
                form.cleaned_data["state"],
                sides,
                form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    outgoing = request.POST.get("side") == "out"
    [row] = dependency_rows([dependency], powers, lambda d: outgoing, membership.organization)
    status = 422 if form.errors else 200
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = dependency.to_objective.get_absolute_url() + "#dependencies"
    # The page the answer came from, kept by the row the answer re-renders.
    context = {"org": membership.organization, "dep": row, "answer_form": form, "next": back}
    if is_htmx(request):
        return render(request, "okrs/_dependency.html", context, status=status)
    if form.errors:
        return render(request, "okrs/dependency_answer.html", context, status=status)
    messages.success(request, _("Dependency answered."))
    return redirect(back)


@login_required
def objective_dependency_chain(
    request: AuthenticatedHttpRequest, slug: str, pk: int
) -> HttpResponse:
    """The critical-path view: the chain of dependencies across teams around one
    objective, in a constant number of queries."""
    objective, membership, powers = get_objective_for_user(request, slug, pk)
    order = dependency_chain_ids(objective)
    ids = order[0] + order[1]
    loaded = with_key_results(visible_dependencies(membership).filter(pk__in=ids))
    chain = dependency_chain(objective, {d.pk: d for d in loaded}, order, powers)
    context = {"org": membership.organization, "objective": objective, "chain": chain}
    return render(request, "okrs/dependency_chain.html", context)
