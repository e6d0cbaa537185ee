"""Coordinators and managers manage their scheme's accounts: invitations, roles, deactivation."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import Role, User
from aligns.accounts.services import user_change_role, user_deactivate, user_invite
from tests.factories import TEST_PASSWORD, HospitalFactory, WardFactory

NEW_PASSWORD = "a-brand-new-long-password"
START = timezone.datetime(2026, 11, 23, 9, 0, tzinfo=timezone.get_default_timezone())
LINK = re.compile(r"https?://[^/\s]+(/invitation/\S+/)")


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """`with sent():` around a request runs what it does after commit: its emails."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def ward(scheme):
    return WardFactory(hospital=HospitalFactory(scheme=scheme), name="Ward 12")


def invite_form(**changes):
    data = {
        "full_name": "Imogen Invitee",
        "email": "imogen.invitee@example.org",
        "role": "volunteer",
        "job_title": "",
        "phone": "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def invitation_link(message):
    return LINK.search(message.body).group(1)


def open_link(link):
    """Follow an emailed link in a browser of its own: the page to choose a password, or None
    if the link is refused."""
    browser = Client()
    response = browser.get(link)
    if response.status_code != 302:
        assert "This link no longer works" in response.content.decode()
        return None
    return browser, response["Location"]


def set_password(link, password=NEW_PASSWORD):
    opened = open_link(link)
    assert opened is not None, "the link was refused"
    browser, page = opened
    return browser.post(page, {"new_password1": password, "new_password2": password}, follow=True)


def signs_in(email, password=NEW_PASSWORD):
    response = Client().post(reverse("login"), {"username": email, "password": password})
    return response.status_code == 302 and not response["Location"].startswith(reverse("login"))


# --- Inviting -------------------------------------------------------------------------------


def test_a_coordinator_invites_ward_staff_who_choose_a_password_and_sign_in(
    client, coordinator, ward, sent
):
    client.force_login(coordinator)

    with sent():
        response = client.post(
            reverse("accounts:team_invite"),
            invite_form(role="ward_staff", wards=[ward.pk], job_title="Staff nurse"),
        )

    person = User.objects.get(email="imogen.invitee@example.org")
    assert response["Location"] == reverse("accounts:team_member_detail", args=[person.pk])
    assert (person.role, person.scheme, list(person.wards.all())) == (
        Role.WARD_STAFF,
        coordinator.scheme,
        [ward],
    )
    assert person.job_title == "Staff nurse"
    assert not person.has_usable_password()
    assert person.history.earliest().history_user == coordinator
    [message] = mail.outbox
    assert message.to == ["imogen.invitee@example.org"]
    assert f"works once, and for {settings.ALIGNS_INVITE_DAYS} days" in message.body

    done = set_password(invitation_link(message))

    assert done.redirect_chain[-1][0] == reverse("login")
    assert "Your password is set" in done.content.decode()
    assert signs_in("imogen.invitee@example.org")


def test_the_invitation_link_works_once(client, coordinator, sent):
    client.force_login(coordinator)
    with sent():
        client.post(reverse("accounts:team_invite"), invite_form())
    link = invitation_link(mail.outbox[0])
    set_password(link)

    assert open_link(link) is None
    assert signs_in("imogen.invitee@example.org")


@pytest.mark.parametrize("days", [7, 2])
def test_the_invitation_link_expires_after_the_configured_number_of_days(
    client, coordinator, sent, settings, days
):
    settings.ALIGNS_INVITE_DAYS = days
    client.force_login(coordinator)
    with time_machine.travel(START, tick=False) as clock:
        with sent():
            client.post(reverse("accounts:team_invite"), invite_form())
        link = invitation_link(mail.outbox[0])

        clock.shift(datetime.timedelta(days=days, minutes=-1))
        assert open_link(link) is not None
        clock.shift(datetime.timedelta(minutes=2))
        assert open_link(link) is None


def test_a_weak_password_is_refused_with_the_reason_and_the_link_still_works(
    client, coordinator, sent
):
    client.force_login(coordinator)
    with sent():
        client.post(reverse("accounts:team_invite"), invite_form())
    link = invitation_link(mail.outbox[0])

    refused = set_password(link, password="short")

    assert "too short" in refused.content.decode()
    assert not User.objects.get(email="imogen.invitee@example.org").has_usable_password()
    set_password(link)
    assert signs_in("imogen.invitee@example.org")


def test_sending_the_invitation_again_ends_the_earlier_link(client, coordinator, sent):
    client.force_login(coordinator)
    with sent():
        client.post(reverse("accounts:team_invite"), invite_form())
    person = User.objects.get(email="imogen.invitee@example.org")
    first = invitation_link(mail.outbox[0])

    with sent():
        response = client.post(
            reverse("accounts:team_member_invite_again", args=[person.pk]), follow=True
        )

    assert "A new invitation is on its way" in response.content.decode()
    second = invitation_link(mail.outbox[1])
    assert open_link(first) is None
    set_password(second)
    assert signs_in(person.email)


def test_inviting_again_someone_who_has_a_password_is_refused(client, coordinator, volunteer):
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:team_member_invite_again", args=[volunteer.pk]), follow=True
    )

    assert "has already set a password" in response.content.decode()
    assert mail.outbox == []


