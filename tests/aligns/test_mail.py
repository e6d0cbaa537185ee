"""Email is sent by the Celery worker, never inside a request (aligns/mail.py).

`queued_tasks` (tests/conftest.py) turns eager mode off and records what a request queues, so
these tests see the request as production runs it; `mail_server_down` makes every email fail.
"""

import logging
import re
import time

import pytest
from celery import Celery
from django.core import mail
from django.test import Client
from django.urls import reverse
from kombu.exceptions import OperationalError

from aligns.accounts.models import AccountRequest, Role, User
from aligns.accounts.services import user_invite
from aligns.accounts.tasks import email_invitation_task, email_request_declined_task
from aligns.mail import MAX_RETRIES, EmailNotSent
from aligns.queueing import QUEUE_RETRY_POLICY, queue_now
from tests.factories import SchemeFactory

INVITATION = "aligns.accounts.tasks.email_invitation_task"
CONFIRMATION = "aligns.accounts.tasks.email_request_confirmation_task"
INVITEE = {
    "full_name": "Imogen Invitee",
    "email": "imogen.invitee@example.org",
    "role": "volunteer",
    "job_title": "",
    "phone": "",
}


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """`with sent():` around a request runs what it does after commit: it queues its emails."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def requests_scheme(db):
    return SchemeFactory(account_request_domains="nhs.net")


def ask_for_an_account(scheme, sent, email="rhiannon.requester@nhs.net"):
    data = {
        "full_name": "Rhiannon Requester",
        "email": email,
        "job_title": "Staff nurse",
        "scheme": str(scheme.pk),
        "workplace": "Ward 7",
    }
    with sent():
        return Client().post(reverse("accounts:account_request"), data)


def names_and_ids(queued_tasks):
    return [(name, kwargs) for name, kwargs, _options in queued_tasks]


def run_as_the_worker(queued_tasks):
    """Run what a request queued, in order, as the worker would."""
    from aligns.celery import app

    for name, kwargs, _options in queued_tasks:
        app.tasks[name].apply(kwargs=kwargs)


# --- A request never waits on the mail server ---------------------------------------------


def test_inviting_someone_while_the_mail_server_is_down_still_invites_them(
    client, coordinator, mail_server_down, queued_tasks, sent
):
    client.force_login(coordinator)

    with sent():
        response = client.post(reverse("accounts:team_invite"), INVITEE)

    person = User.objects.get(email=INVITEE["email"])
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:team_member_detail", args=[person.pk])
    assert "The invitation is on its way" in client.get(response["Location"]).content.decode()
    assert names_and_ids(queued_tasks) == [
        (
            INVITATION,
            {"user_id": person.pk, "invited_by_id": coordinator.pk, "site": "http://testserver"},
        )
    ]
    assert queued_tasks[0][2]["retry_policy"] == QUEUE_RETRY_POLICY
    assert (mail_server_down.tried, mail.outbox) == (0, [])


def test_even_sending_in_the_request_a_mail_server_down_is_no_error_page(
    client, coordinator, mail_server_down, sent
):
    """With CELERY_TASK_ALWAYS_EAGER (for debugging) the task runs in the request: every try
    fails there, and still the invitation is made and the page is the usual one."""
    client.force_login(coordinator)

    with sent():
        response = client.post(reverse("accounts:team_invite"), INVITEE)

    assert response.status_code == 302
    assert User.objects.filter(email=INVITEE["email"]).exists()
    assert mail_server_down.tried == MAX_RETRIES + 1


def test_asking_for_an_account_while_the_mail_server_is_down_records_the_request(
    requests_scheme, mail_server_down, queued_tasks, sent
):
    response = ask_for_an_account(requests_scheme, sent)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account_request_sent")
    account_request = AccountRequest.objects.get()
    assert names_and_ids(queued_tasks) == [
        (CONFIRMATION, {"account_request_id": account_request.pk, "site": "http://testserver"})
    ]
    assert (mail_server_down.tried, mail.outbox) == (0, [])


def test_asking_for_an_account_is_the_same_work_for_every_address_and_the_worker_decides(
    requests_scheme, make_user, queued_tasks, sent
):
    """The same answer, the same queries and the same one task for a new address, one with an
    account and one with an open request, so neither the page nor its timing says which is
    which; the worker then emails only the new address."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_user(Role.WARD_STAFF, scheme=requests_scheme, email="has.account@nhs.net")
    answers, costs = [], []
    for email in (
        "rhiannon.requester@nhs.net",
        "Has.Account@nhs.net",
        "rhiannon.requester@nhs.net",
    ):
        with CaptureQueriesContext(connection) as queries:
            answers.append(ask_for_an_account(requests_scheme, sent, email=email))
        costs.append(len(queries.captured_queries))

    assert {(r.status_code, r["Location"], r.content) for r in answers} == {
        (302, reverse("accounts:account_request_sent"), b"")
    }
    assert len(set(costs)) == 1, costs
    assert [name for name, _kwargs in names_and_ids(queued_tasks)] == [CONFIRMATION] * 3
    assert mail.outbox == []

    run_as_the_worker(queued_tasks)

    assert [message.to for message in mail.outbox] == [["rhiannon.requester@nhs.net"]]
    assert AccountRequest.objects.get().email == "rhiannon.requester@nhs.net"


