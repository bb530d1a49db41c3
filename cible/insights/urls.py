from django.urls import path

from cible.insights import views
from cible.insights.views import exports, planning, reports

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:section>/", views.dashboard, name="dashboard_section"),
    path("teams/<id:pk>/dashboard/", views.team_dashboard, name="team_dashboard"),
    path(
        "teams/<id:pk>/dashboard/<slug:section>/",
        views.team_dashboard,
        name="team_dashboard_section",
    ),
    path(
        "objectives/<id:pk>/target-suggestion/",
        planning.target_suggestion,
        name="target_suggestion",
    ),
    path("objectives/<id:pk>/recall/", planning.key_result_recall, name="key_result_recall"),
    path("recall/", planning.objective_recall, name="objective_recall"),
    path("calibration/", reports.calibration, name="calibration"),
    path("cycles/<id:pk>/report/", reports.cycle_report, name="cycle_report"),
    path("cycles/<id:pk>/report.pdf", reports.cycle_report_pdf, name="cycle_report_pdf"),
    path("cycles/<id:pk>/report.md", reports.cycle_report_md, name="cycle_report_md"),
    path("cycles/<id:pk>/export/<slug:what>.<slug:fmt>", exports.cycle_export, name="cycle_export"),
]
