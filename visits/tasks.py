from celery import shared_task

from aligns.mail import email_task
from visits import notify


@shared_task
def run_sweeps_task():
    """Every few minutes: reminders, overdue calls, week-6 reviews, unacknowledged concerns."""
    from visits.sweeps import run_sweeps  # which queues the email tasks below

    return run_sweeps()


# --- Emails, queued after commit (aligns/mail.py) ------------------------------------------


@email_task
def notify_coordinators_task(
    *, concern_id=None, call_id=None, episode_id=None, assignment_id=None, again=False
):
    notify.notify_coordinators(
        concern_id=concern_id, call_id=call_id, episode_id=episode_id,
        assignment_id=assignment_id, again=again,
    )  # fmt: skip


@email_task
def offer_made_task(*, assignment_id):
    notify.tell_volunteer_of_offer(assignment_id=assignment_id)


@email_task
def call_reminder_task(*, call_id):
    notify.remind_volunteer(call_id=call_id)
