import rules

from aligns.accounts.rules import is_coordinator, is_manager, is_volunteer

# Which volunteers each may see is Volunteer.objects.visible_to(user): a volunteer only themselves.
rules.add_perm("volunteers.view_volunteers", is_coordinator | is_manager)
rules.add_perm("volunteers.manage_volunteers", is_coordinator)
rules.add_perm("volunteers.match", is_coordinator)
rules.add_perm("volunteers.view_own", is_volunteer)
