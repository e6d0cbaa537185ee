"""Killing workers and stopping the broker loses no email and sends none twice (aligns/outbox).

Real workers (tests/workers.py) on the configured broker (Redis in CI; locally the filesystem
broker), against the test database, with a mail backend that records every email it takes
(tests/mail_recorder.py), counted by Message-ID. How hard they push:

- ALIGNS_FAULT_TRIALS (4 here; `make faults` runs 24): each trial kills a worker with SIGKILL at
  a random moment of a sweep or of a dispatch: before its commit, just after, or while an email
  is being sent.
- ALIGNS_FAULT_OUTAGE_SECONDS (3 here; `make faults`: 20): how long Redis is stopped while people
  ask for emails.

A worker killed after the mail server took an email but before its row was marked sent sends it
again once the lease ends: that is the one duplicate possible, and it carries the same
Message-ID, so the receiving side sees one email. The tests count both.
"""

import datetime
import os
import random
import shutil
import socket
import subprocess
import time
from collections import Counter
from contextlib import contextmanager, suppress

import kombu.pools
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from aligns.accounts.models import Role
from aligns.accounts.tasks import ping
from aligns.outbox.models import Message, MessageStatus
from aligns.outbox.services import message_id
from aligns.outbox.tasks import dispatch_task
from tests.mail_recorder import deliveries
from tests.task_markers import started
from tests.visits.conftest import vetted_volunteer
from tests.workers import Worker, new_queue
from visits.figures import needs_kept
from visits.models import Assignment, AssignmentStatus, ScheduledCall
from visits.sweeps import sweep_reminders
from visits.tasks import run_sweeps_task

TRIALS = int(os.environ.get("ALIGNS_FAULT_TRIALS", "4"))
OUTAGE_SECONDS = float(os.environ.get("ALIGNS_FAULT_OUTAGE_SECONDS", "3"))
CALLS_PER_TRIAL = 25
SENDING_MS = 30  # each email takes this long to send, so kills land while sending


@pytest.fixture
def mail_log(tmp_path):
    return tmp_path / "deliveries.jsonl"


@pytest.fixture
def task_log(tmp_path):
    return tmp_path / "tasks.log"


@pytest.fixture
def worker_environment(mail_log, task_log):
    return {
        "ALIGNS_TEST_TASK_LOG": str(task_log),
        "DJANGO_EMAIL_BACKEND": "tests.mail_recorder.RecordingBackend",
        "ALIGNS_TEST_MAIL_LOG": str(mail_log),
        "ALIGNS_TEST_MAIL_DELAY_MS": str(SENDING_MS),
        # A dead worker's messages are taken again after 2 seconds, not 10 minutes.
        "ALIGNS_OUTBOX_LEASE_SECONDS": "2",
    }


def calls_due_now(make_active_episode, scheme, count):
    """`count` calls due a minute ago, each on an episode whose volunteer has said yes."""
    home_yesterday = timezone.localdate() - datetime.timedelta(days=1)  # first call not yet due
    calls = []
    for _ in range(count):
        episode = make_active_episode(went_home=home_yesterday)
        volunteer = vetted_volunteer(
            scheme=scheme,
            given_name="Val",
            family_name="Volunteer",
            email=f"val.{episode.pk}@example.org",
            postcode="AB1 1AA",
            recorded_by=episode.opened_by,
        )
        Assignment.objects.create(
            episode=episode,
            volunteer=volunteer,
            status=AssignmentStatus.ACCEPTED,
            offered_by=episode.opened_by,
        )
        calls.append(
            ScheduledCall.objects.create(
                episode=episode, due_at=timezone.now() - datetime.timedelta(minutes=1)
            )
        )
        needs_kept([episode.pk])
    return calls


def reminder_ids(calls):
    """The Message-ID each call's reminder must arrive with, once."""
    return {message_id(f"call-reminder:{call.pk}") for call in calls}


