"""Every email goes through the outbox (aligns/outbox): a row written with the change, sent by
the worker's dispatch, tried again while the mail server is down, once per key.

`queued_tasks` (tests/conftest.py) records what a request asks the broker for instead of running
it; `sent()` runs what a request does after commit (with Celery eager: the dispatch itself);
`send_messages` is the dispatch the beat runs every minute; `mail_server_down` makes every
email fail.

The tests of two at once (tests/concurrency.py) run on PostgreSQL only, as CI does: SQLite
has no row locks and no SKIP LOCKED (it serialises every write), so there nothing would race.
"""

import datetime
import logging
import time

import pytest
import time_machine
from celery import Celery
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from aligns.accounts.emails import email_invitation, email_request_declined
from aligns.accounts.models import AccountRequest, Role, User
from aligns.accounts.services import user_invite
from aligns.outbox.models import Message, MessageStatus
from aligns.outbox.services import (
    MAX_ATTEMPTS,
    NOBODY_TO_SEND_TO,
    RETRY_LONGEST_WAIT,
    _claim,
    lease,
    message_id,
    queue_email,
)
from aligns.outbox.tasks import delete_old_messages_task
from aligns.queueing import queue_now
from tests.concurrency import at_once
from tests.factories import SchemeFactory

DISPATCH = "aligns.outbox.tasks.dispatch_task"
INVITEE = {
    "full_name": "Imogen Invitee",
    "email": "imogen.invitee@example.org",
    "role": "volunteer",
    "job_title": "",
    "phone": "",
}


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """`with sent():` around a request runs what it does after commit: it nudges the worker,
    which (Celery eager in tests) dispatches there and then."""
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


def invite(coordinator, email=INVITEE["email"]):
    return user_invite(
        scheme=coordinator.scheme,
        email=email,
        full_name=INVITEE["full_name"],
        role=Role.VOLUNTEER,
        by=coordinator,
        site="https://aligns.example.org",
    )


# --- A change writes its message; a request never waits on the mail server ----------------


def test_inviting_someone_while_the_mail_server_is_down_still_invites_them_and_the_email_waits(
    client, coordinator, mail_server_down, sent
):
    client.force_login(coordinator)

    with sent():
        response = client.post(reverse("accounts:team_invite"), INVITEE)

    person = User.objects.get(email=INVITEE["email"])
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:team_member_detail", args=[person.pk])
    assert "The invitation is on its way" in client.get(response["Location"]).content.decode()
    message = Message.objects.get()
    assert (message.kind, message.scheme_id, message.ids) == (
        "email_invitation",
        coordinator.scheme_id,
        {"user_id": person.pk, "invited_by_id": coordinator.pk, "site": "http://testserver"},
    )
    assert mail_server_down.tried == 1  # tried once, straight after the change committed
    assert (message.status, message.last_error) == (
        MessageStatus.WAITING,
        "SMTPServerDisconnected",
    )


def test_a_change_rolled_back_leaves_no_message(coordinator, send_messages):
    with pytest.raises(RuntimeError), transaction.atomic():
        invite(coordinator)
        raise RuntimeError("something after the invitation failed")

    send_messages()

    assert (Message.objects.count(), mail.outbox) == (0, [])


def test_asking_for_an_account_is_the_same_work_for_every_address_and_the_worker_decides(
    requests_scheme, make_user, queued_tasks, sent, send_messages
):
    """The same answer, the same queries and the same one message for a new address, one with
    an account and one with an open request, so neither the page nor its timing says which is
    which; the worker then emails only the new address."""
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
    assert [name for name, _kwargs, _options in queued_tasks] == [DISPATCH] * 3
    assert [m.kind for m in Message.objects.order_by("pk")] == ["email_request_confirmation"] * 3
    assert mail.outbox == []

    send_messages()

    assert [message.to for message in mail.outbox] == [["rhiannon.requester@nhs.net"]]
    assert AccountRequest.objects.get().email == "rhiannon.requester@nhs.net"
    assert sorted(Message.objects.values_list("status", flat=True)) == [
        MessageStatus.NOT_NEEDED,
        MessageStatus.NOT_NEEDED,
        MessageStatus.SENT,
    ]


# --- When the broker cannot be reached --------------------------------------------------------


