from django.urls import path

from records import views

app_name = "records"

# The addresses are those of the parts of the journey the records belong to.
urlpatterns = [
    path("clients/<int:pk>/", views.client_record, name="client"),
    path("clients/<int:pk>/subject-access/", views.subject_access_copy, name="subject_access"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/<int:pk>/", views.volunteer_record, name="volunteer"),
    path("audit/", views.audit, name="audit"),
    path("audit/access-log/", views.access_log, name="access_log"),
    path("audit/sharing-log/", views.sharing_log, name="sharing_log"),
    path("audit/history/<slug:kind>/<int:pk>/", views.history, name="history"),
]
