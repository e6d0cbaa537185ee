from celery import shared_task

from volunteers.services import send_expiry_reminders


@shared_task
def send_expiry_reminders_task():
    """Daily: remind volunteers and coordinators of DBS rechecks and training due to expire."""
    return send_expiry_reminders()
