from datetime import timedelta

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD

START = timezone.datetime(2026, 11, 23, 9, 0, tzinfo=timezone.get_default_timezone())


def _sign_in(client, user):
    client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})


def test_a_session_idle_longer_than_the_timeout_must_sign_in_again(client, coordinator):
    idle = timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES)
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, coordinator)
        clock.shift(idle - timedelta(minutes=1))
        assert client.get(reverse("referrals:queue")).status_code == 200

        clock.shift(idle + timedelta(minutes=1))
        response = client.get(reverse("referrals:queue"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_activity_keeps_a_session_alive_until_its_absolute_lifetime(client, coordinator):
    lifetime = timedelta(hours=settings.SESSION_ABSOLUTE_LIFETIME_HOURS)
    step = timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES - 5)
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, coordinator)
        elapsed = timedelta()
        while elapsed + step < lifetime:
            clock.shift(step)
            elapsed += step
            assert client.get(reverse("referrals:queue")).status_code == 200, elapsed

        clock.shift(step)
        response = client.get(reverse("referrals:queue"), follow=True)

    assert response.redirect_chain[0][0] == reverse("login")
    assert "you have been signed out" in response.content.decode()


def test_signing_out_ends_the_session(client, coordinator):
    _sign_in(client, coordinator)

    client.post(reverse("logout"))

    assert client.get(reverse("referrals:queue")).status_code == 302
