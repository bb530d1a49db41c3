from django.urls import URLPattern, URLResolver, path

from cible.collab import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("objectives/<id:pk>/comments/", views.objective_comment, name="objective_comment"),
    path("objectives/<id:pk>/mentions/", views.mention_suggest, name="mention_suggest"),
    path("key-results/<id:pk>/comments/", views.key_result_comment, name="key_result_comment"),
    path("check-ins/<id:pk>/", views.check_in_detail, name="check_in_detail"),
    path("check-ins/<id:pk>/comments/", views.check_in_comment, name="check_in_comment"),
    path("check-ins/<id:pk>/react/", views.check_in_react, name="check_in_react"),
    path("comments/<id:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<id:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<id:pk>/react/", views.comment_react, name="comment_react"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("inbox/mail/", views.inbox_mail, name="inbox_mail"),
    path("inbox/<id:pk>/", views.inbox_open, name="inbox_open"),
]
