"""What the access log calls each page that writes to it: a name a manager reads, not an
address. tests/records/test_access_logging.py fails for a page that logs without one."""

from django.utils.translation import gettext_lazy as _

PAGE_NAMES = {
    # Records
    "records:client": _("Client record"),
    "records:subject_access": _("Subject access copy"),
    "records:volunteer": _("Volunteer record"),
    "records:history": _("Change history"),
    # Clients
    "clients:edit": _("Change the client's details"),
    "clients:consent": _("Record consent"),
    "clients:assessment": _("Risk assessment"),
    "clients:assessment_edit": _("Risk assessment answers"),
    "clients:reassessment": _("Require a reassessment"),
    "clients:goal_new": _("Set a goal"),
    "clients:goal_review": _("Review a goal"),
    "clients:measure_new": _("Record an outcome measure"),
    # Referrals
    "referrals:detail": _("Referral"),
    "referrals:decline": _("Decline a referral"),
    "referrals:withdraw": _("Withdraw a referral"),
    "referrals:discharge": _("Discharge dates"),
    "referrals:fhir": _("Share a referral as FHIR"),
    # Support
    "visits:episode": _("Support episode"),
    "visits:today": _("Volunteer's Today"),
    "visits:offers": _("Volunteer's offers"),
    "visits:offer_decline": _("Decline an offer"),
    "visits:offer_withdraw": _("Withdraw an offer"),
    "visits:support_hand_over": _("Hand a client to another volunteer"),
    "visits:match": _("Find a volunteer"),
    "visits:log": _("Log a call or visit"),
    "visits:concern": _("Concern"),
    "visits:concern_sent": _("Concern sent"),
    "visits:extend": _("Extend support"),
    "visits:readmit": _("Record a readmission"),
    "visits:return_home": _("Record the return home"),
    "visits:close": _("Close support"),
    "visits:visit_new": _("Plan a home visit"),
    "visits:onward_new": _("Record an onward referral"),
    "visits:share_summary": _("Share the outcome summary"),
    # The team and the reports
    "accounts:team_member_detail": _("Team member"),
    "accounts:team_member_deactivate": _("Deactivate a team member"),
    "accounts:team_member_role": _("Change a team member's role"),
    "reports:report": _("Commissioner report"),
    "reports:organisation": _("Schemes' figures (organisation)"),
    "reports:organisation_scheme": _("Commissioner report (organisation)"),
    "reports:organisation_report": _("Commissioner report, all schemes (organisation)"),
    "reports:export_download": _("Report file download"),
}


def page_name(url_name):
    return PAGE_NAMES.get(url_name, url_name)
