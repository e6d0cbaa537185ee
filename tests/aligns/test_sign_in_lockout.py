"""Repeated failed sign-ins pause that email address from that IP address (django-axes),
and every sign-in, successful or not, is recorded without its password or code."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from aligns.accounts import two_factor
from tests.factories import TEST_PASSWORD

START = timezone.datetime(2026, 11, 23, 9, 0, tzinfo=timezone.get_default_timezone())
WRONG = "not-the-password-at-all"


def sign_in(client, email, password, ip="192.0.2.10"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail(client, user, times, ip="192.0.2.10"):
    return [sign_in(client, user.email, WRONG, ip) for _ in range(times)][-1]


def test_five_wrong_passwords_pause_signing_in_with_a_message_saying_until_when(
    client, coordinator
):
    assert settings.AXES_FAILURE_LIMIT == 5
    with time_machine.travel(START, tick=False) as clock:
        fourth = fail(client, coordinator, 4)
        assert fourth.status_code == 200
        assert "Enter a correct email address and password" in fourth.content.decode()

        fifth = fail(client, coordinator, 1)

        html = fifth.content.decode()
        assert fifth.status_code == 429
        assert "Signing in is paused for 15 minutes" in html
        assert "You can try again after <strong>9:15am</strong>" in html
        assert coordinator.email in html

        # The right password is refused while paused (and the pause starts again from now).
        clock.shift(timedelta(minutes=10))
        refused = sign_in(client, coordinator.email, TEST_PASSWORD)
        assert refused.status_code == 429
        assert "You can try again after <strong>9:25am</strong>" in refused.content.decode()
        assert "_auth_user_id" not in client.session

        clock.shift(timedelta(minutes=16))
        allowed = sign_in(client, coordinator.email, TEST_PASSWORD)

        assert allowed.status_code == 302
        assert "_auth_user_id" in client.session
    assert not AccessAttempt.objects.exists()  # a success clears the count


def test_the_pause_is_for_that_email_and_that_ip_address_together(client, coordinator, manager):
    with time_machine.travel(START, tick=False):
        fail(client, coordinator, 5, ip="192.0.2.10")

        # The same person from another network, and someone else from the same one, go on.
        assert (
            sign_in(client, coordinator.email, TEST_PASSWORD, ip="198.51.100.7").status_code == 302
        )
        client.post(reverse("logout"))
        assert sign_in(client, manager.email, TEST_PASSWORD, ip="192.0.2.10").status_code == 302
        client.post(reverse("logout"))
        # The email in capitals is the same email.
        upper = sign_in(client, coordinator.email.upper(), TEST_PASSWORD, ip="192.0.2.10")

    assert upper.status_code == 429


def test_wrong_security_codes_count_towards_the_pause_too(client, settings, coordinator):
    settings.ALIGNS_REQUIRE_TWO_FACTOR = True
    device = two_factor.unconfirmed_authenticator(coordinator)
    two_factor.confirm_authenticator(device)
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, coordinator.email, TEST_PASSWORD)
        right = TOTP(device.bin_key).token()
        wrong = f"{(right + 1) % 1_000_000:06d}"
        responses = []
        for _ in range(5):
            responses.append(client.post(reverse("accounts:sign_in_code"), {"code": wrong}))
            clock.shift(timedelta(seconds=20))  # past django-otp's growing pause

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "Signing in is paused" in responses[-1].content.decode()
    # The unfinished sign-in is dropped: the password step comes first again.
    after = client.get(reverse("accounts:sign_in_code"))
    assert after["Location"].startswith(reverse("login"))
    failures = AccessFailureLog.objects.filter(username=coordinator.email)
    assert failures.count() == 5
    assert {f.path_info for f in failures} == {reverse("accounts:sign_in_code")}


def test_every_failure_and_success_is_recorded_and_no_password_is(client, volunteer):
    with time_machine.travel(START, tick=False):
        fail(client, volunteer, 2)
        sign_in(client, volunteer.email, TEST_PASSWORD)
        client.post(reverse("logout"))

    failures = AccessFailureLog.objects.filter(username=volunteer.email)
    assert failures.count() == 2
    assert all(f.ip_address == "192.0.2.10" for f in failures)
    assert all(f.path_info == reverse("login") for f in failures)
    success = AccessLog.objects.get(username=volunteer.email)
    assert success.ip_address == "192.0.2.10"
    assert success.logout_time is not None
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        for row in model.objects.values():
            text = " ".join(str(value) for value in row.values())
            assert WRONG not in text and TEST_PASSWORD not in text, model


def test_a_failure_while_paused_is_recorded_with_its_post_data_masked(client, coordinator):
    with time_machine.travel(START, tick=False):
        fail(client, coordinator, 3)

    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 3
    assert WRONG not in attempt.post_data
    assert "password=********************" in attempt.post_data


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [("203.0.113.5", "203.0.113.5"), ("10.1.1.1, 203.0.113.5", "203.0.113.5"), ("junk", None)],
)
def test_behind_a_proxy_the_address_the_proxy_added_is_used(rf, settings, forwarded, expected):
    from aligns.accounts.lockout import client_ip_address

    request = rf.get("/", REMOTE_ADDR="172.17.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip_address(request) == "172.17.0.1"  # not trusted unless behind a proxy

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_ip_address(request) == (expected or "172.17.0.1")


def test_an_overlong_email_is_refused_by_the_form_before_anything_is_stored(client, db):
    response = sign_in(client, "x" * 300 + "@example.org", WRONG)

    assert response.status_code == 200
    assert "Email address must be 254 characters or fewer" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_sign_in_records_are_kept_for_the_set_number_of_days_then_deleted(settings, db):
    from aligns.accounts.tasks import delete_old_sign_in_records

    settings.ALIGNS_SIGN_IN_RECORDS_DAYS = 365
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        AccessLog.objects.create(username="old@example.org", ip_address="192.0.2.1")
        AccessFailureLog.objects.create(username="old@example.org", ip_address="192.0.2.1")
    with time_machine.travel(start + timedelta(days=200), tick=False):
        AccessLog.objects.create(username="recent@example.org", ip_address="192.0.2.2")
        AccessFailureLog.objects.create(username="recent@example.org", ip_address="192.0.2.2")

    with time_machine.travel(start + timedelta(days=364), tick=False):
        kept_a_year = delete_old_sign_in_records()
    with time_machine.travel(start + timedelta(days=366), tick=False):
        after_a_year = delete_old_sign_in_records()

    assert kept_a_year == 0
    assert after_a_year == 2
    assert set(AccessLog.objects.values_list("username", flat=True)) == {"recent@example.org"}
    assert set(AccessFailureLog.objects.values_list("username", flat=True)) == {
        "recent@example.org"
    }


def test_every_spelling_of_an_address_that_signs_in_shares_one_count(client, make_user):
    from aligns.accounts.models import Role, User

    person = make_user(Role.COORDINATOR, email="dispatch.coordinator@example.org")
    spellings = [
        "DISPATCH.COORDINATOR@EXAMPLE.ORG",
        "Dispatch.Coordinator@example.org",
        # PostgreSQL's case-insensitive match takes a dotless i for an i; SQLite's does not.
        "d\u0131spatch.coord\u0131nator@example.org",
        "dispatch.coord\u0131nator@example.org",
        "dispatch.coordinator@EXAMPLE.org",
    ]
    signs_in = [s for s in spellings if User.objects.filter(email__iexact=s).exists()]
    with time_machine.travel(START, tick=False):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, signs_in[attempt % len(signs_in)], WRONG)

        paused = sign_in(client, person.email, TEST_PASSWORD)

    assert paused.status_code == 429
