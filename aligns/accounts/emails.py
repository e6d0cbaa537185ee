"""Emails about accounts. Called after commit, with ids, so a rollback never sends."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from aligns.accounts.models import AccountRequest, Role, User
from aligns.accounts.tokens import account_request_token, invite_link_parts


def _send(template, context, recipients):
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    context = {"service_name": settings.ALIGNS_SERVICE_NAME, **context}
    send_mail(
        render_to_string(f"emails/{template}-subject.txt", context).strip(),
        render_to_string(f"emails/{template}-body.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


def email_invitation(*, user_id, invited_by_id, site):
    """The link to set a first password, made from the account as it is now."""
    user = User.objects.select_related("scheme").get(pk=user_id)
    if not user.invitation_pending:
        return
    uidb64, token = invite_link_parts(user)
    context = {
        "person": user,
        "invited_by": User.objects.filter(pk=invited_by_id).first(),
        "link": site + reverse("accounts:invite_accept", args=[uidb64, token]),
        "days": settings.ALIGNS_INVITE_DAYS,
        "two_factor": user.role in (Role.COORDINATOR, Role.MANAGER),
    }
    _send("invitation", context, [user.email])


def email_request_confirmation(*, account_request_id, site):
    account_request = AccountRequest.objects.select_related("scheme").get(pk=account_request_id)
    token = account_request_token(account_request)
    context = {
        "account_request": account_request,
        "link": site + reverse("accounts:account_request_verify", args=[token]),
        "hours": settings.ALIGNS_ACCOUNT_REQUEST_VERIFY_HOURS,
    }
    _send("account_request_confirm", context, [account_request.email])


def email_coordinators_request_waiting(*, scheme_id):
    """Tell the coordinators a request waits for them; no name in the email."""
    coordinators = User.objects.filter(
        scheme_id=scheme_id, role=Role.COORDINATOR, is_active=True
    ).values_list("email", flat=True)
    _send("account_request_waiting", {}, coordinators)


def email_request_declined(*, account_request_id):
    account_request = AccountRequest.objects.select_related("scheme").get(pk=account_request_id)
    _send("account_request_declined", {"account_request": account_request}, [account_request.email])
