"""The audit logs are evidence for the scheme's managers (DSPT, Caldicott reviews)."""

import rules

from aligns.accounts.rules import is_manager
from aligns.permissions import Permission

rules.add_perm(Permission.VIEW_LOGS, is_manager)
# Every change to a record, with old and new values, deleted records too: the audit trail.
rules.add_perm(Permission.VIEW_HISTORY, is_manager)