def test_deactivating_an_invited_person_ends_their_link_even_once_reactivated(
    client, coordinator, sent
):
    client.force_login(coordinator)
    with sent():
        client.post(reverse("accounts:team_invite"), invite_form())
    person = User.objects.get(email="imogen.invitee@example.org")
    link = invitation_link(mail.outbox[0])

    client.post(
        reverse("accounts:team_member_deactivate", args=[person.pk]), {"reason": "Never started"}
    )
    assert open_link(link) is None
    client.post(reverse("accounts:team_member_reactivate", args=[person.pk]))

    assert open_link(link) is None


def test_an_email_address_that_already_has_an_account_is_a_field_error(
    client, coordinator, make_user, other_scheme
):
    make_user(Role.VOLUNTEER, scheme=other_scheme, email="taken@example.org")
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:team_invite"),
        invite_form(full_name="Tabitha Typed", email="Taken@Example.org"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "An account already uses this email address" in html
    assert 'href="#id_email"' in html  # in the error summary, linking to the field
    assert 'value="Tabitha Typed"' in html and 'value="Taken@Example.org"' in html
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert mail.outbox == []


def test_bad_input_is_explained_next_to_each_field_and_kept(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:team_invite"),
        invite_form(full_name="  ", email="not-an-email", role="ward_staff", phone="12345"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("nhsuk-error-message") >= 4
    for message in (
        "Enter their full name",
        "Enter an email address in the correct format",
        "Choose the wards they work on",
        "Enter a phone number, like",
    ):
        assert message in html
    assert 'value="not-an-email"' in html and 'value="12345"' in html
    assert not User.objects.filter(email="not-an-email").exists()


def test_a_coordinator_cannot_invite_a_coordinator_or_a_manager(client, coordinator):
    client.force_login(coordinator)

    page = client.get(reverse("accounts:team_invite")).content.decode()
    for role in ("coordinator", "manager"):
        response = client.post(reverse("accounts:team_invite"), invite_form(role=role))
        assert "Choose their role" in response.content.decode()

    assert 'value="volunteer"' in page and 'value="ward_staff"' in page
    assert 'value="coordinator"' not in page and 'value="manager"' not in page
    assert not User.objects.filter(email="imogen.invitee@example.org").exists()


def test_a_manager_may_invite_a_coordinator_who_is_told_about_two_factor_sign_in(
    client, manager, sent, settings
):
    client.force_login(manager)  # a password alone: two-factor sign-in is off here

    with sent():
        client.post(reverse("accounts:team_invite"), invite_form(role="coordinator"))
        # The worker writes the email once the invitation is saved; it mentions the app
        # only where coordinators must use one.
        settings.ALIGNS_REQUIRE_TWO_FACTOR = True

    assert User.objects.get(email="imogen.invitee@example.org").role == Role.COORDINATOR
    assert "authenticator app" in mail.outbox[0].body


def test_where_two_factor_sign_in_is_optional_the_invitation_does_not_demand_it(
    client, manager, sent
):
    client.force_login(manager)

    with sent():
        client.post(reverse("accounts:team_invite"), invite_form(role="coordinator"))

    assert "authenticator app" not in mail.outbox[0].body


# --- Who may do what ------------------------------------------------------------------------


def _management_requests(person):
    return [
        ("get", reverse("accounts:team_invite")),
        ("post", reverse("accounts:team_invite")),
        ("get", reverse("accounts:team_member_role", args=[person.pk])),
        ("post", reverse("accounts:team_member_role", args=[person.pk])),
        ("get", reverse("accounts:team_member_deactivate", args=[person.pk])),
        ("post", reverse("accounts:team_member_deactivate", args=[person.pk])),
        ("post", reverse("accounts:team_member_reactivate", args=[person.pk])),
        ("post", reverse("accounts:team_member_invite_again", args=[person.pk])),
    ]


@pytest.mark.parametrize("role", [Role.WARD_STAFF, Role.VOLUNTEER])
def test_ward_staff_and_volunteers_are_refused(client, make_user, role):
    target = make_user(Role.VOLUNTEER)
    client.force_login(make_user(role))

    for method, url in _management_requests(target):
        data = {"reason": "Left", "role": "ward_staff", **invite_form()}
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)
    target.refresh_from_db()
    assert target.is_active and target.role == Role.VOLUNTEER


def test_another_schemes_coordinator_finds_none_of_our_people(client, make_user, other_scheme):
    ours = make_user(Role.VOLUNTEER)
    client.force_login(make_user(Role.COORDINATOR, scheme=other_scheme))

    for method, url in _management_requests(ours)[2:]:
        response = getattr(client, method)(url, {"reason": "Left", "role": "ward_staff"})
        assert response.status_code == 404, (method, url)
    ours.refresh_from_db()
    assert ours.is_active


@pytest.mark.parametrize("their_role", [Role.COORDINATOR, Role.MANAGER])
def test_a_coordinator_cannot_change_or_deactivate_a_coordinator_or_manager(
    client, coordinator, make_user, their_role
):
    colleague = make_user(their_role)
    client.force_login(coordinator)

    for method, url in _management_requests(colleague)[2:]:
        response = getattr(client, method)(url, {"reason": "Left", "role": "volunteer"})
        assert response.status_code == 403, (method, url)
    page = client.get(reverse("accounts:team_member_detail", args=[colleague.pk]))
    assert "Deactivate this account" not in page.content.decode()
    colleague.refresh_from_db()
    assert colleague.is_active and colleague.role == their_role


def test_a_manager_may_deactivate_a_coordinator_and_make_another_a_manager(
    client, manager, make_user
):
    leaving, promoted = make_user(Role.COORDINATOR), make_user(Role.COORDINATOR)
    client.force_login(manager)

    client.post(
        reverse("accounts:team_member_deactivate", args=[leaving.pk]), {"reason": "Retired"}
    )
    client.post(reverse("accounts:team_member_role", args=[promoted.pk]), {"role": "manager"})

    leaving.refresh_from_db()
    promoted.refresh_from_db()
    assert not leaving.is_active
    assert promoted.role == Role.MANAGER


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER])
def test_nobody_changes_their_own_role_or_deactivates_themselves(client, make_user, role):
    me = make_user(role)
    client.force_login(me)

    for method, url in _management_requests(me)[2:]:
        response = getattr(client, method)(url, {"reason": "Bored", "role": "manager"})
        assert response.status_code == 403, (method, url)
    me.refresh_from_db()
    assert me.is_active and me.role == role


