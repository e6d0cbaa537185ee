import rules

from aligns.accounts.rules import is_coordinator, is_manager, is_volunteer
from aligns.permissions import Permission

# Which volunteers each may see is Volunteer.objects.visible_to(user): a volunteer only themselves.
rules.add_perm(Permission.VIEW_VOLUNTEERS, is_coordinator | is_manager)
rules.add_perm(Permission.MANAGE_VOLUNTEERS, is_coordinator)
rules.add_perm(Permission.MATCH_VOLUNTEERS, is_coordinator)
rules.add_perm(Permission.VIEW_OWN_VOLUNTEERING, is_volunteer)
