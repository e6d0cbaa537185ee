import rules

from aligns.accounts.rules import is_volunteer

rules.add_perm("visits.view_today", is_volunteer)
