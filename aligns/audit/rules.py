"""The audit logs are evidence for the scheme's managers (DSPT, Caldicott reviews)."""

import rules

from aligns.accounts.rules import is_manager

rules.add_perm("audit.view_logs", is_manager)
