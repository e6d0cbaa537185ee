from django.urls import path

from aligns.audit import views

app_name = "audit"

urlpatterns = [
    path("access-log/", views.access_log, name="access_log"),
    path("sharing-log/", views.sharing_log, name="sharing_log"),
    path("history/<slug:kind>/<int:pk>/", views.history, name="history"),
]
