"""Who may do what, for the foundation: roles, and the rule that nothing crosses schemes.

Other apps build their permissions from these predicates in their own rules.py.
"""

import rules

from aligns.accounts.models import Role


def _has_role(role):
    @rules.predicate(name=f"is_{role.value}")
    def predicate(user):
        return bool(
            user.is_authenticated and user.is_active and user.scheme_id and user.role == role
        )

    return predicate


is_ward_staff = _has_role(Role.WARD_STAFF)
is_coordinator = _has_role(Role.COORDINATOR)
is_volunteer = _has_role(Role.VOLUNTEER)
is_manager = _has_role(Role.MANAGER)
is_scheme_staff = is_coordinator | is_manager


@rules.predicate
def in_same_scheme(user, obj):
    return obj is not None and user.scheme_id is not None and obj.scheme_id == user.scheme_id


rules.add_perm("accounts.view_team", is_scheme_staff)
rules.add_perm("accounts.view_team_member", is_scheme_staff & in_same_scheme)
