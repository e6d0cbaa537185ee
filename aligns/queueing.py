"""Putting work on the Celery queue from a web request, without ever failing the request.

The work goes on the queue once the request's transaction commits (a rolled-back change never
starts any), with ids only. Publishing gets two quick retries; if the broker still cannot be
reached, the failure is logged by task name and ids, `on_failure` (if given) records it where
a person will see it, and the request carries on: the change it saved stands.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

# Two more tries within half a second, then give up. Celery's default policy keeps a request
# waiting far longer, for work that is lost anyway.
QUEUE_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.3,
}


def queue_after_commit(task, *, on_failure=None, **ids):
    """Once the current transaction commits, put `task` on the queue with `ids`."""
    transaction.on_commit(lambda: queue_now(task, ids, on_failure=on_failure))


def queue_now(task, ids, *, on_failure=None):
    try:
        task.apply_async(kwargs=ids, retry=True, retry_policy=QUEUE_RETRY_POLICY)
    except Exception as error:
        # Ids only: no name or address in the log.
        logger.error("Task %s %s not queued: %s", task.name, ids, type(error).__name__)
        if on_failure is not None:
            on_failure()
