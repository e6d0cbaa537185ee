from django.urls import path

from aligns.outbox import views

app_name = "outbox"

urlpatterns = [path("", views.messages_page, name="messages")]
