from celery import shared_task
from django.core import management


@shared_task
def clear_expired_sessions():
    """Remove expired sessions so signed-out sessions do not pile up in the database."""
    management.call_command("clearsessions")


@shared_task
def ping():
    """Answer 'pong': proves a worker is consuming from the configured broker."""
    return "pong"
