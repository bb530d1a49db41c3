from django.contrib import admin
from django.urls import include, path

from cible.checkins import review_views as rhythm
from cible.checkins import views as checkins
from cible.front import views as front
from cible.okrs import authoring, cycles, tree
from cible.okrs import views as okrs
from cible.orgs import views as orgs

org = "o/<slug:slug>/"

urlpatterns = [
    path("", front.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organisations/new/", orgs.org_create, name="org_create"),
    path("invitations/<str:token>/", orgs.invitation_accept, name="invitation_accept"),
    path(org, okrs.org_home, name="org_home"),
    path(org + "settings/", orgs.org_settings, name="org_settings"),
    path(org + "members/", orgs.member_list, name="member_list"),
    path(org + "members/<int:pk>/role/", orgs.member_role, name="member_role"),
    path(org + "invitations/", orgs.invitation_create, name="invitation_create"),
    path(org + "leave/", orgs.org_leave, name="org_leave"),
    path(org + "teams/", orgs.team_list, name="team_list"),
    path(org + "teams/<int:pk>/", orgs.team_detail, name="team_detail"),
    path(org + "teams/<int:pk>/edit/", orgs.team_edit, name="team_edit"),
    path(org + "teams/<int:pk>/members/", orgs.team_member_add, name="team_member_add"),
    path(
        org + "teams/<int:pk>/members/<int:user_id>/remove/",
        orgs.team_member_remove,
        name="team_member_remove",
    ),
    path(org + "people/<int:user_id>/", okrs.person_detail, name="person_detail"),
    path(org + "check-in/", checkins.my_check_in, name="my_check_in"),
    path(org + "teams/<int:pk>/meeting/", rhythm.team_meeting, name="team_meeting"),
    path(org + "teams/<int:pk>/monthly-review/", rhythm.monthly_review, name="team_monthly_review"),
    path(org + "monthly-review/", rhythm.monthly_review, name="monthly_review"),
    path(
        org + "teams/<int:pk>/retrospective/<int:cycle_pk>/",
        rhythm.team_retrospective,
        name="team_retrospective",
    ),
    path(org + "cycles/<int:pk>/review/", rhythm.cycle_review, name="cycle_review"),
    path(org + "cycles/<int:pk>/close/", rhythm.cycle_close, name="cycle_close"),
    path(
        org + "objectives/<int:pk>/retrospective/",
        rhythm.objective_retrospective,
        name="objective_retrospective",
    ),
    path(
        org + "objectives/<int:pk>/carry-over/",
        rhythm.objective_carry_over,
        name="objective_carry_over",
    ),
    path(
        org + "key-results/<int:pk>/check-in/",
        rhythm.key_result_check_in,
        name="key_result_check_in",
    ),
    path(org + "key-results/<int:pk>/adjust/", rhythm.key_result_adjust, name="key_result_adjust"),
    path(org + "key-results/<int:pk>/score/", rhythm.key_result_score, name="key_result_score"),
    path(org + "search/", okrs.search, name="search"),
    path(org + "tree/", tree.tree, name="tree"),
    path(org + "tree/<int:pk>/children/", tree.tree_children, name="tree_children"),
    path(org + "cycles/", cycles.cycle_list, name="cycle_list"),
    path(org + "cycles/<int:pk>/state/", cycles.cycle_state, name="cycle_state"),
    path(org + "objectives/new/", authoring.objective_create, name="objective_create"),
    path(org + "objectives/<int:pk>/", okrs.objective_detail, name="objective_detail"),
    path(org + "objectives/<int:pk>/edit/", authoring.objective_edit, name="objective_edit"),
    path(
        org + "objectives/<int:pk>/archive/", authoring.objective_archive, name="objective_archive"
    ),
    path(
        org + "objectives/<int:pk>/key-results/new/",
        authoring.key_result_create,
        name="key_result_create",
    ),
    path(
        org + "objectives/<int:pk>/dependencies/",
        authoring.dependency_create,
        name="dependency_create",
    ),
    path(
        org + "dependencies/<int:pk>/delete/",
        authoring.dependency_delete,
        name="dependency_delete",
    ),
    path(org + "key-results/<int:pk>/", okrs.key_result_detail, name="key_result_detail"),
    path(org + "key-results/<int:pk>/edit/", authoring.key_result_edit, name="key_result_edit"),
    path(
        org + "key-results/<int:pk>/archive/",
        authoring.key_result_archive,
        name="key_result_archive",
    ),
    path(org + "key-results/<int:pk>/move/", authoring.key_result_move, name="key_result_move"),
]
