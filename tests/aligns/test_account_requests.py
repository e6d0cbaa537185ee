"""Ward staff ask for an account; they confirm their email; coordinators approve or decline."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import (
    AccountRequest,
    RequestStatus,
    Role,
    User,
    validate_email_domains,
)
from aligns.accounts.tasks import delete_unconfirmed_account_requests_task
from tests.factories import HospitalFactory, SchemeFactory, WardFactory

START = timezone.datetime(2026, 11, 23, 9, 0, tzinfo=timezone.get_default_timezone())
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/ask-for-an-account/confirm/\S+/)")
INVITATION_LINK = re.compile(r"https?://[^/\s]+(/invitation/\S+/)")


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """`with sent():` around a request runs what it does after commit: its emails."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def scheme(db):
    return SchemeFactory(
        name="Northgate Home from Hospital",
        account_request_domains="nhs.net, example-trust.nhs.uk",
        contact_phone="01632 960001",
    )


@pytest.fixture
def ward(scheme):
    return WardFactory(hospital=HospitalFactory(scheme=scheme), name="Ward 7")


def request_form(scheme, **changes):
    """The form as posted; `scheme` is the one chosen, only asked for when the address's
    domain is taken by several (None: none chosen)."""
    data = {
        "full_name": "Rhiannon Requester",
        "email": "rhiannon.requester@nhs.net",
        "job_title": "Staff nurse",
        "workplace": "Ward 7, Northgate General",
    }
    if scheme is not None:
        data["scheme"] = str(scheme.pk)
    data.update(changes)
    return data


def ask(scheme, sent, **changes):
    with sent():
        return Client().post(reverse("accounts:account_request"), request_form(scheme, **changes))


def confirm(link, sent):
    browser = Client()
    page = browser.get(link)
    assert "Confirm my request" in page.content.decode()
    with sent():
        return browser.post(link, follow=True)


def confirmed_request(scheme, sent, **changes):
    ask(scheme, sent, **changes)
    confirm(CONFIRM_LINK.search(mail.outbox[-1].body).group(1), sent)
    return AccountRequest.objects.latest("pk")


# --- Asking ---------------------------------------------------------------------------------


def test_the_sign_in_page_links_to_the_request_page(client, db):
    html = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("accounts:account_request")}"' in html


def test_a_nurse_asks_confirms_and_is_approved_then_chooses_a_password(
    client, scheme, ward, coordinator, sent
):
    response = ask(scheme, sent)

    assert response["Location"] == reverse("accounts:account_request_sent")
    [confirmation] = mail.outbox
    assert confirmation.to == ["rhiannon.requester@nhs.net"]
    client.force_login(coordinator)
    assert (
        "Rhiannon Requester"
        not in client.get(reverse("accounts:account_requests")).content.decode()
    )

    done = confirm(CONFIRM_LINK.search(confirmation.body).group(1), sent)

    assert "Request confirmed" in done.content.decode()
    assert mail.outbox[1].to == [coordinator.email]
    assert "Rhiannon" not in mail.outbox[1].body  # no names in the coordinators' email
    team = client.get(reverse("accounts:team_list")).content.decode()
    assert "1 waiting" in team
    account_request = AccountRequest.objects.get()
    assert account_request.status == RequestStatus.WAITING
    queue = client.get(reverse("accounts:account_requests")).content.decode()
    assert "Rhiannon Requester" in queue and "Ward 7, Northgate General" in queue

    with sent():
        approved = client.post(
            reverse("accounts:account_request_review", args=[account_request.pk]),
            {"wards": [ward.pk]},
        )

    person = User.objects.get(email="rhiannon.requester@nhs.net")
    assert approved["Location"] == reverse("accounts:team_member_detail", args=[person.pk])
    assert (person.role, person.scheme, list(person.wards.all()), person.job_title) == (
        Role.WARD_STAFF,
        scheme,
        [ward],
        "Staff nurse",
    )
    account_request.refresh_from_db()
    assert (account_request.status, account_request.decided_by, account_request.user) == (
        RequestStatus.APPROVED,
        coordinator,
        person,
    )
    assert account_request.history.latest().history_user == coordinator
    invitation = mail.outbox[2]
    assert invitation.to == ["rhiannon.requester@nhs.net"]
    browser = Client()
    page = browser.get(INVITATION_LINK.search(invitation.body).group(1))
    password = "a-brand-new-long-password"
    browser.post(page["Location"], {"new_password1": password, "new_password2": password})
    signed_in = Client().post(reverse("login"), {"username": person.email, "password": password})
    assert signed_in["Location"] == reverse("home")


