"""Loaded into test workers (`celery worker --include tests.task_markers`): appends each task's
name to the file named by ALIGNS_TEST_TASK_LOG as it starts, so a test can kill the worker at a
known moment of the task."""

import os

from celery.signals import task_prerun


@task_prerun.connect
def mark_started(sender=None, **kwargs):
    path = os.environ.get("ALIGNS_TEST_TASK_LOG")
    if path:
        with open(path, "a") as log:
            log.write(f"{sender.name}\n")


def started(path, name):
    """How many times the task `name` has started, by the file at `path`."""
    if not os.path.exists(path):
        return 0
    with open(path) as log:
        return sum(line.strip() == name for line in log)
