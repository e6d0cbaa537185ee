"""A real Celery worker, in its own process, against the configured broker.

Locally that is the filesystem broker under var/; CI sets CELERY_BROKER_URL to Redis.
"""

import os
import subprocess
import sys
import uuid

import pytest

from aligns.accounts.tasks import ping


@pytest.fixture
def worker_queue():
    queue = f"test-{uuid.uuid4().hex[:12]}"  # its own queue: never steals other work
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "aligns", "worker",
            "--pool=solo", "--queues", queue, "--loglevel=WARNING",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        if worker.returncode not in (0, -15):
            print(output.decode(errors="replace"))


@pytest.mark.celery_worker
def test_a_real_worker_runs_a_task_sent_through_the_configured_broker(worker_queue):
    result = ping.apply_async(queue=worker_queue)

    assert result.get(timeout=60) == "pong"
    assert result.successful()
