"""The links ALIGNS emails: an invitation to set a password, and confirming a request's address.

Both are Django's own machinery. The invitation is a password-reset token with its own salt (so
neither kind of link works as the other) and its own lifetime (ALIGNS_INVITE_DAYS); like a reset
token it stops working once the password is set, because the password is part of what it signs.
Re-sending an invitation or deactivating the person gives them a new unusable password, which
ends the old link the same way. The confirmation link is a signed, timestamped request id.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from aligns.accounts.models import AccountRequest

DAY_SECONDS = 24 * 60 * 60


class InviteTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "aligns.accounts.tokens.InviteTokenGenerator"

    @property
    def timeout(self):
        return settings.ALIGNS_INVITE_DAYS * DAY_SECONDS

    def _make_hash_value(self, user, timestamp):
        # Django's (id, password, last sign-in, time, email) and whether the account is active.
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"

    def check_token(self, user, token):
        """Django's check, against this generator's lifetime: Django's own `check_token` reads
        PASSWORD_RESET_TIMEOUT (an hour), far too short for someone invited by email."""
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not 0 <= self._num_seconds(self._now()) - issued <= self.timeout:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, issued, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invite_tokens = InviteTokenGenerator()


def invite_link_parts(user):
    """The (uidb64, token) of a new invitation link for `user`, as stored now."""
    return urlsafe_base64_encode(force_bytes(user.pk)), invite_tokens.make_token(user)


REQUEST_SALT = "aligns.accounts.tokens.account_request"


def _email_digest(account_request):
    """Ties a link to the address it was sent to, without the address itself: a signed value
    is readable by anyone, and a link's path ends up in access logs."""
    return salted_hmac(REQUEST_SALT, account_request.email.lower()).hexdigest()[:24]


def account_request_token(account_request):
    """Signed (with the time) id of a request and digest of its address, for the link."""
    return signing.dumps([account_request.pk, _email_digest(account_request)], salt=REQUEST_SALT)


def account_request_from_token(token):
    """The request a confirmation link's token names, or None if it names none, has expired,
    or was sent to another address."""
    try:
        request_id, digest = signing.loads(
            token,
            salt=REQUEST_SALT,
            max_age=settings.ALIGNS_ACCOUNT_REQUEST_VERIFY_HOURS * 60 * 60,
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(request_id, int) or not isinstance(digest, str):
        return None
    account_request = AccountRequest.objects.filter(pk=request_id).first()
    if account_request is None or not constant_time_compare(digest, _email_digest(account_request)):
        return None
    return account_request
