from django.db import transaction

from aligns.accounts.models import User
from aligns.audit.services import attribute_change


@transaction.atomic
def user_create(*, email, full_name, role, scheme, by, password=None, wards=(), phone=""):
    """Create a user of `scheme` with one role; `by` is recorded as who created them."""
    user = User(
        email=User.objects.normalize_email(email).lower(),
        full_name=full_name,
        role=role,
        scheme=scheme,
        phone=phone,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    attribute_change(user, by=by, reason="Account created")
    user.save()
    if wards:
        user.wards.set(wards)
    return user


@transaction.atomic
def user_update_contact(*, user, full_name, phone, by):
    """Change how a person is named and reached; history records `by` as the editor."""
    user.full_name = full_name
    user.phone = phone
    attribute_change(user, by=by, reason="Contact details changed")
    user.save(update_fields=["full_name", "phone"])
    return user
