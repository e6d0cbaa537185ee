from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("new/", views.volunteer_new, name="new"),
    path("<int:pk>/edit/", views.volunteer_edit, name="edit"),
    path("<int:pk>/stage/", views.volunteer_stage, name="stage"),
    path("<int:pk>/invite/", views.volunteer_invite_view, name="invite"),
    path("<int:pk>/dbs/", views.volunteer_dbs, name="dbs"),
    path("<int:pk>/references/", views.volunteer_reference, name="reference"),
    path("<int:pk>/training/", views.volunteer_training, name="training"),
    path("me/", views.my_profile, name="me"),
    path("me/availability/", views.my_availability, name="availability"),
]
