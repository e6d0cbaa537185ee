"""Every permission by name: one list, used by the rules (each app's rules.py), the views,
the header navigation and the templates, so a misspelt permission fails loudly instead of
quietly refusing everyone.

Who holds each is decided by `rules` predicates in the app's rules.py; the values are the
names Django's `user.has_perm` is asked for.
"""

from enum import StrEnum


class Permission(StrEnum):
    # The team
    VIEW_TEAM = "accounts.view_team"
    VIEW_TEAM_MEMBER = "accounts.view_team_member"
    MANAGE_TEAM = "accounts.manage_team"
    GRANT_ROLE = "accounts.grant_role"
    MANAGE_TEAM_MEMBER = "accounts.manage_team_member"
    # The audit
    VIEW_LOGS = "audit.view_logs"
    VIEW_HISTORY = "audit.view_history"
    # The outbox
    VIEW_MESSAGES = "outbox.view_messages"
    # Clients
    VIEW_CLIENT = "clients.view_client"
    SUBJECT_ACCESS = "clients.subject_access"
    CHANGE_CLIENT = "clients.change_client"
    ASSESS_CLIENT = "clients.assess_client"
    SECOND_SIGN_OFF = "clients.second_sign_off"
    # Volunteers
    VIEW_VOLUNTEERS = "volunteers.view_volunteers"
    MANAGE_VOLUNTEERS = "volunteers.manage_volunteers"
    MATCH_VOLUNTEERS = "volunteers.match"
    VIEW_OWN_VOLUNTEERING = "volunteers.view_own"
    # Support episodes
    VIEW_TODAY = "visits.view_today"
    LOG_CONTACT = "visits.log_contact"
    VIEW_EPISODES = "visits.view_episodes"
    MANAGE_EPISODES = "visits.manage_episodes"
    SHARE_SUMMARY = "visits.share_summary"
    # Referrals
    VIEW_WARD_REFERRALS = "referrals.view_ward_referrals"
    ADD_REFERRAL = "referrals.add_referral"
    WITHDRAW_REFERRAL = "referrals.withdraw_referral"
    VIEW_TRIAGE_QUEUE = "referrals.view_triage_queue"
    DECIDE_REFERRAL = "referrals.decide_referral"
    VIEW_REFERRAL = "referrals.view_referral"
    SHARE_REFERRAL = "referrals.share_referral"
    UPDATE_DISCHARGE = "referrals.update_discharge"
    # Reports
    VIEW_DASHBOARD = "reports.view_dashboard"
    VIEW_REPORT = "reports.view_report"
    CHANGE_REPORT_SETTINGS = "reports.change_report_settings"
    VIEW_ORGANISATION_REPORTS = "reports.view_organisation_reports"
    FOLLOW_REPORT_PROGRESS = "reports.follow_report_progress"


class UnknownPermission(Exception):
    """A template asked for a permission that does not exist: a typo, not a refusal."""


class Can:
    """`can` in templates: `{% if can.MATCH_VOLUNTEERS %}` is whether the signed-in person
    holds Permission.MATCH_VOLUNTEERS. An unknown name stops the page (UnknownPermission is
    not one of the errors Django's templates turn into an empty value)."""

    def __init__(self, user):
        self.user = user

    def __getitem__(self, name):
        try:
            permission = Permission[name]
        except KeyError:
            raise UnknownPermission(f"No permission is called {name!r}.") from None
        return self.user.has_perm(permission)
