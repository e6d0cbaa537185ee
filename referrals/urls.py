from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.ward_list, name="ward_list"),
    path("new/", views.referral_create, name="create"),
    path("new/check-nhs-number/", views.check_nhs_number, name="check_nhs_number"),
    path("queue/", views.queue, name="queue"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/accept/", views.referral_accept_view, name="accept"),
    path("<int:pk>/decline/", views.referral_decline_view, name="decline"),
    path("<int:pk>/withdraw/", views.referral_withdraw_view, name="withdraw"),
    path("<int:pk>/discharge/", views.referral_discharge_view, name="discharge"),
    path("<int:pk>/fhir/", views.referral_fhir_share, name="fhir"),
]
