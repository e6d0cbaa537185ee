"""Session plumbing only: no business rules live in signals."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SESSION_SIGNED_IN_AT = "aligns_signed_in_at"


@receiver(user_logged_in)
def stamp_sign_in_time(sender, request, user, **kwargs):
    request.session[SESSION_SIGNED_IN_AT] = timezone.now().timestamp()
