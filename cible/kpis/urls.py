from django.urls import URLPattern, URLResolver, path

from cible.kpis import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("kpis/", views.kpi_list, name="kpi_list"),
    path("kpis/new/", views.kpi_create, name="kpi_create"),
    path("kpis/<id:pk>/edit/", views.kpi_edit, name="kpi_edit"),
    path("kpis/<id:pk>/archive/", views.kpi_archive, name="kpi_archive"),
    path("kpis/<id:pk>/values/", views.kpi_value, name="kpi_value"),
    path("kpis/<id:pk>/import/", views.kpi_import, name="kpi_import"),
]