def test_a_broker_that_cannot_be_reached_delays_the_email_and_loses_nothing(
    client, coordinator, monkeypatch, caplog, sent, send_messages
):
    from celery.app.task import Task

    def broker_down(task, *args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", broker_down)
    client.force_login(coordinator)

    with caplog.at_level(logging.ERROR, logger="aligns.queueing"), sent():
        response = client.post(reverse("accounts:team_invite"), INVITEE)

    person = User.objects.get(email=INVITEE["email"])
    assert response["Location"] == reverse("accounts:team_member_detail", args=[person.pk])
    [line] = [record.getMessage() for record in caplog.records if record.name == "aligns.queueing"]
    assert f"{DISPATCH} {{}} not queued: OperationalError" in line
    assert mail.outbox == []

    send_messages()  # the beat's next dispatch, once the broker is back

    assert [message.to for message in mail.outbox] == [[person.email]]
    assert Message.objects.get().status == MessageStatus.SENT


def test_nudging_the_worker_gives_up_quickly_on_a_broker_that_refuses_connections(
    caplog, monkeypatch
):
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


# --- The dispatcher -------------------------------------------------------------------------


def test_the_dispatcher_tries_again_with_growing_waits_then_fails_the_message_with_its_reason(
    coordinator, mail_server_down, send_messages, caplog
):
    person = invite(coordinator)
    message = Message.objects.get()
    waits = []
    with caplog.at_level(logging.INFO), time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(MAX_ATTEMPTS):
            tried_at = timezone.now()
            send_messages()
            message.refresh_from_db()
            if message.status != MessageStatus.WAITING:
                break
            assert send_messages() == 0  # not again before its time
            waits.append(message.next_attempt_at - tried_at)
            clock.move_to(message.next_attempt_at)

    assert mail_server_down.tried == MAX_ATTEMPTS
    assert (message.status, message.last_error) == (
        MessageStatus.FAILED,
        "SMTPServerDisconnected",
    )
    assert len(waits) == MAX_ATTEMPTS - 1
    first = datetime.timedelta(minutes=1)
    for number, wait in enumerate(waits):
        longest = min(first * 2**number, RETRY_LONGEST_WAIT)
        assert longest / 2 <= wait <= longest
    assert f"'user_id': {person.pk}" in caplog.text  # the log says which, by id
    for personal in (person.email, person.full_name, coordinator.email, coordinator.full_name):
        assert personal.lower() not in caplog.text.lower()

    send_messages()  # a failed message is not tried again
    assert mail_server_down.tried == MAX_ATTEMPTS


def test_a_message_waiting_for_the_mail_server_goes_when_it_is_back(
    coordinator, mail_server_down, send_messages, settings
):
    person = invite(coordinator)
    send_messages()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    with time_machine.travel(Message.objects.get().next_attempt_at, tick=False):
        send_messages()

    assert [email.to for email in mail.outbox] == [[person.email]]
    message = Message.objects.get()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, "")


def test_a_message_about_a_row_since_deleted_is_not_needed_and_not_tried_again(db, send_messages):
    queue_email(email_request_declined, account_request_id=0)

    send_messages()
    send_messages()

    message = Message.objects.get()
    assert (message.status, message.attempts, mail.outbox) == (MessageStatus.NOT_NEEDED, 1, [])


def test_the_same_key_twice_is_one_message_sent_once(coordinator, send_messages):
    person = invite(coordinator)
    ids = {"user_id": person.pk, "invited_by_id": None, "site": "https://x.example"}
    Message.objects.all().delete()

    queue_email(email_invitation, key=f"invitation:{person.pk}", **ids)
    queue_email(email_invitation, key=f"invitation:{person.pk}", **ids)
    send_messages()
    queue_email(email_invitation, key=f"invitation:{person.pk}", **ids)  # even once it is sent
    send_messages()

    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_message_claimed_by_a_worker_that_died_is_sent_once_its_lease_ends(
    coordinator, send_messages
):
    person = invite(coordinator)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        [claimed] = _claim(batch=10)  # a worker took it, then was killed before sending

        assert send_messages() == 0  # another worker leaves it alone while the lease runs
        clock.shift(lease())
        assert send_messages() == 1

    assert [email.to for email in mail.outbox] == [[person.email]]
    assert Message.objects.get(pk=claimed.pk).attempts == 2


def test_every_try_of_a_message_carries_the_same_message_id_and_no_ids(
    coordinator, settings, send_messages
):
    """A second copy (a worker killed after the mail server took the email but before the row
    was marked sent) has the first's Message-ID, so mail systems see one email."""
    invite(coordinator)
    message = Message.objects.get()
    send_messages()
    # As if the worker had been killed before marking it sent, and its lease had ended.
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.WAITING, next_attempt_at=timezone.now()
    )
    send_messages()

    first, second = (email.extra_headers["Message-ID"] for email in mail.outbox)
    assert first == second == message_id(message.key)
    assert "12345" not in message_id("call-reminder:12345")  # no ids in headers
    assert message_id(message.key) != message_id(f"{message.key}x")


