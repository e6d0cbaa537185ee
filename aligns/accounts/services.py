from django.db import transaction

from aligns.accounts.models import User
from aligns.audit.services import attribute_change


@transaction.atomic
def user_create(
    *, email, full_name, role, scheme, by, password=None, wards=(), phone="", job_title=""
):
    """Create a user of `scheme` with one role; `by` is recorded as who created them."""
    user = User(
        email=User.objects.normalize_email(email).lower(),
        full_name=full_name,
        role=role,
        scheme=scheme,
        phone=phone,
        job_title=job_title,
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
def user_update_contact(*, user, full_name, phone, by, job_title=None):
    """Change how a person is named and reached; history records `by` as the editor."""
    user.full_name = full_name
    user.phone = phone
    if job_title is not None:
        user.job_title = job_title
    attribute_change(user, by=by, reason="Contact details changed")
    user.save(update_fields=["full_name", "phone", "job_title"])
    return user
