"""A real Celery worker, in its own process, against the configured broker.

Locally that is the filesystem broker under var/; CI sets CELERY_BROKER_URL to Redis.
"""

import pytest

from aligns.accounts.tasks import ping
from tests.workers import Worker, new_queue


@pytest.fixture
def worker_queue(django_db_setup):
    """A worker in its own process, started once the test database exists."""
    worker = Worker(new_queue()).start()
    yield worker.queue
    worker.stop()


@pytest.mark.celery_worker
def test_a_real_worker_runs_a_task_sent_through_the_configured_broker(worker_queue):
    result = ping.apply_async(queue=worker_queue)

    assert result.get(timeout=60) == "pong"
    assert result.successful()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_support_sweep_against_the_database(make_user, scheme, worker_queue):
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

    result = run_sweeps_task.apply_async(queue=worker_queue)

    assert result.get(timeout=90)["overdue"] == 1
    assert episode.calls.get(is_first=True).status == CallStatus.OVERDUE
    assert Alert.objects.filter(episode=episode).count() == 1
