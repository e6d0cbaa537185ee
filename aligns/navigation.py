"""The header navigation: one list, each link shown only to those allowed its page."""

from django.urls import reverse

from aligns.permissions import Permission

NAVIGATION = [
    ("Your wards' referrals", "referrals:ward_list", Permission.VIEW_WARD_REFERRALS),
    ("Refer a patient", "referrals:create", Permission.ADD_REFERRAL),
    ("Triage queue", "referrals:queue", Permission.VIEW_TRIAGE_QUEUE),
    ("Alerts", "visits:work_queue", Permission.VIEW_EPISODES),
    ("Episodes", "visits:board", Permission.VIEW_EPISODES),
    ("Clients", "clients:list", Permission.VIEW_CLIENT),
    ("Directory", "visits:directory", Permission.VIEW_EPISODES),
    ("Today", "visits:today", Permission.VIEW_TODAY),
    ("Your volunteering", "volunteers:me", Permission.VIEW_OWN_VOLUNTEERING),
    ("Volunteers", "records:volunteers", Permission.VIEW_VOLUNTEERS),
    ("Dashboard", "reports:dashboard", Permission.VIEW_DASHBOARD),
    ("Reports", "reports:report", Permission.VIEW_REPORT),
    ("Schemes' figures", "reports:organisation", Permission.VIEW_ORGANISATION_REPORTS),
    ("Audit", "records:audit", Permission.VIEW_LOGS),
    ("Messages", "outbox:messages", Permission.VIEW_MESSAGES),
    ("Team", "accounts:team_list", Permission.VIEW_TEAM),
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
