"""Reports are for the scheme's managers, and its coordinators if the scheme says so; an
organisation's figures, scheme by scheme and all together, for its organisation managers."""

import rules

from aligns.accounts.rules import is_coordinator, is_manager, is_organisation_manager
from aligns.permissions import Permission


@rules.predicate
def scheme_shares_reports(user):
    return bool(user.scheme_id and user.scheme.coordinators_see_reports)


can_view_reports = is_manager | (is_coordinator & scheme_shares_reports)

rules.add_perm(Permission.VIEW_DASHBOARD, is_manager)
rules.add_perm(Permission.VIEW_REPORT, can_view_reports)
rules.add_perm(Permission.CHANGE_REPORT_SETTINGS, is_manager)
rules.add_perm(Permission.VIEW_ORGANISATION_REPORTS, is_organisation_manager)
# A report being worked out by the worker: the page polls its progress (ReportExport's
# visible_to keeps each person to their own).
rules.add_perm(Permission.FOLLOW_REPORT_PROGRESS, can_view_reports | is_organisation_manager)