def test_an_address_outside_the_schemes_domains_is_refused_and_nothing_is_sent(scheme, sent):
    response = ask(scheme, sent, email="rhiannon@nhs.net.example.org")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Use your work email address" in html
    assert 'href="#id_email"' in html  # the summary leads to the message beside the field
    assert "addresses ending @nhs.net.example.org" in html
    assert "Northgate Home" not in html  # no scheme is named to someone it does not know
    assert 'value="rhiannon@nhs.net.example.org"' in html
    assert 'value="Rhiannon Requester"' in html
    assert not AccountRequest.objects.exists()
    assert mail.outbox == []


def test_domains_match_exactly_in_any_case(scheme):
    assert scheme.accepts_requests_from("Someone@NHS.NET")
    assert scheme.accepts_requests_from("someone@example-trust.nhs.uk")
    assert not scheme.accepts_requests_from("someone@ward.nhs.net")  # not subdomains
    assert not scheme.accepts_requests_from("someone@evil-nhs.net")
    assert not scheme.accepts_requests_from("no-at-sign")


def test_the_admin_refuses_a_domain_list_with_something_that_is_not_a_domain():
    validate_email_domains("nhs.net,\n example-trust.nhs.uk @another.org")
    with pytest.raises(ValidationError, match="not email domains: ward_7, nhs"):
        validate_email_domains("nhs.net, ward_7, nhs")


def test_the_public_page_names_no_scheme_and_the_address_chooses_one(client, scheme, sent):
    SchemeFactory(name="Closed Home from Hospital", account_request_domains="")
    SchemeFactory(name="Southport Home from Hospital", account_request_domains="south.nhs.uk")

    page = client.get(reverse("accounts:account_request")).content.decode()
    ask(None, sent)

    for name in ("Northgate", "Closed", "Southport"):
        assert name not in page
    assert AccountRequest.objects.get().scheme == scheme


def test_when_several_schemes_take_the_domain_only_those_are_offered(client, scheme, sent):
    other = SchemeFactory(name="Westbury Home from Hospital", account_request_domains="nhs.net")
    SchemeFactory(name="Southport Home from Hospital", account_request_domains="south.nhs.uk")

    first = ask(None, sent)
    chosen = ask(other, sent)

    html = first.content.decode()
    assert "Choose the scheme you refer patients to" in html
    assert "Northgate Home from Hospital" in html and "Westbury Home from Hospital" in html
    assert "Southport" not in html
    assert 'value="Rhiannon Requester"' in html  # nothing typed is lost
    assert chosen.status_code == 302
    assert AccountRequest.objects.get().scheme == other


def test_a_scheme_that_does_not_take_the_domain_cannot_be_chosen(scheme, sent):
    SchemeFactory(name="Westbury Home from Hospital", account_request_domains="nhs.net")
    southport = SchemeFactory(name="Southport", account_request_domains="south.nhs.uk")

    response = ask(southport, sent)

    assert "Choose the scheme you refer patients to" in response.content.decode()
    assert not AccountRequest.objects.exists()


def test_missing_answers_are_explained_and_what_was_typed_is_kept(scheme, sent):
    response = ask(scheme, sent, full_name="", job_title="   ", workplace="", email="nope")

    html = response.content.decode()
    for message in (
        "Enter your full name",
        "Enter your job title",
        "Enter your ward and hospital",
        "Enter an email address in the correct format",
    ):
        assert message in html
    assert 'value="nope"' in html


def test_an_address_with_an_account_gets_the_same_answer_and_no_email(scheme, make_user, sent):
    make_user(Role.WARD_STAFF, email="rhiannon.requester@nhs.net")

    response = ask(scheme, sent, email="Rhiannon.Requester@nhs.net")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account_request_sent")
    assert not AccountRequest.objects.exists()
    assert mail.outbox == []


