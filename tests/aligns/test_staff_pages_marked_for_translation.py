"""The team pages, the requests for an account, the page of messages and the staff emails, in
the states the access matrix's world does not show (tests/aligns/test_every_page_marked.py),
in the pseudo-locale (tests/i18n.py): every word can be translated. The emails go in the
language each person chose."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import AccountRequest, RequestStatus, Role
from aligns.accounts.services import user_deactivate, user_invite
from aligns.outbox.models import Message, MessageStatus
from aligns.outbox.services import NOBODY_TO_SEND_TO, coordinator_emails
from tests.factories import HospitalFactory, WardFactory
from tests.i18n import CLOSE, OPEN, data_words, unmarked_words, wrap_translations
from tests.world import one_of_everything


def _page(client, url, data=None, **extra):
    """A page as shown (following a redirect, for the message it leaves) and its unmarked
    words, the pseudo-locale already on."""
    response = client.get(url, data or {}, follow=True, **extra)
    assert response.status_code == 200
    return response.content.decode()


def _post(client, url, data=None):
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _words(values, data):
    """The unmarked words of texts that are not a page (an email's subject and body), links
    left out."""
    text = re.sub(r"https?://\S+", " ", " ".join(str(value) for value in values))
    return unmarked_words(f"<body>{html.escape(text)}</body>", data)


@pytest.fixture
def ward(scheme):
    return WardFactory(hospital=HospitalFactory(scheme=scheme), name="Ward 7")


# --- The team -----------------------------------------------------------------------------


def test_deactivated_accounts_and_invited_people_are_described_in_marked_words(
    client, manager, coordinator, volunteer, ward, monkeypatch
):
    user_deactivate(user=volunteer, reason="Moved away", by=manager)
    invited = user_invite(
        scheme=manager.scheme, email="imogen@example.org", full_name="Imogen Invitee",
        role=Role.WARD_STAFF, wards=[ward], by=manager, site="http://testserver",
    )  # fmt: skip
    AccountRequest.objects.create(
        scheme=manager.scheme, full_name="Rhiannon Requester", email="rhiannon@example.org",
        job_title="Staff nurse", workplace="Ward 7", status=RequestStatus.WAITING,
        verified_at=timezone.now(),
    )  # fmt: skip
    client.force_login(manager)
    data = data_words()
    wrap_translations(monkeypatch)

    pages = {
        "team": _page(client, reverse("accounts:team_list")),
        "deactivated": _page(client, reverse("accounts:team_list"), {"show": "deactivated"}),
        "deactivated person": _page(
            client, reverse("accounts:team_member_detail", args=[volunteer.pk])
        ),
        "invited person": _page(client, reverse("accounts:team_member_detail", args=[invited.pk])),
        # Deactivating someone already deactivated: back to their page, with a message.
        "already deactivated": _page(
            client, reverse("accounts:team_member_deactivate", args=[volunteer.pk])
        ),
    }

    assert "Moved away" in pages["deactivated"]
    assert {name: unmarked_words(page, data) for name, page in pages.items()} == dict.fromkeys(
        pages, []
    )


def test_nobody_deactivated_yet_is_said_in_marked_words(client, manager, monkeypatch):
    client.force_login(manager)
    data = data_words()
    wrap_translations(monkeypatch)

    page = _page(client, reverse("accounts:team_list"), {"show": "deactivated"})

    assert unmarked_words(page, data) == []


def test_what_reactivating_and_inviting_again_say_is_marked(
    client, manager, volunteer, ward, monkeypatch
):
    user_deactivate(user=volunteer, reason="Moved away", by=manager)
    invited = user_invite(
        scheme=manager.scheme, email="imogen@example.org", full_name="Imogen Invitee",
        role=Role.WARD_STAFF, wards=[ward], by=manager, site="http://testserver",
    )  # fmt: skip
    client.force_login(manager)
    data = data_words()
    wrap_translations(monkeypatch)

    pages = {
        "reactivated": _post(
            client, reverse("accounts:team_member_reactivate", args=[volunteer.pk])
        ),
        "invited again": _post(
            client, reverse("accounts:team_member_invite_again", args=[invited.pk])
        ),
        # Refused: they have a password by now.
        "refused": _post(client, reverse("accounts:team_member_invite_again", args=[volunteer.pk])),
    }

    assert {name: unmarked_words(page, data) for name, page in pages.items()} == dict.fromkeys(
        pages, []
    )


def test_the_team_forms_errors_are_marked(client, manager, coordinator, ward, monkeypatch):
    client.force_login(manager)
    data = data_words()
    wrap_translations(monkeypatch)

    taken = _post(
        client,
        reverse("accounts:team_invite"),
        {"full_name": "Another", "email": coordinator.email, "role": Role.WARD_STAFF},
    )
    no_wards = _post(
        client, reverse("accounts:team_member_role", args=[coordinator.pk]),
        {"role": Role.WARD_STAFF, "wards": ["not a ward"]},
    )  # fmt: skip

    assert unmarked_words(taken, data) == []
    assert unmarked_words(no_wards, data) == []


# --- Requests for an account ----------------------------------------------------------------


def _request(scheme, status, **fields):
    return AccountRequest.objects.create(
        scheme=scheme, full_name=fields.pop("full_name", "Rhiannon Requester"),
        email=fields.pop("email", "rhiannon@example.org"), job_title="Staff nurse",
        workplace="Ward 7", status=status, verified_at=timezone.now(), **fields,
    )  # fmt: skip


def test_requests_decided_and_none_waiting_are_described_in_marked_words(
    client, manager, coordinator, ward_staff, monkeypatch
):
    declined = _request(
        manager.scheme, RequestStatus.DECLINED, decided_by=coordinator,
        decided_at=timezone.now(), decline_reason="Not on our wards",
    )  # fmt: skip
    approved = _request(
        manager.scheme, RequestStatus.APPROVED, full_name="Wyn Ward", email="wyn@example.org",
        decided_by=coordinator, decided_at=timezone.now(), user=ward_staff,
    )  # fmt: skip
    client.force_login(manager)
    data = data_words()
    wrap_translations(monkeypatch)

    pages = {
        "list": _page(client, reverse("accounts:account_requests")),
        "declined": _page(client, reverse("accounts:account_request_review", args=[declined.pk])),
        "approved": _page(client, reverse("accounts:account_request_review", args=[approved.pk])),
        # Declining one decided already: back to it, with a message.
        "decided already": _page(
            client, reverse("accounts:account_request_decline", args=[declined.pk])
        ),
    }

    assert "Not on our wards" in pages["declined"]
    assert {name: unmarked_words(page, data) for name, page in pages.items()} == dict.fromkeys(
        pages, []
    )


def test_approving_a_request_from_an_address_with_an_account_is_refused_in_marked_words(
    client, manager, coordinator, ward, monkeypatch
):
    waiting = _request(manager.scheme, RequestStatus.WAITING, email=coordinator.email)
    client.force_login(manager)
    data = data_words()
    wrap_translations(monkeypatch)

    page = _post(
        client,
        reverse("accounts:account_request_review", args=[waiting.pk]),
        {"wards": [ward.pk]},
    )

    assert f"{OPEN}An account already uses this email address" in page
    assert unmarked_words(page, data) == []


# --- Messages -------------------------------------------------------------------------------


def _message(scheme, number, **fields):
    return Message.objects.create(
        kind="concern_raised", ids={"concern_id": number}, key=f"test:{number}", scheme=scheme,
        **fields,
    )  # fmt: skip


@pytest.fixture
def troubled_outbox(scheme):
    """Emails that failed, one waiting too long, one sent: the warning and every tab."""
    now = timezone.now()
    _message(scheme, 1, status=MessageStatus.FAILED, last_error=NOBODY_TO_SEND_TO)
    _message(scheme, 2, status=MessageStatus.FAILED, last_error="SMTPRecipientsRefused 550")
    _message(
        scheme, 3, status=MessageStatus.WAITING, attempts=2,
        created_at=now - datetime.timedelta(minutes=20), last_error="SMTPServerDisconnected",
    )  # fmt: skip
    _message(scheme, 4, status=MessageStatus.SENT, attempts=1, sent_at=now)


def test_the_messages_that_failed_waited_or_went_are_listed_in_marked_words(
    client, manager, troubled_outbox, monkeypatch
):
    client.force_login(manager)
    data = data_words()
    wrap_translations(monkeypatch)

    pages = {
        show: _page(client, reverse("outbox:messages"), {"show": show})
        for show in ("waiting", "failed", "sent")
    }
    pages["dashboard"] = _page(client, reverse("reports:dashboard"))

    # Both at once: some failed, and one waited too long.
    assert "failed in the last day" in pages["dashboard"]
    assert "waited more than" in pages["dashboard"]
    # The reason kept in the row in English is shown in the reader's language.
    assert f"{OPEN}Nobody to send it to{CLOSE}" in pages["failed"]
    # What kind of email each is (its kind's name, concern_raised, is the data's).
    assert f"{OPEN}A concern raised{CLOSE}" in pages["sent"]
    assert {name: unmarked_words(page, data) for name, page in pages.items()} == dict.fromkeys(
        pages, []
    )


def test_no_messages_in_any_tab_is_said_in_marked_words(client, manager, monkeypatch):
    client.force_login(manager)
    data = data_words()
    wrap_translations(monkeypatch)

    pages = [
        _page(client, reverse("outbox:messages"), {"show": show})
        for show in ("waiting", "failed", "sent")
    ]

    assert [unmarked_words(page, data) for page in pages] == [[], [], []]


# --- The staff emails, each in its reader's language ------------------------------------------


@pytest.fixture
def everything(db):
    """A scheme with one record of every kind, its own emails out of the way."""
    world = one_of_everything(nhs_base=96_000)
    Message.objects.update(status=MessageStatus.NOT_NEEDED)
    return world


def _language_of(email):
    return email.extra_headers["Content-Language"]


def test_coordinators_each_get_an_alert_in_the_language_they_chose_with_every_word_marked(
    everything, make_user, send_messages, monkeypatch
):
    from aligns.outbox.services import queue_email
    from visits.emails import concern_raised

    scheme = everything.scheme
    welsh = make_user(Role.COORDINATOR, scheme=scheme, preferred_language="cy")
    data = data_words()
    wrap_translations(monkeypatch)

    queue_email(concern_raised, scheme_id=scheme.pk, concern_id=everything.concern.pk, again=True)
    send_messages()

    assert sorted(_language_of(email) for email in mail.outbox) == ["cy", "en-gb"]
    by_language = {_language_of(email): email for email in mail.outbox}
    assert by_language["cy"].to == [welsh.email]
    assert welsh.email not in by_language["en-gb"].to
    for email in mail.outbox:
        assert _words([email.subject, email.body], data) == [], email.body


def test_an_email_for_coordinators_with_none_active_goes_to_nobody_and_fails(scheme):
    (email,) = coordinator_emails(scheme.pk, "coordinator_alert", {})
    assert email.recipients == []


def test_emails_about_a_request_for_an_account_are_in_the_language_it_was_asked_in(
    everything, make_user, send_messages, monkeypatch, django_capture_on_commit_callbacks
):
    from aligns.accounts.services import (
        account_request_decline,
        account_request_receive,
        account_request_submit,
        account_request_verify,
    )

    scheme = everything.scheme
    welsh_coordinator = make_user(Role.COORDINATOR, scheme=scheme, preferred_language="cy")
    data = data_words()
    wrap_translations(monkeypatch)

    asked = account_request_submit(
        scheme=scheme, full_name="Gwen Gofyn", email="gwen@example.org", job_title="Nyrs",
        workplace="Ward 7", site="http://testserver", language="cy",
    )  # fmt: skip
    account_request_receive(account_request_id=asked.pk)
    send_messages()  # the link to confirm
    account_request_verify(account_request=AccountRequest.objects.get(pk=asked.pk))
    send_messages()  # the coordinators told
    account_request_decline(
        account_request=AccountRequest.objects.get(pk=asked.pk), reason="Not our wards",
        by=everything.users[Role.COORDINATOR],
    )  # fmt: skip
    send_messages()  # the reason, to whoever asked

    to_requester = [email for email in mail.outbox if email.to == ["gwen@example.org"]]
    to_coordinators = [email for email in mail.outbox if email not in to_requester]
    assert [_language_of(email) for email in to_requester] == ["cy", "cy"]
    assert sorted(_language_of(email) for email in to_coordinators) == ["cy", "en-gb"]
    assert next(e for e in to_coordinators if _language_of(e) == "cy").to == [
        welsh_coordinator.email
    ]
    data += ["Gwen", "Gofyn", "Nyrs", "Not our wards"]
    for email in mail.outbox:
        assert _words([email.subject, email.body], data) == [], email.body
    # A language ALIGNS is not in is not kept: the site's instead.
    other = account_request_submit(
        scheme=scheme, full_name="Fflur", email="fflur@example.org", job_title="Nyrs",
        workplace="Ward 7", site="http://testserver", language="fr",
    )  # fmt: skip
    assert other.language == "en-gb"
