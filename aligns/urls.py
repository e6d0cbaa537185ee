from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from aligns import views
from aligns.accounts.forms import PasswordResetForm
from aligns.accounts.views import SignInView

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("help/", views.help_page, name="help"),
    path("language/", views.language_choose, name="language"),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            subject_template_name="emails/password_reset-subject.txt",
            email_template_name="emails/password_reset-body.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("aligns.accounts.urls")),
    path("referrals/", include("referrals.urls")),
    path("clients/", include("clients.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("visits/", include("visits.urls")),
    path("reports/", include("reports.urls")),
    path("messages/", include("aligns.outbox.urls")),
    # Whole records, read across every part of the journey: clients, volunteers, the audit.
    path("", include("records.urls")),
    path("admin/", admin.site.urls),
]
