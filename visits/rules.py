import rules

from aligns.accounts.rules import is_coordinator, is_manager, is_volunteer

rules.add_perm("visits.view_today", is_volunteer)
# Which episodes each may log against is SupportEpisode.objects.visible_to(user).
rules.add_perm("visits.log_contact", is_volunteer | is_coordinator)
rules.add_perm("visits.view_episodes", is_coordinator | is_manager)
rules.add_perm("visits.manage_episodes", is_coordinator)
rules.add_perm("visits.share_summary", is_coordinator)
