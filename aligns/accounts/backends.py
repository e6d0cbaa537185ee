from django.contrib.auth.backends import ModelBackend


class SignInBackend(ModelBackend):
    """Signs people in with their email and password; grants no permissions to scheme users.

    Every permission of a scheme user comes from the `rules` predicates in each app's
    rules.py. Django's own per-model permissions (which the admin can hand out) share some
    of their names, so they must not count, or an admin could quietly widen a role.
    Platform administrators (no scheme) keep Django's permissions for the admin site.
    """

    def _get_permissions(self, user_obj, obj, from_name):
        if getattr(user_obj, "scheme_id", None):
            return set()
        return super()._get_permissions(user_obj, obj, from_name)
