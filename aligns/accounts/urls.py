from django.urls import path

from aligns.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("team/", views.team_list, name="team_list"),
    path("team/<int:pk>/", views.team_member_detail, name="team_member_detail"),
]
