import rules

from aligns.accounts.rules import is_coordinator, is_manager
from aligns.permissions import Permission

# Which clients each may open is Client.objects.visible_to(user).
rules.add_perm(Permission.VIEW_CLIENT, is_coordinator | is_manager)
rules.add_perm(Permission.SUBJECT_ACCESS, is_coordinator | is_manager)
rules.add_perm(Permission.CHANGE_CLIENT, is_coordinator)
rules.add_perm(Permission.ASSESS_CLIENT, is_coordinator)
rules.add_perm(Permission.SECOND_SIGN_OFF, is_coordinator | is_manager)