# --- When the broker cannot be reached ----------------------------------------------------


def test_a_broker_that_cannot_be_reached_costs_the_email_not_the_request(
    client, coordinator, monkeypatch, caplog, sent
):
    from celery.app.task import Task

    from aligns.celery import app

    def broker_down(task, *args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(app.conf, "task_always_eager", False)
    monkeypatch.setattr(Task, "apply_async", broker_down)
    client.force_login(coordinator)

    with caplog.at_level(logging.ERROR, logger="aligns.queueing"), sent():
        response = client.post(reverse("accounts:team_invite"), INVITEE)

    person = User.objects.get(email=INVITEE["email"])
    assert response["Location"] == reverse("accounts:team_member_detail", args=[person.pk])
    [line] = [record.getMessage() for record in caplog.records if record.name == "aligns.queueing"]
    assert INVITATION in line and f"'user_id': {person.pk}" in line
    assert "not queued: OperationalError" in line
    assert person.email not in caplog.text and person.full_name not in caplog.text
    assert mail.outbox == []


def test_queueing_gives_up_quickly_on_a_broker_that_refuses_connections(caplog, monkeypatch):
    """A real Redis client against a port nobody listens on: the short retry policy, not
    kombu's longer default, decides how long the request waits."""
    # Celery prefers this variable to the broker an app is given (CI sets it to a real Redis).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    unreachable = Celery("unreachable", broker="redis://127.0.0.1:1/0", set_as_current=False)

    @unreachable.task(name="tests.nothing", ignore_result=True)
    def nothing(**ids):
        pass

    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="aligns.queueing"):
        queue_now(nothing, {"user_id": 1})
    waited = time.monotonic() - started
    unreachable.close()

    assert waited < 2
    assert "tests.nothing {'user_id': 1} not queued: OperationalError" in caplog.text


# --- The worker ---------------------------------------------------------------------------


def test_the_worker_tries_again_with_growing_waits_while_the_mail_server_is_down(
    coordinator, mail_server_down, caplog
):
    person = user_invite(
        scheme=coordinator.scheme,
        email=INVITEE["email"],
        full_name=INVITEE["full_name"],
        role=Role.VOLUNTEER,
        by=coordinator,
        site="https://aligns.example.org",
    )
    ids = {"user_id": person.pk, "invited_by_id": coordinator.pk, "site": "https://x.example"}

    with caplog.at_level(logging.INFO):
        result = email_invitation_task.apply(kwargs=ids)  # as the worker runs it, retries too

    assert result.failed() and isinstance(result.result, EmailNotSent)
    assert str(result.result) == "SMTPServerDisconnected"
    assert mail_server_down.tried == MAX_RETRIES + 1
    waits = [int(wait) for wait in re.findall(r"Retry in (\d+)s", caplog.text)]
    assert len(waits) == MAX_RETRIES
    assert all(wait <= min(60 * 2**n, 30 * 60) for n, wait in enumerate(waits))
    assert f"'user_id': {person.pk}" in caplog.text  # the log says which, by id
    for personal in (person.email, person.full_name, coordinator.email, coordinator.full_name):
        assert personal.lower() not in caplog.text.lower()


