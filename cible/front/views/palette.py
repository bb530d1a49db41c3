"""The command palette (Ctrl/Cmd-K): jump to an objective, a team or a person by name."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.lib.http import AuthenticatedHttpRequest
from cible.lib.text import searchable
from cible.okrs.queries import visible_objectives
from cible.orgs.access import get_membership
from cible.orgs.models import Team

LIMIT = 20
"""Results in all: a few of each kind, objectives first."""
PER_KIND = {"objective": 10, "team": 5, "person": 5}
QUERY_MAX = 100


@login_required
def palette(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """What the palette offers for `q`: the objectives the person may see (private ones
    only when allowed), the organisation's teams and people, at most `LIMIT` in all."""
    membership = get_membership(request, slug)
    org = membership.organization
    query = searchable(request.GET.get("q", "").strip()[:QUERY_MAX])
    results: list[dict[str, str]] = []
    if query:
        objectives = (
            visible_objectives(membership, key_results=False, related=("cycle",))
            .filter(title__icontains=query)
            .only("id", "title", "cycle__name", "cycle__start")
            .order_by("-cycle__start", "title", "id")[: PER_KIND["objective"]]
        )
        results += [
            {
                "kind": _("Objective"),
                "label": o.title,
                "meta": o.cycle.name,
                "url": reverse("objective_detail", args=[org.slug, o.pk]),
            }
            for o in objectives
        ]
        teams = (
            Team.objects.filter(organization=org, name__icontains=query)
            .select_related("parent")
            .only("id", "name", "parent__name")
            .order_by("name", "id")[: PER_KIND["team"]]
        )
        results += [
            {
                "kind": _("Team"),
                "label": t.name,
                "meta": t.parent.name if t.parent else "",
                "url": reverse("team_detail", args=[org.slug, t.pk]),
            }
            for t in teams
        ]
        people = (
            User.objects.filter(memberships__organization=org)
            .filter(Q(name__icontains=query) | Q(email__istartswith=query))
            .only("id", "name", "email")
            .order_by("name", "email")[: PER_KIND["person"]]
        )
        results += [
            {
                "kind": _("Person"),
                "label": p.display_name,
                "meta": p.email,
                "url": reverse("person_detail", args=[org.slug, p.pk]),
            }
            for p in people
        ]
    return JsonResponse({"query": query, "results": results[:LIMIT]})
