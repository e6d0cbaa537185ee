"""The scheme's page of messages is for its managers: they see when email is broken."""

import rules

from aligns.accounts.rules import is_manager
from aligns.permissions import Permission

rules.add_perm(Permission.VIEW_MESSAGES, is_manager)
