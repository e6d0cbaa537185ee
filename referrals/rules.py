import rules

from aligns.accounts.rules import is_coordinator, is_ward_staff

rules.add_perm("referrals.view_ward_referrals", is_ward_staff)
rules.add_perm("referrals.add_referral", is_ward_staff)
rules.add_perm("referrals.withdraw_referral", is_ward_staff)
rules.add_perm("referrals.view_triage_queue", is_coordinator)
rules.add_perm("referrals.decide_referral", is_coordinator)
# Which referrals each may open is Referral.objects.visible_to(user).
rules.add_perm("referrals.view_referral", is_ward_staff | is_coordinator)
rules.add_perm("referrals.share_referral", is_coordinator)
rules.add_perm("referrals.update_discharge", is_ward_staff | is_coordinator)
