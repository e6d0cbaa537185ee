from django.urls import path

from aligns.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("team/", views.team_list, name="team_list"),
    path("team/invite/", views.team_invite, name="team_invite"),
    path("team/<int:pk>/", views.team_member_detail, name="team_member_detail"),
    path("team/<int:pk>/role/", views.team_member_role, name="team_member_role"),
    path("team/<int:pk>/deactivate/", views.team_member_deactivate, name="team_member_deactivate"),
    path("team/<int:pk>/reactivate/", views.team_member_reactivate, name="team_member_reactivate"),
    path(
        "team/<int:pk>/invite-again/",
        views.team_member_invite_again,
        name="team_member_invite_again",
    ),
    path("team/requests/", views.account_request_list, name="account_requests"),
    path("team/requests/<int:pk>/", views.account_request_review, name="account_request_review"),
    path(
        "team/requests/<int:pk>/decline/",
        views.account_request_decline_view,
        name="account_request_decline",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invite_accept",
    ),
    path("ask-for-an-account/", views.account_request, name="account_request"),
    path("ask-for-an-account/sent/", views.account_request_sent, name="account_request_sent"),
    path(
        "ask-for-an-account/confirm/<str:token>/",
        views.account_request_verify,
        name="account_request_verify",
    ),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/backup-codes/", views.backup_codes, name="backup_codes"),
    path("two-factor/turn-off/", views.two_factor_turn_off, name="two_factor_turn_off"),
]
