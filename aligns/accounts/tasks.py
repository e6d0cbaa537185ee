from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from celery import shared_task
from django.conf import settings
from django.core import management
from django.utils import timezone

from aligns.accounts import emails
from aligns.accounts.models import FormSubmission
from aligns.mail import email_task


@shared_task
def clear_expired_sessions():
    """Remove expired sessions so signed-out sessions do not pile up in the database."""
    management.call_command("clearsessions")


@shared_task
def delete_old_sign_in_records():
    """Every night: sign-in and failed sign-in records (email and IP addresses) older than
    ALIGNS_SIGN_IN_RECORDS_DAYS. Returns how many went."""
    days = settings.ALIGNS_SIGN_IN_RECORDS_DAYS
    return AxesProxyHandler.reset_logs(age_days=days) + AxesProxyHandler.reset_failure_logs(
        age_days=days
    )


@shared_task
def delete_old_form_submissions():
    """Every night: forget the one-time tokens of forms posted more than ALIGNS_FORM_TOKEN_DAYS
    ago. Returns how many went."""
    cutoff = timezone.now() - timedelta(days=settings.ALIGNS_FORM_TOKEN_DAYS)
    return FormSubmission.objects.filter(created_at__lt=cutoff).delete()[0]


@shared_task
def ping():
    """Answer 'pong': proves a worker is consuming from the configured broker."""
    return "pong"


@shared_task
def delete_unconfirmed_account_requests_task():
    """Every hour: requests for an account whose email address was not confirmed in time, and
    those declined longer ago than ALIGNS_DECLINED_REQUEST_DAYS."""
    from aligns.accounts.services import (
        account_requests_delete_declined,
        account_requests_delete_unconfirmed,
    )

    return account_requests_delete_unconfirmed() + account_requests_delete_declined()


# --- Emails, queued after commit by the services (aligns/mail.py) ---------------------------


@email_task
def email_invitation_task(*, user_id, invited_by_id, site):
    emails.email_invitation(user_id=user_id, invited_by_id=invited_by_id, site=site)


@email_task
def email_request_confirmation_task(*, account_request_id, site):
    emails.email_request_confirmation(account_request_id=account_request_id, site=site)


@email_task
def email_coordinators_request_waiting_task(*, scheme_id):
    emails.email_coordinators_request_waiting(scheme_id=scheme_id)


@email_task
def email_request_declined_task(*, account_request_id):
    emails.email_request_declined(account_request_id=account_request_id)


@email_task
def email_password_reset_task(*, user_ids, protocol, domain):
    emails.email_password_reset(user_ids=user_ids, protocol=protocol, domain=domain)
