from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("today/", views.today, name="today"),
]
