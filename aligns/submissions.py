"""Form posts that make something happen only once, whatever the retries.

A page that shows such a form puts a fresh token in it (`new_token`, the `submission` field).
When the form is posted, `submit_once` runs the change and records the token with where it
led, in the same transaction; the same token posted again by the same person goes straight
there, and nothing is done twice. Without a token (an old page), the post is simply done.
"""

import uuid

from django.db import IntegrityError, transaction

from aligns.accounts.models import FormSubmission

SUBMISSION_FIELD = "submission"


def new_token():
    return uuid.uuid4().hex


def posted_token(request):
    """The token the form was posted with, or None if it carries none (or none that parses)."""
    try:
        return uuid.UUID(request.POST.get(SUBMISSION_FIELD, ""))
    except ValueError:
        return None


def form_token(request):
    """The token to put in the form: the posted one when the form comes back with errors, so
    that the post which finally succeeds is the one recorded; else a new one."""
    token = posted_token(request) if request.method == "POST" else None
    return token.hex if token else new_token()


def earlier_result(request):
    """Where this form's first post led, if the same form was posted before by this person;
    else None. Asked before the form is checked again, so a repeat never meets a check (a
    duplicate referral, say) that only the first post's own change now fails."""
    token = posted_token(request)
    if token is None or not request.user.is_authenticated:
        return None
    earlier = FormSubmission.objects.filter(user=request.user, token=token).first()
    return earlier.result_url if earlier else None


def submit_once(request, action):
    """Run `action()`, which makes the change and returns the address to go to next, once per
    token. Returns (address, done now): done now is False when the same form was posted before
    and the address is where that first post led."""
    token = posted_token(request)
    if token is None or not request.user.is_authenticated:
        return action(), True
    earlier = earlier_result(request)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            url = action()
            FormSubmission.objects.create(user=request.user, token=token, result_url=url)
    except IntegrityError:
        # The same form posted twice at once: the other post made the change and won.
        earlier = FormSubmission.objects.filter(user=request.user, token=token).first()
        if earlier is None:
            raise
        return earlier.result_url, False
    return url, True
