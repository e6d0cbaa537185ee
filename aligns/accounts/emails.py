"""Emails about accounts: the kinds of message the account services queue (aligns/outbox),
made by the worker from ids when it sends."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from aligns.accounts.models import AccountRequest, User
from aligns.accounts.services import account_request_receive
from aligns.accounts.tokens import account_request_token, invite_link_parts
from aligns.accounts.two_factor import two_factor_required
from aligns.outbox.services import Email, coordinator_emails, message_kind


@message_kind(_("Invitation"))
def email_invitation(*, user_id, invited_by_id, site):
    """The link to set a first password, made from the account as it is now."""
    user = User.objects.select_related("scheme").get(pk=user_id)
    if not user.invitation_pending:
        return None
    uidb64, token = invite_link_parts(user)
    context = {
        "person": user,
        "invited_by": User.objects.filter(pk=invited_by_id).first(),
        "link": site + reverse("accounts:invite_accept", args=[uidb64, token]),
        "days": settings.ALIGNS_INVITE_DAYS,
        "two_factor": two_factor_required(user),
    }
    return Email("invitation", context, [user.email], language=user.preferred_language)


@message_kind(_("Confirm the address that asked for an account"))
def email_request_confirmation(*, account_request_id, site):
    """Check the request received; if it stands, the link to confirm the address."""
    account_request = account_request_receive(account_request_id=account_request_id)
    if account_request is None:
        return None
    token = account_request_token(account_request)
    context = {
        "account_request": account_request,
        "link": site + reverse("accounts:account_request_verify", args=[token]),
        "hours": settings.ALIGNS_ACCOUNT_REQUEST_VERIFY_HOURS,
    }
    return Email(
        "account_request_confirm",
        context,
        [account_request.email],
        language=account_request.language,
    )


@message_kind(_("A request for an account is waiting"))
def email_coordinators_request_waiting(*, account_request_id):
    """Tell the coordinators a request waits for them; no name in the email."""
    scheme_id = AccountRequest.objects.values_list("scheme_id", flat=True).get(
        pk=account_request_id
    )
    return coordinator_emails(scheme_id, "account_request_waiting", {})


@message_kind(_("A request for an account declined"))
def email_request_declined(*, account_request_id):
    account_request = AccountRequest.objects.select_related("scheme").get(pk=account_request_id)
    return Email(
        "account_request_declined",
        {"account_request": account_request},
        [account_request.email],
        language=account_request.language,
    )


@message_kind(_("Choose a new password"))
def email_password_reset(*, user_ids, protocol, domain):
    """The link to choose a new password, made when the email is sent (Django's reset token),
    to each account asked about that may still reset it; for an address with no account, none."""
    return [
        _email_password_reset(user, protocol=protocol, domain=domain)
        for user in User.objects.filter(pk__in=user_ids).order_by("pk")
        if user.is_active and user.has_usable_password()
    ]


def _email_password_reset(user, *, protocol, domain):
    context = {
        "email": user.email,
        "site_name": settings.ALIGNS_SERVICE_NAME,
        "protocol": protocol,
        "domain": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "user": user,
    }
    return Email("password_reset", context, [user.email], language=user.preferred_language)
