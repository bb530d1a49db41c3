from django.contrib import admin
from django.urls import include, path, register_converter

from cible.checkins import views as checkins
from cible.checkins.views import kpis as to_kpi
from cible.checkins.views import reviews as rhythm
from cible.collab import views as collab
from cible.front import views as front
from cible.front.views import (
    first_run,
    inline_check_in,
    key_results,
    kpis,
    objectives,
    organization,
    palette,
    teams,
)
from cible.kpis.guardrail_forms import GuardedKeyResultForm
from cible.lib.http import IdConverter
from cible.notifications import views as notifications
from cible.okrs import views as okrs
from cible.okrs.views import approvals, authoring, cycles, dependencies, initiatives, tree
from cible.okrs.views import map as alignment
from cible.orgs import views as orgs

register_converter(IdConverter, "id")

org = "o/<slug:slug>/"

urlpatterns = [
    path("", front.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("theme/", front.set_theme, name="set_theme"),
    path("", include("cible.api.urls")),
    path("", include("cible.ops.urls")),
    path("", include("cible.inbound.urls")),
    path("organisations/new/", orgs.org_create, name="org_create"),
    path("invitations/<str:token>/", orgs.invitation_accept, name="invitation_accept"),
    path(org, organization.org_home, name="org_home"),
    path(org + "start/", first_run.start_objectives, name="start_objectives"),
    path(org + "start/invite/", first_run.start_invite, name="start_invite"),
    path(org + "start/check-in/", first_run.start_check_in, name="start_check_in"),
    path(org, include("cible.insights.urls")),
    path(org, include("cible.audit.urls")),
    path(org, include("cible.webhooks.urls")),
    path(org, include("cible.sources.urls")),
    path(org, include("cible.kpis.urls")),
    path(org + "kpis/<id:pk>/", kpis.kpi_detail, name="kpi_detail"),
    path(org, include("cible.collab.urls")),
    path("inbox/", collab.inbox_home, name="inbox_home"),
    path(org + "settings/", orgs.org_settings, name="org_settings"),
    path(org + "members/", orgs.member_list, name="member_list"),
    path(org + "members/<id:pk>/role/", orgs.member_role, name="member_role"),
    path(org + "invitations/", orgs.invitation_create, name="invitation_create"),
    path(org + "leave/", orgs.org_leave, name="org_leave"),
    path(org + "teams/", orgs.team_list, name="team_list"),
    path(org + "teams/suggest/", orgs.team_suggest, name="team_suggest"),
    path(org + "teams/<id:pk>/", teams.team_detail, name="team_detail"),
    path(org + "teams/<id:pk>/edit/", orgs.team_edit, name="team_edit"),
    path(org + "teams/<id:pk>/members/", orgs.team_member_add, name="team_member_add"),
    path(
        org + "teams/<id:pk>/members/<id:user_id>/remove/",
        orgs.team_member_remove,
        name="team_member_remove",
    ),
    path(org + "people/<id:user_id>/", okrs.person_detail, name="person_detail"),
    path(org + "people/suggest/", orgs.people_suggest, name="people_suggest"),
    path(org + "check-in/", checkins.my_check_in, name="my_check_in"),
    path(org + "teams/<id:pk>/meeting/", rhythm.team_meeting, name="team_meeting"),
    path(org + "teams/<id:pk>/monthly-review/", rhythm.monthly_review, name="team_monthly_review"),
    path(org + "monthly-review/", rhythm.monthly_review, name="monthly_review"),
    path(
        org + "teams/<id:pk>/retrospective/<id:cycle_pk>/",
        rhythm.team_retrospective,
        name="team_retrospective",
    ),
    path(org + "cycles/<id:pk>/review/", rhythm.cycle_review, name="cycle_review"),
    path(org + "cycles/<id:pk>/close/", rhythm.cycle_close, name="cycle_close"),
    path(
        org + "objectives/<id:pk>/retrospective/",
        rhythm.objective_retrospective,
        name="objective_retrospective",
    ),
    path(
        org + "objectives/<id:pk>/carry-over/",
        rhythm.objective_carry_over,
        name="objective_carry_over",
    ),
    path(
        org + "key-results/<id:pk>/check-in/",
        rhythm.key_result_check_in,
        name="key_result_check_in",
    ),
    path(
        org + "key-results/<id:pk>/check-in/inline/",
        inline_check_in.inline_check_in,
        name="inline_check_in",
    ),
    path(org + "key-results/<id:pk>/adjust/", rhythm.key_result_adjust, name="key_result_adjust"),
    path(org + "decisions/<id:pk>/", rhythm.decision_prompt, name="decision_prompt"),
    path(org + "key-results/<id:pk>/score/", rhythm.key_result_score, name="key_result_score"),
    path(org + "key-results/<id:pk>/to-kpi/", to_kpi.key_result_to_kpi, name="key_result_to_kpi"),
    path(org + "search/", okrs.search, name="search"),
    path(org + "palette/", palette.palette, name="palette"),
    path(org + "tree/", tree.tree, name="tree"),
    path(org + "tree/<id:pk>/children/", tree.tree_children, name="tree_children"),
    path(org + "tree/orphans/", tree.tree_orphans, name="tree_orphans"),
    path(org + "map/", alignment.alignment_map, name="map"),
    path(org + "cycles/", cycles.cycle_list, name="cycle_list"),
    path(org + "cycles/<id:pk>/state/", rhythm.cycle_state, name="cycle_state"),
    path(org + "objectives/new/", authoring.objective_create, name="objective_create"),
    path(org + "objectives/parents/suggest/", authoring.parent_suggest, name="parent_suggest"),
    path(org + "objectives/<id:pk>/", objectives.objective_detail, name="objective_detail"),
    path(org + "objectives/<id:pk>/edit/", authoring.objective_edit, name="objective_edit"),
    path(
        org + "objectives/<id:pk>/archive/", authoring.objective_archive, name="objective_archive"
    ),
    path(
        org + "objectives/<id:pk>/key-results/new/",
        authoring.key_result_create,
        {"form_class": GuardedKeyResultForm},
        name="key_result_create",
    ),
    path(
        org + "objectives/<id:pk>/approval/submit/",
        approvals.objective_submit,
        name="objective_submit",
    ),
    path(
        org + "objectives/<id:pk>/approval/decide/",
        approvals.objective_decide,
        name="objective_decide",
    ),
    path(
        org + "objectives/<id:pk>/initiatives/new/",
        initiatives.initiative_create,
        name="initiative_create",
    ),
    path(org + "initiatives/<id:pk>/edit/", initiatives.initiative_edit, name="initiative_edit"),
    path(org + "initiatives/<id:pk>/state/", initiatives.initiative_state, name="initiative_state"),
    path(
        org + "objectives/<id:pk>/dependencies/",
        authoring.dependency_create,
        name="dependency_create",
    ),
    path(
        org + "objectives/<id:pk>/dependencies/chain/",
        dependencies.objective_dependency_chain,
        name="objective_dependency_chain",
    ),
    path(
        org + "objectives/<id:pk>/dependencies/suggest/",
        authoring.dependency_suggest,
        name="dependency_suggest",
    ),
    path(
        org + "dependencies/<id:pk>/state/",
        dependencies.dependency_state,
        name="dependency_state",
    ),
    path(
        org + "dependencies/<id:pk>/delete/",
        authoring.dependency_delete,
        name="dependency_delete",
    ),
    path(org + "key-results/<id:pk>/", key_results.key_result_detail, name="key_result_detail"),
    path(
        org + "key-results/<id:pk>/edit/",
        authoring.key_result_edit,
        {"form_class": GuardedKeyResultForm},
        name="key_result_edit",
    ),
    path(
        org + "key-results/<id:pk>/archive/",
        authoring.key_result_archive,
        name="key_result_archive",
    ),
    path(org + "key-results/<id:pk>/move/", authoring.key_result_move, name="key_result_move"),
    path(org + "notifications/", notifications.notification_settings, name="notification_settings"),
]
