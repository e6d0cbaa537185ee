import rules

from aligns.accounts.rules import is_coordinator, is_manager

# Which clients each may open is Client.objects.visible_to(user).
rules.add_perm("clients.view_client", is_coordinator | is_manager)
rules.add_perm("clients.subject_access", is_coordinator | is_manager)
rules.add_perm("clients.change_client", is_coordinator)
rules.add_perm("clients.assess_client", is_coordinator)
rules.add_perm("clients.second_sign_off", is_coordinator | is_manager)
