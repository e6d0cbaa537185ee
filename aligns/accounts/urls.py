from django.urls import path

from aligns.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("team/", views.team_list, name="team_list"),
    path("team/<int:pk>/", views.team_member_detail, name="team_member_detail"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/backup-codes/", views.backup_codes, name="backup_codes"),
    path("two-factor/turn-off/", views.two_factor_turn_off, name="two_factor_turn_off"),
]
