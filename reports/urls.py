from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("report/export/", views.export, name="export"),
    path("report/exports/<int:pk>/", views.export_status, name="export_status"),
    path("report/exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("settings/", views.report_settings, name="settings"),
    path("organisation/", views.organisation, name="organisation"),
    # Two parts, so that no scheme's slug can be taken for it.
    path("organisation/all/report/", views.organisation_report, name="organisation_report"),
    path("organisation/<slug:slug>/", views.organisation_scheme, name="organisation_scheme"),
]