def test_one_failed_try_asks_celery_to_try_again_within_a_minute(coordinator, mail_server_down):
    from celery.exceptions import Retry

    person = user_invite(
        scheme=coordinator.scheme,
        email=INVITEE["email"],
        full_name=INVITEE["full_name"],
        role=Role.VOLUNTEER,
        by=coordinator,
        site="https://aligns.example.org",
    )
    ids = {"user_id": person.pk, "invited_by_id": None, "site": "https://x.example"}
    email_invitation_task.push_request(
        id="first-try", called_directly=False, is_eager=True, retries=0, kwargs=ids
    )
    try:
        with pytest.raises(Retry) as retry:
            email_invitation_task.run(**ids)
    finally:
        email_invitation_task.pop_request()

    assert isinstance(retry.value.exc, EmailNotSent)
    assert 0 <= retry.value.when <= 60
    assert mail_server_down.tried == 1


def test_an_email_about_a_row_since_deleted_is_not_sent_or_tried_again(db):
    result = email_request_declined_task.apply(kwargs={"account_request_id": 0})

    assert result.successful()
    assert mail.outbox == []


# --- Pages anyone can use do the same work for every address, and are limited ----------------


def ask_for_a_reset(email, sent, ip="192.0.2.10"):
    with sent():
        return Client(REMOTE_ADDR=ip).post(reverse("password_reset"), {"email": email})


def test_a_password_reset_is_the_same_work_for_every_address_and_the_worker_decides(
    volunteer, queued_tasks, sent
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    answers, costs = [], []
    for email in (volunteer.email, "nobody@example.org"):
        with CaptureQueriesContext(connection) as queries:
            answers.append(ask_for_a_reset(email, sent))
        costs.append(len(queries.captured_queries))

    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, reverse("password_reset_done"))
    }
    assert costs[0] == costs[1], costs
    assert [name for name, _kwargs in names_and_ids(queued_tasks)] == [
        "aligns.accounts.tasks.email_password_reset_task"
    ] * 2
    run_as_the_worker(queued_tasks)
    assert [message.to for message in mail.outbox] == [[volunteer.email]]


def test_password_resets_for_one_address_stop_after_the_hours_limit_with_the_same_answer(
    volunteer, settings, sent
):
    settings.ALIGNS_EMAILS_PER_ADDRESS = 3
    answers = [ask_for_a_reset(volunteer.email.upper(), sent, ip=f"192.0.2.{n}") for n in range(5)]

    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, reverse("password_reset_done"))
    }
    assert len(mail.outbox) == 3


def test_password_resets_from_one_ip_address_stop_after_the_hours_limit(make_user, settings, sent):
    settings.ALIGNS_EMAILS_PER_IP = 2
    people = [make_user(Role.VOLUNTEER) for _ in range(4)]

    for person in people:
        ask_for_a_reset(person.email, sent, ip="198.51.100.7")
    ask_for_a_reset(people[3].email, sent, ip="198.51.100.8")  # another address is not held up

    assert [message.to[0] for message in mail.outbox] == [
        people[0].email,
        people[1].email,
        people[3].email,
    ]


def test_requests_for_an_account_stop_after_the_hours_limit_with_the_same_answer(
    requests_scheme, settings, sent
):
    settings.ALIGNS_EMAILS_PER_IP = 3
    emails = [f"nurse{n}@nhs.net" for n in range(5)]

    answers = [ask_for_an_account(requests_scheme, sent, email=email) for email in emails]

    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, reverse("accounts:account_request_sent"))
    }
    assert sorted(message.to[0] for message in mail.outbox) == emails[:3]
    assert AccountRequest.objects.count() == 3
