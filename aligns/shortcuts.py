from django.shortcuts import get_object_or_404

from aligns.validators import is_plain_digits

# The largest primary key a posted id can name: beyond this a database integer overflows.
LARGEST_ID = 2**63 - 1


def get_visible_or_404(model, user, **lookup):
    """Fetch one object through the model's scoped queryset; 404 for anyone who may not see it.

    A 404 rather than a 403 so that nobody learns a record exists in another scheme.
    """
    return get_object_or_404(model.objects.visible_to(user), **lookup)


def posted_id(value):
    """The record id a form posted (a radio button's value, say), or None for anything that
    cannot be one, so a tampered value is a "not found", never a server error."""
    value = (value or "").strip()
    if not is_plain_digits(value) or len(value) > len(str(LARGEST_ID)):
        return None
    number = int(value)
    return number if 0 < number <= LARGEST_ID else None


def site_address(request):
    """The address emailed links start with: the one this request came to."""
    return f"{request.scheme}://{request.get_host()}"
