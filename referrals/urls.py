from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.ward_list, name="ward_list"),
    path("queue/", views.queue, name="queue"),
]
