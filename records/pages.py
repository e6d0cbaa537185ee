"""What the access log calls each page that writes to it: a name a manager reads, not an
address. tests/records/test_access_logging.py fails for a page that logs without one."""

PAGE_NAMES = {
    # Records
    "records:client": "Client record",
    "records:subject_access": "Subject access copy",
    "records:volunteer": "Volunteer record",
    "records:history": "Change history",
    # Clients
    "clients:edit": "Change the client's details",
    "clients:consent": "Record consent",
    "clients:assessment": "Risk assessment",
    "clients:assessment_edit": "Risk assessment answers",
    "clients:reassessment": "Require a reassessment",
    "clients:goal_new": "Set a goal",
    "clients:goal_review": "Review a goal",
    "clients:measure_new": "Record an outcome measure",
    # Referrals
    "referrals:detail": "Referral",
    "referrals:decline": "Decline a referral",
    "referrals:withdraw": "Withdraw a referral",
    "referrals:discharge": "Discharge dates",
    "referrals:fhir": "Share a referral as FHIR",
    # Support
    "visits:episode": "Support episode",
    "visits:today": "Volunteer's Today",
    "visits:offers": "Volunteer's offers",
    "visits:offer_decline": "Decline an offer",
    "visits:offer_withdraw": "Withdraw an offer",
    "visits:match": "Find a volunteer",
    "visits:log": "Log a call or visit",
    "visits:concern": "Concern",
    "visits:concern_sent": "Concern sent",
    "visits:extend": "Extend support",
    "visits:readmit": "Record a readmission",
    "visits:return_home": "Record the return home",
    "visits:close": "Close support",
    "visits:visit_new": "Plan a home visit",
    "visits:onward_new": "Record an onward referral",
    "visits:share_summary": "Share the outcome summary",
    # The team and the reports
    "accounts:team_member_detail": "Team member",
    "accounts:team_member_deactivate": "Deactivate a team member",
    "accounts:team_member_role": "Change a team member's role",
    "reports:report": "Commissioner report",
    "reports:organisation": "Schemes' figures (organisation)",
    "reports:organisation_scheme": "Commissioner report (organisation)",
    "reports:export_download": "Report file download",
}


def page_name(url_name):
    return PAGE_NAMES.get(url_name, url_name)
