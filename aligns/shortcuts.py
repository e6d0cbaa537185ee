from django.shortcuts import get_object_or_404


def get_visible_or_404(model, user, **lookup):
    """Fetch one object through the model's scoped queryset; 404 for anyone who may not see it.

    A 404 rather than a 403 so that nobody learns a record exists in another scheme.
    """
    return get_object_or_404(model.objects.visible_to(user), **lookup)
