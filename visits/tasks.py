from celery import shared_task

from visits.sweeps import run_sweeps


@shared_task
def run_sweeps_task():
    """Every few minutes: reminders, overdue calls, week-6 reviews, unacknowledged concerns."""
    return run_sweeps()
