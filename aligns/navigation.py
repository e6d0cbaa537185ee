"""The header navigation: one list, each link shown only to those allowed its page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aligns.permissions import Permission

NAVIGATION = [
    (_("Your wards' referrals"), "referrals:ward_list", Permission.VIEW_WARD_REFERRALS),
    (_("Refer a patient"), "referrals:create", Permission.ADD_REFERRAL),
    (_("Triage queue"), "referrals:queue", Permission.VIEW_TRIAGE_QUEUE),
    (_("Alerts"), "visits:work_queue", Permission.VIEW_EPISODES),
    (_("Episodes"), "visits:board", Permission.VIEW_EPISODES),
    (_("Clients"), "clients:list", Permission.VIEW_CLIENT),
    (_("Directory"), "visits:directory", Permission.VIEW_EPISODES),
    (_("Today"), "visits:today", Permission.VIEW_TODAY),
    (_("Your volunteering"), "volunteers:me", Permission.VIEW_OWN_VOLUNTEERING),
    (_("Volunteers"), "records:volunteers", Permission.VIEW_VOLUNTEERS),
    (_("Dashboard"), "reports:dashboard", Permission.VIEW_DASHBOARD),
    (_("Reports"), "reports:report", Permission.VIEW_REPORT),
    (_("Schemes' figures"), "reports:organisation", Permission.VIEW_ORGANISATION_REPORTS),
    (_("Audit"), "records:audit", Permission.VIEW_LOGS),
    (_("Messages"), "outbox:messages", Permission.VIEW_MESSAGES),
    (_("Team"), "accounts:team_list", Permission.VIEW_TEAM),
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
