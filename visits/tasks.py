from celery import shared_task


@shared_task
def run_sweeps_task():
    """Every few minutes: reminders, overdue calls, week-6 reviews, unacknowledged concerns and
    unanswered offers. The messages they queue are sent by the outbox's dispatch, nudged here
    so they go at once rather than at the next minute."""
    from aligns.outbox.tasks import dispatch_task
    from aligns.queueing import queue_now
    from visits.sweeps import run_sweeps

    done = run_sweeps()
    if any(done.values()):
        queue_now(dispatch_task, {})
    return done