# --- Roles and wards ------------------------------------------------------------------------


def test_a_coordinator_moves_a_volunteer_to_ward_staff_on_chosen_wards(
    client, coordinator, volunteer, ward
):
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:team_member_role", args=[volunteer.pk]),
        {"role": "ward_staff", "wards": [ward.pk]},
    )

    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.role == Role.WARD_STAFF
    assert list(volunteer.wards.all()) == [ward]
    changes = volunteer.history.filter(
        history_change_reason="Role changed from Volunteer to Ward staff"
    )  # role and wards, in one entry
    assert changes.exists()
    assert {change.history_user for change in changes} == {coordinator}
    assert [w.ward for w in volunteer.history.latest().wards.all()] == [ward]


def test_ward_staff_need_at_least_one_ward_and_what_was_chosen_is_kept(
    client, coordinator, volunteer
):
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:team_member_role", args=[volunteer.pk]), {"role": "ward_staff"}
    )

    html = response.content.decode()
    assert "Choose the wards they work on" in html
    assert re.search(r'value="ward_staff"[^>]*checked', html)
    volunteer.refresh_from_db()
    assert volunteer.role == Role.VOLUNTEER


def test_another_schemes_ward_cannot_be_given(client, coordinator, volunteer, other_scheme):
    theirs = WardFactory(hospital=HospitalFactory(scheme=other_scheme))
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:team_member_role", args=[volunteer.pk]),
        {"role": "ward_staff", "wards": [theirs.pk]},
    )

    assert "Choose wards from the list" in response.content.decode()
    assert not volunteer.wards.exists()