def until(done, *, nudge, seconds=120, every=1.0):
    """Nudge (as the beat would) every `every` seconds until `done()`."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the workers did not finish in time"
        if nudge:
            with suppress(OperationalError):  # the broker not back yet: the beat tries again
                nudge()
        time.sleep(every)


def start(task, queue, task_log):
    """Send `task` to the worker and return once it has started on it."""
    before = started(task_log, task.name)
    task.apply_async(queue=queue)
    until(lambda: started(task_log, task.name) > before, nudge=None, every=0.005)


def start_sending(queue, mail_log):
    """Ask the worker to dispatch and return once its first email has gone."""
    before = len(deliveries(mail_log))
    dispatch_task.apply_async(queue=queue)
    until(lambda: len(deliveries(mail_log)) > before, nudge=None, every=0.005)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_workers_killed_during_sweeps_and_dispatches_lose_no_reminder_and_send_none_twice(
    make_active_episode, scheme, mail_log, task_log, worker_environment
):
    seed = random.SystemRandom().randrange(10**6)
    rng = random.Random(seed)  # noqa: S311 - when to kill, not a secret # nosec B311
    queue = new_queue()
    calls, killed_at = [], Counter()
    reminders = Message.objects.filter(kind="call_reminder")
    for trial in range(TRIALS):
        these = calls_due_now(make_active_episode, scheme, CALLS_PER_TRIAL)
        calls += these
        worker = Worker(queue, **worker_environment).start()
        try:
            ping.apply_async(queue=queue).get(timeout=60)  # up and reading its queue
            if trial % 2 == 0:  # during a sweep: before its commit, just after, or later
                start(run_sweeps_task, queue, task_log)
                time.sleep(rng.uniform(0, 0.03))  # the reminders commit within milliseconds
            else:  # during a dispatch, while the reminders go one by one
                sweep_reminders()
                start_sending(queue, mail_log)
                time.sleep(rng.uniform(0, 0.5))
            worker.kill()
        finally:
            worker.stop()
        mine = reminders.filter(ids__call_id__in=[call.pk for call in these])
        if trial % 2 == 0:
            killed_at["sweep: before its commit" if not mine.exists() else "sweep: after it"] += 1
        else:
            sent = mine.filter(status=MessageStatus.SENT).count()
            killed_at[
                "dispatch: once all were sent" if sent == len(these) else "dispatch: while sending"
            ] += 1

    # Then a worker that lives, and the beat's tasks until everything due has gone.
    worker = Worker(queue, **worker_environment).start()
    try:
        until(
            lambda: reminders.filter(status=MessageStatus.SENT).count() == len(calls),
            nudge=lambda: (
                run_sweeps_task.apply_async(queue=queue),
                dispatch_task.apply_async(queue=queue),
            ),
        )
    finally:
        worker.stop()

    expected = reminder_ids(calls)
    taken = Counter(deliveries(mail_log))
    lost = expected - set(taken)
    again = sum(count - 1 for count in taken.values())
    print(
        f"seed {seed}: {len(expected)} reminders, {TRIALS} workers killed "
        f"({dict(killed_at)}), {len(lost)} lost, {again} sent again under the same Message-ID"
    )
    assert not lost
    assert set(taken) == expected  # nothing else was sent
    assert reminders.count() == len(expected)  # one message per call, however often swept
    assert again <= TRIALS  # at most the email in flight when a worker died


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port):
    """A Redis of this test's own, so stopping it disturbs nothing else."""
    import redis

    server = subprocess.Popen(  # noqa: S603 - the Debian package's server, our arguments
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis(port=port, socket_connect_timeout=0.5).ping()
            return server
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "Redis did not start"
            time.sleep(0.1)


@contextmanager
def publishing_to(broker_url, monkeypatch):
    """This process's Celery app puts tasks on `broker_url` (Celery reads the variable first)."""
    from aligns.celery import app

    def repoint():
        app.pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        kombu.pools.reset()  # kombu's own pools, keyed by connection, outlive the app's

    monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
    repoint()
    try:
        yield
    finally:
        monkeypatch.undo()
        repoint()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_emails_asked_for_while_redis_is_down_are_all_sent_once_it_returns(
    coordinator, make_user, mail_log, worker_environment, monkeypatch
):
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis_server = start_redis(port)
    queue = new_queue()
    worker = Worker(
        queue, CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND=broker, **worker_environment
    ).start()
    people = [make_user(Role.VOLUNTEER, email=f"forgot.{n}@example.org") for n in range(5)]
    staff = Client()
    staff.force_login(coordinator)
    try:
        with publishing_to(broker, monkeypatch):
            redis_server.kill()
            redis_server.wait()
            stopped = time.monotonic()
            answers = []
            for person in people:
                asked = time.monotonic()
                answer = Client().post(reverse("password_reset"), {"email": person.email})
                answers.append((answer.status_code, time.monotonic() - asked))
            for n in range(3):
                asked = time.monotonic()
                answer = staff.post(
                    reverse("accounts:team_invite"),
                    {"full_name": f"New Person {n}", "email": f"new.{n}@example.org",
                     "role": "volunteer", "job_title": "", "phone": ""},
                )  # fmt: skip
                answers.append((answer.status_code, time.monotonic() - asked))
            time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
            redis_server = start_redis(port)

            until(
                lambda: not Message.objects.exclude(status=MessageStatus.SENT).exists(),
                nudge=lambda: dispatch_task.apply_async(queue=queue, retry=False),
            )
    finally:
        worker.stop()
        redis_server.kill()
        redis_server.wait()

    print(
        f"Redis stopped for {OUTAGE_SECONDS:g} s: {len(answers)} pages answered in at most "
        f"{max(seconds for _, seconds in answers):.2f} s; {len(deliveries(mail_log))} emails "
        "sent once it was back"
    )
    assert [status for status, _ in answers] == [302] * 8  # every page answered as usual
    assert max(seconds for _, seconds in answers) < 2  # and at once
    messages = Message.objects.all()
    assert messages.count() == 8
    assert Counter(deliveries(mail_log)) == Counter(message_id(m.key) for m in messages)
