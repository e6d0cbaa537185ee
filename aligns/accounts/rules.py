"""Who may do what, for the foundation: roles, and the rule that nothing crosses schemes.

Other apps build their permissions from these predicates in their own rules.py.
"""

import rules

from aligns.accounts.models import Role
from aligns.permissions import Permission


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
def is_organisation_manager(user):
    """Of an organisation, and of no scheme: they see figures, never a person."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.ORGANISATION_MANAGER
        and user.organisation_id
        and not user.scheme_id
    )


@rules.predicate
def in_same_scheme(user, obj):
    return obj is not None and user.scheme_id is not None and obj.scheme_id == user.scheme_id


# Which roles each role may give (inviting someone with it, or changing someone to or from it):
# coordinators run the ward staff and volunteer accounts; managers every account in the scheme.
# An organisation manager belongs to no scheme: the platform's administrator makes them.
GRANTABLE_ROLES = {
    Role.COORDINATOR: frozenset({Role.WARD_STAFF, Role.VOLUNTEER}),
    Role.MANAGER: frozenset(Role) - {Role.ORGANISATION_MANAGER},
}


@rules.predicate
def may_grant_role(user, role):
    """`role` (a Role value) is one `user` may give."""
    return role in GRANTABLE_ROLES.get(user.role, ())


@rules.predicate
def is_self(user, person):
    return person is not None and person.pk == user.pk


@rules.predicate
def holds_grantable_role(user, person):
    return person is not None and person.role in GRANTABLE_ROLES.get(user.role, ())


rules.add_perm(Permission.VIEW_TEAM, is_scheme_staff)
rules.add_perm(Permission.VIEW_TEAM_MEMBER, is_scheme_staff & in_same_scheme)
# Invite people, and decide the requests for an account from ward staff.
rules.add_perm(Permission.MANAGE_TEAM, is_scheme_staff)
rules.add_perm(Permission.GRANT_ROLE, is_scheme_staff & may_grant_role)
# Change someone's role and wards, deactivate or reactivate them, invite them again: never
# oneself, and only people holding a role one may give.
rules.add_perm(
    Permission.MANAGE_TEAM_MEMBER,
    is_scheme_staff & in_same_scheme & ~is_self & holds_grantable_role,
)
