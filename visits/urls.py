from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("today/", views.today, name="today"),
    path("offline-worker.js", views.offline_worker, name="offline_worker"),
    path("manifest.webmanifest", views.offline_manifest, name="manifest"),
    path("episodes/", views.board, name="board"),
    path("alerts/", views.work_queue, name="work_queue"),
    path("alerts/<int:pk>/acknowledge/", views.alert_ack, name="alert_ack"),
    path("episodes/<int:pk>/", views.episode_detail, name="episode"),
    path("episodes/<int:pk>/log/", views.contact_new, name="log"),
    path("episodes/<int:pk>/extend/", views.episode_extend_view, name="extend"),
    path("episodes/<int:pk>/readmission/", views.episode_readmit_view, name="readmit"),
    path("episodes/<int:pk>/home-again/", views.episode_return_view, name="return_home"),
    path("episodes/<int:pk>/close/", views.episode_close_view, name="close"),
    path("episodes/<int:pk>/share/", views.episode_share_summary, name="share_summary"),
    path("episodes/<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("episodes/<int:pk>/volunteer/", views.volunteer_match, name="match"),
    path("episodes/<int:pk>/volunteer/offer/", views.volunteer_offer, name="offer"),
    path("episodes/<int:pk>/volunteer/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("episodes/<int:pk>/volunteer/end/", views.support_hand_over, name="support_hand_over"),
    path("offers/", views.offer_list, name="offers"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("offers/<int:pk>/decline/", views.offer_decline, name="offer_decline"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern"),
    path("concerns/<int:pk>/sent/", views.concern_sent, name="concern_sent"),
    path("episodes/<int:pk>/onward/new/", views.onward_new, name="onward_new"),
    path("onward/<int:pk>/outcome/", views.onward_outcome, name="onward_outcome"),
    path("directory/", views.directory, name="directory"),
    path("directory/new/", views.service_edit, name="service_new"),
    path("directory/<int:pk>/", views.service_edit, name="service_edit"),
]
