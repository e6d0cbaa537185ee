"""Reports are for the scheme's managers, and its coordinators if the scheme says so."""

import rules

from aligns.accounts.rules import is_coordinator, is_manager


@rules.predicate
def scheme_shares_reports(user):
    return bool(user.scheme_id and user.scheme.coordinators_see_reports)


can_view_reports = is_manager | (is_coordinator & scheme_shares_reports)

rules.add_perm("reports.view_dashboard", is_manager)
rules.add_perm("reports.view_report", can_view_reports)
rules.add_perm("reports.change_report_settings", is_manager)