def test_asking_again_while_a_request_is_open_sends_nothing_more(scheme, sent):
    ask(scheme, sent)
    again = ask(scheme, sent, full_name="Someone Else", email="RHIANNON.REQUESTER@nhs.net")

    assert again["Location"] == reverse("accounts:account_request_sent")
    assert AccountRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_made_up_confirmation_link_is_refused(client, db):
    for token in ("not-a-token", "x" * 2000, "1:2:3"):
        response = client.get(reverse("accounts:account_request_verify", args=[token]))
        assert response.status_code == 200
        assert "This link no longer works" in response.content.decode()


def test_an_unconfirmed_request_is_not_shown_to_the_coordinators(client, scheme, coordinator, sent):
    ask(scheme, sent)
    client.force_login(coordinator)

    response = client.get(
        reverse("accounts:account_request_review", args=[AccountRequest.objects.get().pk])
    )

    assert response.status_code == 404


def test_confirming_twice_tells_the_coordinators_once(scheme, coordinator, sent):
    ask(scheme, sent)
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    confirm(link, sent)

    with sent():
        again = Client().post(link, follow=True)

    assert "Request confirmed" in again.content.decode()
    assert len(mail.outbox) == 2


def test_an_unconfirmed_request_expires_and_the_hourly_task_deletes_it_and_its_history(
    scheme, settings, sent
):
    settings.ALIGNS_ACCOUNT_REQUEST_VERIFY_HOURS = 24
    with time_machine.travel(START, tick=False) as clock:
        ask(scheme, sent)
        link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
        kept_id = AccountRequest.objects.get().pk

        clock.shift(datetime.timedelta(hours=23))
        assert delete_unconfirmed_account_requests_task() == 0
        clock.shift(datetime.timedelta(hours=2))
        expired = Client().get(link).content.decode()
        deleted = delete_unconfirmed_account_requests_task()

        assert "This link no longer works" in expired
        assert deleted == 1
        assert not AccountRequest.objects.exists()
        assert not AccountRequest.history.filter(id=kept_id).exists()
        ask(scheme, sent)  # and they may ask again
        assert len(mail.outbox) == 2


def test_an_expired_request_does_not_stop_asking_again_before_the_task_runs(scheme, settings, sent):
    settings.ALIGNS_ACCOUNT_REQUEST_VERIFY_HOURS = 24
    with time_machine.travel(START, tick=False) as clock:
        ask(scheme, sent)
        clock.shift(datetime.timedelta(hours=25))
        ask(scheme, sent)

    assert AccountRequest.objects.count() == 1
    assert len(mail.outbox) == 2


def test_a_confirmed_request_is_not_deleted_however_old(scheme, sent):
    with time_machine.travel(START, tick=False) as clock:
        confirmed_request(scheme, sent)
        clock.shift(datetime.timedelta(days=30))

        assert delete_unconfirmed_account_requests_task() == 0


def test_a_declined_request_is_deleted_with_its_history_after_the_set_days(
    scheme, ward, coordinator, settings, sent
):
    from aligns.accounts.services import account_request_approve, account_request_decline

    settings.ALIGNS_DECLINED_REQUEST_DAYS = 365
    with time_machine.travel(START, tick=False) as clock:
        declined = confirmed_request(scheme, sent)
        with sent():
            account_request_decline(account_request=declined, reason="Not our ward", by=coordinator)
        approved = confirmed_request(scheme, sent, email="other.nurse@nhs.net")
        with sent():
            account_request_approve(
                account_request=approved, wards=[ward], by=coordinator, site="http://testserver"
            )

        clock.shift(datetime.timedelta(days=364))
        within_the_year = delete_unconfirmed_account_requests_task()
        clock.shift(datetime.timedelta(days=2))
        after_it = delete_unconfirmed_account_requests_task()

    assert within_the_year == 0
    assert after_it == 1
    assert list(AccountRequest.objects.values_list("pk", flat=True)) == [approved.pk]
    assert not AccountRequest.history.filter(id=declined.pk).exists()


# --- Deciding -------------------------------------------------------------------------------


def test_declining_emails_the_reason_to_the_person_who_asked(client, scheme, coordinator, sent):
    account_request = confirmed_request(scheme, sent)
    client.force_login(coordinator)

    with sent():
        response = client.post(
            reverse("accounts:account_request_decline", args=[account_request.pk]),
            {"reason": "We only take referrals from Northgate General's wards."},
        )

    assert response["Location"] == reverse("accounts:account_requests")
    account_request.refresh_from_db()
    assert account_request.status == RequestStatus.DECLINED
    assert account_request.decided_by == coordinator
    declined = mail.outbox[-1]
    assert declined.to == ["rhiannon.requester@nhs.net"]
    assert "We only take referrals from Northgate General's wards." in declined.body
    assert "01632 960001" in declined.body
    assert not User.objects.filter(email="rhiannon.requester@nhs.net").exists()


