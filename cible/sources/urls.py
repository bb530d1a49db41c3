from django.urls import URLPattern, URLResolver, path

from cible.sources import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("key-results/<id:pk>/source/", views.source_edit, name="key_result_source"),
    path("key-results/<id:pk>/source/run/", views.source_run, name="key_result_source_run"),
    path(
        "key-results/<id:pk>/source/enable/",
        views.source_enable,
        name="key_result_source_enable",
    ),
    path(
        "key-results/<id:pk>/source/delete/",
        views.source_delete,
        name="key_result_source_delete",
    ),
    path("kpis/<id:pk>/source/", views.kpi_source_edit, name="kpi_source"),
    path("kpis/<id:pk>/source/run/", views.kpi_source_run, name="kpi_source_run"),
    path("kpis/<id:pk>/source/enable/", views.kpi_source_enable, name="kpi_source_enable"),
    path("kpis/<id:pk>/source/delete/", views.kpi_source_delete, name="kpi_source_delete"),
]
