from celery import shared_task

from aligns.mail import email_task
from volunteers.services import email_expiry_reminder, send_expiry_reminders


@shared_task
def send_expiry_reminders_task():
    """Daily: remind volunteers and coordinators of DBS rechecks and training due to expire."""
    return send_expiry_reminders()


@email_task
def email_expiry_reminder_task(*, reminder_id):
    email_expiry_reminder(reminder_id=reminder_id)