def test_a_decline_needs_a_reason(client, scheme, coordinator, sent):
    account_request = confirmed_request(scheme, sent)
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:account_request_decline", args=[account_request.pk]), {"reason": ""}
    )

    assert "Say why you are declining the request" in response.content.decode()
    account_request.refresh_from_db()
    assert account_request.status == RequestStatus.WAITING


def test_approving_needs_a_ward_of_the_scheme(client, scheme, coordinator, other_scheme, sent):
    account_request = confirmed_request(scheme, sent)
    theirs = WardFactory(hospital=HospitalFactory(scheme=other_scheme))
    client.force_login(coordinator)
    url = reverse("accounts:account_request_review", args=[account_request.pk])

    nothing = client.post(url, {})
    elsewhere = client.post(url, {"wards": [theirs.pk]})

    assert "Choose the wards they work on" in nothing.content.decode()
    assert "Choose wards from the list" in elsewhere.content.decode()
    assert not User.objects.filter(email="rhiannon.requester@nhs.net").exists()


def test_a_decided_request_cannot_be_decided_again(client, scheme, ward, coordinator, sent):
    account_request = confirmed_request(scheme, sent)
    client.force_login(coordinator)
    client.post(
        reverse("accounts:account_request_decline", args=[account_request.pk]),
        {"reason": "Not one of our wards"},
    )

    response = client.post(
        reverse("accounts:account_request_review", args=[account_request.pk]),
        {"wards": [ward.pk]},
        follow=True,
    )

    assert "This request is already declined" in response.content.decode()
    assert not User.objects.filter(email="rhiannon.requester@nhs.net").exists()


def test_approving_is_refused_if_the_address_got_an_account_meanwhile(
    client, scheme, ward, coordinator, make_user, sent
):
    account_request = confirmed_request(scheme, sent)
    make_user(Role.VOLUNTEER, email="rhiannon.requester@nhs.net")
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:account_request_review", args=[account_request.pk]),
        {"wards": [ward.pk]},
    )

    assert "An account already uses this email address" in response.content.decode()
    account_request.refresh_from_db()
    assert account_request.status == RequestStatus.WAITING


@pytest.mark.parametrize("role", [Role.WARD_STAFF, Role.VOLUNTEER])
def test_ward_staff_and_volunteers_cannot_see_or_decide_requests(
    client, scheme, ward, make_user, role, sent
):
    account_request = confirmed_request(scheme, sent)
    client.force_login(make_user(role))

    for url, data in (
        (reverse("accounts:account_requests"), {}),
        (
            reverse("accounts:account_request_review", args=[account_request.pk]),
            {"wards": [ward.pk]},
        ),
        (reverse("accounts:account_request_decline", args=[account_request.pk]), {"reason": "No"}),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    account_request.refresh_from_db()
    assert account_request.status == RequestStatus.WAITING


def test_another_schemes_coordinator_cannot_find_our_requests(
    client, scheme, ward, make_user, other_scheme, sent
):
    account_request = confirmed_request(scheme, sent)
    client.force_login(make_user(Role.COORDINATOR, scheme=other_scheme))

    queue = client.get(reverse("accounts:account_requests")).content.decode()
    review = reverse("accounts:account_request_review", args=[account_request.pk])
    decline = reverse("accounts:account_request_decline", args=[account_request.pk])

    assert "Rhiannon Requester" not in queue
    assert client.get(review).status_code == 404
    assert client.post(review, {"wards": [ward.pk]}).status_code == 404
    assert client.post(decline, {"reason": "No"}).status_code == 404
    account_request.refresh_from_db()
    assert account_request.status == RequestStatus.WAITING


def test_managers_decide_requests_too(client, scheme, ward, manager, sent):
    account_request = confirmed_request(scheme, sent)
    client.force_login(manager)

    with sent():
        client.post(
            reverse("accounts:account_request_review", args=[account_request.pk]),
            {"wards": [ward.pk]},
        )

    assert User.objects.get(email="rhiannon.requester@nhs.net").role == Role.WARD_STAFF
