"""The audit logs are evidence for the scheme's managers (DSPT, Caldicott reviews)."""

import rules

from aligns.accounts.rules import is_manager

rules.add_perm("audit.view_logs", is_manager)
# Every change to a record, with old and new values, deleted records too: the audit trail.
rules.add_perm("audit.view_history", is_manager)
