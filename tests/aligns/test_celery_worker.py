"""A real Celery worker, in its own process, against the configured broker.

Locally that is the filesystem broker under var/; CI sets CELERY_BROKER_URL to Redis.
"""

import os
import subprocess
import sys
import uuid

import pytest

from aligns.accounts.tasks import ping

QUEUE = f"test-{uuid.uuid4().hex[:12]}"  # its own queue: never steals other work


def worker_queue_name():
    return QUEUE


def _test_database_url():
    """The database the tests use, so the worker reads and writes the same rows."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture(autouse=True)
def worker_queue(django_db_setup):
    """A worker in its own process, started once the test database exists."""
    queue = QUEUE
    environment = {**os.environ, "DATABASE_URL": _test_database_url()}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "aligns",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
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


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_support_sweep_against_the_database(make_user, scheme):
    """End to end: the beat task, through the broker, to a worker, to the rows."""
    import datetime

    from django.utils import timezone

    from referrals.services import referral_accept
    from tests.factories import ReferralFactory
    from visits.models import Alert, CallStatus
    from visits.tasks import run_sweeps_task

    coordinator = make_user("coordinator")
    went_home = timezone.localdate() - datetime.timedelta(days=5)
    referral = ReferralFactory(
        ward__hospital__scheme=scheme,
        actual_discharge_date=went_home,
        expected_discharge_date=went_home,
    )
    _, episode = referral_accept(referral=referral, by=coordinator)

    result = run_sweeps_task.apply_async(queue=worker_queue_name())

    assert result.get(timeout=90)["overdue"] == 1
    assert episode.calls.get(is_first=True).status == CallStatus.OVERDUE
    assert Alert.objects.filter(episode=episode).count() == 1
