import rules

from aligns.accounts.rules import is_manager

rules.add_perm("reports.view_dashboard", is_manager)
