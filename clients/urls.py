from django.urls import path

from clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/consent/", views.consent_change, name="consent"),
    path("<int:pk>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("<int:pk>/assessments/<int:assessment_pk>/", views.assessment_detail, name="assessment"),
    path(
        "<int:pk>/assessments/<int:assessment_pk>/answers/",
        views.assessment_edit,
        name="assessment_edit",
    ),
    path(
        "<int:pk>/assessments/<int:assessment_pk>/second-sign-off/",
        views.assessment_second,
        name="assessment_second",
    ),
    path("<int:pk>/reassessment/", views.reassessment_require, name="reassessment"),
    path("<int:pk>/goals/new/", views.goal_new, name="goal_new"),
    path("<int:pk>/goals/<int:goal_pk>/review/", views.goal_review_view, name="goal_review"),
    path("<int:pk>/measures/<slug:instrument>/new/", views.measure_new, name="measure_new"),
]
