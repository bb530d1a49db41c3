from django.urls import path

from cible.inbound import chat_views, views

org = "o/<slug:slug>/"

urlpatterns = [
    path("mail-in/", views.mail_in, name="mail_in"),
    path("chat/slack/<str:public_id>/", chat_views.slack, name="chat_slack"),
    path("chat/mattermost/<str:public_id>/", chat_views.mattermost, name="chat_mattermost"),
    path("chat/teams/<str:public_id>/", chat_views.teams, name="chat_teams"),
    path("chat/link/<str:token>/", chat_views.chat_link, name="chat_link"),
    path(org + "chat/linked/", chat_views.chat_linked, name="chat_linked"),
    path(org + "settings/chat/", chat_views.chat_settings, name="chat_settings"),
    path(
        org + "settings/chat/<id:pk>/",
        chat_views.chat_integration_edit,
        name="chat_integration_edit",
    ),
]