def test_moving_someone_to_other_wards_is_one_history_entry_never_a_moment_with_none(
    coordinator, ward_staff, ward
):
    before = ward_staff.history.count()
    old_wards = {w.pk for w in ward_staff.wards.all()}

    user_change_role(user=ward_staff, role=Role.WARD_STAFF, wards=[ward], by=coordinator)

    new_rows = ward_staff.history.order_by("history_date", "history_id")[before:]
    assert len(new_rows) == 1
    (row,) = new_rows
    assert row.history_change_reason == "Wards changed" and row.history_user == coordinator
    assert [w.ward_id for w in row.wards.all()] == [ward.pk]
    assert old_wards and ward.pk not in old_wards


def test_leaving_ward_staff_clears_the_wards(coordinator, ward_staff):
    user_change_role(user=ward_staff, role=Role.VOLUNTEER, wards=[], by=coordinator)

    assert not ward_staff.wards.exists()
    assert User.objects.get(pk=ward_staff.pk).role == Role.VOLUNTEER


def test_a_volunteer_with_a_volunteer_profile_keeps_their_role_and_is_told_why(
    client, coordinator, volunteer, ward
):
    from volunteers.services import volunteer_create

    volunteer_create(
        scheme=coordinator.scheme, by=coordinator, user=volunteer, given_name="Vera",
        family_name="Volunteer", postcode="RV1 1AA",
    )  # fmt: skip
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:team_member_role", args=[volunteer.pk]),
        {"role": "ward_staff", "wards": [ward.pk]},
    )

    assert "has a volunteer profile" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.role == Role.VOLUNTEER
    assert not volunteer.wards.exists()


# --- Deactivating ---------------------------------------------------------------------------


def _signed_in_browser(user):
    browser = Client()
    response = browser.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return browser


