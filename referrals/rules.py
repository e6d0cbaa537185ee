import rules

from aligns.accounts.rules import is_coordinator, is_ward_staff
from aligns.permissions import Permission

rules.add_perm(Permission.VIEW_WARD_REFERRALS, is_ward_staff)
rules.add_perm(Permission.ADD_REFERRAL, is_ward_staff)
rules.add_perm(Permission.WITHDRAW_REFERRAL, is_ward_staff)
rules.add_perm(Permission.VIEW_TRIAGE_QUEUE, is_coordinator)
rules.add_perm(Permission.DECIDE_REFERRAL, is_coordinator)
# Which referrals each may open is Referral.objects.visible_to(user).
rules.add_perm(Permission.VIEW_REFERRAL, is_ward_staff | is_coordinator)
rules.add_perm(Permission.SHARE_REFERRAL, is_coordinator)
rules.add_perm(Permission.UPDATE_DISCHARGE, is_ward_staff | is_coordinator)
