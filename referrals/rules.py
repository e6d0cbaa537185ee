import rules

from aligns.accounts.rules import is_coordinator, is_ward_staff

rules.add_perm("referrals.view_ward_referrals", is_ward_staff)
rules.add_perm("referrals.view_triage_queue", is_coordinator)
