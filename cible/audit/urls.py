from django.urls import path

from cible.audit import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit.csv", views.audit_csv, name="audit_csv"),
    path("members/<id:pk>/erase/", views.member_erase, name="member_erase"),
]