def test_deactivating_someone_ends_their_sessions_at_once(client, coordinator, make_user):
    person = make_user(Role.WARD_STAFF)
    on_ward_pc, on_phone = _signed_in_browser(person), _signed_in_browser(person)
    assert on_ward_pc.get(reverse("referrals:ward_list")).status_code == 200
    keys = [b.cookies[settings.SESSION_COOKIE_NAME].value for b in (on_ward_pc, on_phone)]
    still_in = _signed_in_browser(coordinator)  # someone else's session is left alone
    client.force_login(coordinator)

    client.post(
        reverse("accounts:team_member_deactivate", args=[person.pk]),
        {"reason": "Moved to another trust"},
    )

    assert not Session.objects.filter(session_key__in=keys).exists()
    response = on_ward_pc.get(reverse("referrals:ward_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert still_in.get(reverse("accounts:team_list")).status_code == 200
    assert not signs_in(person.email, TEST_PASSWORD)


def test_a_deactivated_persons_next_request_is_signed_out_even_if_a_session_survives(
    client, coordinator, make_user
):
    person = make_user(Role.VOLUNTEER)
    browser = _signed_in_browser(person)

    user_deactivate(user=person, reason="Stopped volunteering", by=coordinator)
    # Say the session row were not deleted (another store, a copy): the person is still out.
    browser.cookies[settings.SESSION_COOKIE_NAME] = _copy_of_a_session(person)

    response = browser.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _copy_of_a_session(person):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from aligns.accounts.signals import SESSION_SIGNED_IN_AT

    store = SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = "aligns.accounts.backends.SignInBackend"
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store[SESSION_SIGNED_IN_AT] = timezone.now().timestamp()
    store.create()
    return store.session_key


def test_deactivation_needs_a_reason_and_keeps_the_account_active_without_one(
    client, coordinator, volunteer
):
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:team_member_deactivate", args=[volunteer.pk]), {"reason": "  "}
    )

    assert "Say why you are deactivating this account" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.is_active


def test_deactivated_people_are_listed_apart_with_the_reason_and_can_be_reactivated(
    client, coordinator, make_user
):
    person = make_user(Role.VOLUNTEER, full_name="Dorcas Departed")
    client.force_login(coordinator)
    client.post(
        reverse("accounts:team_member_deactivate", args=[person.pk]),
        {"reason": "Moved to Leeds"},
        follow=True,  # past the message naming them
    )

    team = client.get(reverse("accounts:team_list")).content.decode()
    deactivated = client.get(reverse("accounts:team_list"), {"show": "deactivated"})
    assert "Dorcas Departed" not in team
    assert "Deactivated accounts (1)" in team
    deactivated = deactivated.content.decode()
    assert "Dorcas Departed" in deactivated and "Moved to Leeds" in deactivated
    person.refresh_from_db()
    assert person.deactivated_reason == "Moved to Leeds"
    assert person.history.latest().history_user == coordinator

    client.post(reverse("accounts:team_member_reactivate", args=[person.pk]))

    reactivated = User.objects.get(pk=person.pk).history.latest()
    assert (reactivated.history_change_reason, reactivated.history_user) == (
        "Reactivated",
        coordinator,
    )
    assert signs_in(person.email, TEST_PASSWORD)
    team = client.get(reverse("accounts:team_list")).content.decode()
    assert "Dorcas Departed" in team and "Deactivated accounts" not in team


def test_the_team_page_offers_management_only_to_those_who_may(client, coordinator, manager):
    client.force_login(coordinator)
    own_page = client.get(reverse("accounts:team_member_detail", args=[coordinator.pk]))
    manager_page = client.get(reverse("accounts:team_member_detail", args=[manager.pk]))
    client.force_login(manager)
    coordinators_page = client.get(reverse("accounts:team_member_detail", args=[coordinator.pk]))

    assert "Change role and wards" not in own_page.content.decode()
    assert "Change role and wards" not in manager_page.content.decode()
    assert "Change role and wards" in coordinators_page.content.decode()


def test_an_invitation_made_by_a_service_names_who_invited(coordinator, sent):
    with sent():
        person = user_invite(
            scheme=coordinator.scheme, email="Sam.Service@Example.org", full_name="Sam Service",
            role=Role.VOLUNTEER, by=coordinator, site="https://aligns.example.org",
        )  # fmt: skip

    assert person.email == "sam.service@example.org"
    assert person.history.earliest().history_change_reason == "Invited by email"
    assert coordinator.full_name in mail.outbox[0].body
    assert "https://aligns.example.org/invitation/" in mail.outbox[0].body


def test_a_big_team_is_listed_fifty_at_a_time_by_role_then_name(client, coordinator, make_user):
    # With the coordinator from the fixture: 1 coordinator and 55 ward staff, so page 2 holds
    # the last six ward staff by name.
    for number in range(55):
        make_user(Role.WARD_STAFF, full_name=f"Ward Person {number:02d}")
    client.force_login(coordinator)

    first = client.get(reverse("accounts:team_list"))
    second = client.get(reverse("accounts:team_list"), {"page": 2})

    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].object_list[0] == coordinator
    assert [person.full_name for person in second.context["page"].object_list] == [
        f"Ward Person {number}" for number in range(49, 55)
    ]
    assert "56 people who can sign in" in first.content.decode()
    assert "Page 2 of 2" in first.content.decode()


def test_the_wards_needed_for_ward_staff_are_not_marked_optional_on_the_invite_page(
    client, coordinator
):
    client.force_login(coordinator)
    page = " ".join(client.get(reverse("accounts:team_invite")).content.decode().split())

    assert "Wards (optional)" not in page
    assert "For ward staff: the wards whose referrals they see." in page
