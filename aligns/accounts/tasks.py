from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from celery import shared_task
from django.conf import settings
from django.core import management
from django.utils import timezone

from aligns.accounts.models import FormSubmission


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