def test_an_alert_with_nobody_to_send_it_to_fails_where_the_scheme_can_see_it(
    scheme, send_messages, make_user
):
    """A scheme with no active coordinator: the alert reaches nobody, so it is not 'sent'."""
    from aligns.accounts.emails import email_coordinators_request_waiting

    account_request = AccountRequest.objects.create(
        scheme=scheme, full_name="R", email="r@nhs.net", job_title="Nurse", workplace="Ward 1"
    )
    make_user(Role.COORDINATOR, is_active=False)
    queue_email(
        email_coordinators_request_waiting,
        scheme_id=scheme.pk,
        account_request_id=account_request.pk,
    )

    send_messages()

    message = Message.objects.get()
    assert (message.status, message.last_error) == (MessageStatus.FAILED, NOBODY_TO_SEND_TO)
    assert mail.outbox == []


def test_old_messages_are_deleted_nightly_but_never_one_still_waiting(
    coordinator, send_messages, settings
):
    settings.ALIGNS_MESSAGES_DAYS = 30
    long_ago = timezone.now() - datetime.timedelta(days=31)
    with time_machine.travel(long_ago, tick=False):
        invite(coordinator, email="sent.long.ago@example.org")
        invite(coordinator, email="waiting.long.ago@example.org")
        send_messages()
    waiting = Message.objects.get(ids__user_id=User.objects.get(email__startswith="waiting").pk)
    Message.objects.filter(pk=waiting.pk).update(  # still being tried
        status=MessageStatus.WAITING, next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    invite(coordinator, email="sent.today@example.org")
    send_messages()

    assert delete_old_messages_task() == 1
    assert sorted(Message.objects.values_list("status", flat=True)) == [
        MessageStatus.SENT,
        MessageStatus.WAITING,
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="skip_locked needs PostgreSQL (set DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_each_message_once(coordinator, queued_tasks):
    from aligns.outbox.services import dispatch

    for number in range(40):
        invite(coordinator, email=f"dispatched.to.{number}@example.org")
    counts = at_once(lambda: dispatch(batch=5), lambda: dispatch(batch=5))

    assert sum(counts) == 40
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        f"dispatched.to.{number}@example.org" for number in range(40)
    )


# --- Pages anyone can use do the same work for every address, and are limited ----------------


def ask_for_a_reset(email, sent, ip="192.0.2.10"):
    with sent():
        return Client(REMOTE_ADDR=ip).post(reverse("password_reset"), {"email": email})


def test_a_password_reset_is_the_same_work_for_every_address_and_the_worker_decides(
    volunteer, queued_tasks, sent, send_messages
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
    assert [name for name, _kwargs, _options in queued_tasks] == [DISPATCH] * 2
    assert [m.kind for m in Message.objects.all()] == ["email_password_reset"] * 2
    send_messages()
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


# --- The scheme's page of messages ------------------------------------------------------------


def failed_invitation(coordinator, email):
    invite(coordinator, email=email)
    Message.objects.filter(ids__user_id=User.objects.get(email=email).pk).update(
        status=MessageStatus.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTPRecipientsRefused 550"
    )


def test_a_manager_sees_their_schemes_failed_emails_with_the_reason_and_nothing_they_say(
    client, manager, coordinator, make_user
):
    failed_invitation(coordinator, "bounced@example.org")
    elsewhere = make_user(Role.COORDINATOR, scheme=SchemeFactory())
    failed_invitation(elsewhere, "elsewhere@example.org")
    client.force_login(manager)

    page = client.get(reverse("outbox:messages"), {"show": "failed"}).content.decode()

    assert page.count("SMTPRecipientsRefused 550") == 1  # theirs, not the other scheme's
    assert "Invitation" in page
    assert "bounced@example.org" not in page and INVITEE["full_name"] not in page


def test_the_dashboard_warns_a_manager_when_emails_fail_and_not_otherwise(
    client, manager, coordinator, send_messages
):
    client.force_login(manager)
    invite(coordinator, email="fine@example.org")
    send_messages()
    assert (
        "Emails are not going out" not in client.get(reverse("reports:dashboard")).content.decode()
    )

    failed_invitation(coordinator, "bounced@example.org")
    page = client.get(reverse("reports:dashboard")).content.decode()

    assert "Emails are not going out" in page
    assert "1 email failed in the last day" in page
    assert f'href="{reverse("outbox:messages")}?show=failed"' in page


def test_an_email_waiting_too_long_is_a_warning_too(client, manager, coordinator):
    client.force_login(manager)
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=16)):
        invite(coordinator, email="slow@example.org")  # no worker has sent it since

    page = client.get(reverse("outbox:messages")).content.decode()

    assert "1 email has waited more than 15 minutes" in page
    assert "Waiting (1)" in page


def test_the_page_of_messages_costs_the_same_however_many_there_are(client, manager, coordinator):
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    costs = []
    for how_many in (3, 120):
        Message.objects.all().delete()
        for number in range(how_many):
            queue_email(
                email_request_declined, scheme_id=manager.scheme_id, account_request_id=number
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("outbox:messages")).status_code == 200
        costs.append(len(queries.captured_queries))

    assert costs[0] == costs[1], costs
