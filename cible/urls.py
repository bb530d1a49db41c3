from django.contrib import admin
from django.urls import include, path

from cible.front import views as front
from cible.okrs import views as okrs
from cible.orgs import views as orgs

urlpatterns = [
    path("", front.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organisations/new/", orgs.org_create, name="org_create"),
    path("invitations/<str:token>/", orgs.invitation_accept, name="invitation_accept"),
    path("o/<slug:slug>/", okrs.org_home, name="org_home"),
    path("o/<slug:slug>/settings/", orgs.org_settings, name="org_settings"),
    path("o/<slug:slug>/members/", orgs.member_list, name="member_list"),
    path("o/<slug:slug>/members/<int:pk>/role/", orgs.member_role, name="member_role"),
    path("o/<slug:slug>/invitations/", orgs.invitation_create, name="invitation_create"),
    path("o/<slug:slug>/leave/", orgs.org_leave, name="org_leave"),
    path("o/<slug:slug>/teams/", orgs.team_list, name="team_list"),
    path("o/<slug:slug>/teams/<int:pk>/", orgs.team_detail, name="team_detail"),
    path("o/<slug:slug>/teams/<int:pk>/edit/", orgs.team_edit, name="team_edit"),
    path("o/<slug:slug>/teams/<int:pk>/members/", orgs.team_member_add, name="team_member_add"),
    path(
        "o/<slug:slug>/teams/<int:pk>/members/<int:user_id>/remove/",
        orgs.team_member_remove,
        name="team_member_remove",
    ),
    path("o/<slug:slug>/objectives/<int:pk>/", okrs.objective_detail, name="objective_detail"),
    path("o/<slug:slug>/key-results/<int:pk>/", okrs.key_result_detail, name="key_result_detail"),
]
