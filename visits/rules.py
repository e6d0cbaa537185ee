import rules

from aligns.accounts.rules import is_coordinator, is_manager, is_volunteer
from aligns.permissions import Permission

rules.add_perm(Permission.VIEW_TODAY, is_volunteer)
# Which episodes each may log against is SupportEpisode.objects.visible_to(user).
rules.add_perm(Permission.LOG_CONTACT, is_volunteer | is_coordinator)
rules.add_perm(Permission.VIEW_EPISODES, is_coordinator | is_manager)
rules.add_perm(Permission.MANAGE_EPISODES, is_coordinator)
rules.add_perm(Permission.SHARE_SUMMARY, is_coordinator)
