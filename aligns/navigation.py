"""The header navigation: one list, each link shown only to those allowed its page."""

from django.urls import reverse

NAVIGATION = [
    ("Your wards' referrals", "referrals:ward_list", "referrals.view_ward_referrals"),
    ("Refer a patient", "referrals:create", "referrals.add_referral"),
    ("Triage queue", "referrals:queue", "referrals.view_triage_queue"),
    ("Alerts", "visits:work_queue", "visits.view_episodes"),
    ("Episodes", "visits:board", "visits.view_episodes"),
    ("Clients", "clients:list", "clients.view_client"),
    ("Directory", "visits:directory", "visits.view_episodes"),
    ("Today", "visits:today", "visits.view_today"),
    ("Your volunteering", "volunteers:me", "volunteers.view_own"),
    ("Volunteers", "records:volunteers", "volunteers.view_volunteers"),
    ("Dashboard", "reports:dashboard", "reports.view_dashboard"),
    ("Reports", "reports:report", "reports.view_report"),
    ("Audit", "records:access_log", "audit.view_logs"),
    ("Team", "accounts:team_list", "accounts.view_team"),
]


def navigation_for(request):
    if not request.user.is_authenticated:
        return []
    current = request.resolver_match.view_name if request.resolver_match else None
    return [
        {"label": label, "url": reverse(url_name), "current": url_name == current}
        for label, url_name, permission in NAVIGATION
        if request.user.has_perm(permission)
    ]
