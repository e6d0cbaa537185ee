"""A form posted twice does its work once; and once a call is saved, nothing can turn the
answer into an error that makes the person log it again."""

import datetime

import pytest
import time_machine
from django.db import OperationalError, connection
from django.urls import reverse

from aligns.accounts.models import Role
from referrals.models import Referral
from tests.visits.conftest import at, supporting
from visits.models import Alert, Concern, Contact

BOOKKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@pytest.fixture
def volunteer(episode, make_user):
    user = make_user(Role.VOLUNTEER)
    supporting(episode, user)
    return user


def the_form_token(client, url):
    page = client.get(url).content.decode()
    return page.split('name="submission" value="')[1].split('"')[0]


def call(**changes):
    data = {
        "kind": "call", "answered": "yes", "happened_on_day": "4", "happened_on_month": "11",
        "happened_on_year": "2026", "duration_minutes": "15", "notes": "All well",
    }  # fmt: skip
    return {**data, **changes}


def test_a_call_posted_twice_is_logged_once_and_both_answers_go_to_the_same_place(
    client, episode, volunteer
):
    client.force_login(volunteer)
    url = reverse("visits:log", args=[episode.pk])
    token = the_form_token(client, url)

    with time_machine.travel(at(2026, 11, 4, 10, 0), tick=False):
        first = client.post(url, call(submission=token))
        again = client.post(url, call(submission=token), follow=True)

    assert Contact.objects.count() == 1
    assert first["Location"] == again.redirect_chain[0][0] == reverse("visits:today")
    assert "saved already" in again.content.decode()


def test_a_concern_posted_twice_raises_one_concern_and_one_alert(client, episode, volunteer):
    client.force_login(volunteer)
    url = reverse("visits:log", args=[episode.pk])
    token = the_form_token(client, url)
    worried = call(
        submission=token, raise_concern="on", concern_category="health", concern_urgency="today",
        concern_description="Short of breath",
    )  # fmt: skip

    with time_machine.travel(at(2026, 11, 4, 10, 0), tick=False):
        first = client.post(url, worried)
        again = client.post(url, worried)

    assert Concern.objects.count() == 1 and Alert.objects.count() == 1
    assert first["Location"] == again["Location"]


def test_a_new_form_logs_a_new_call(client, episode, volunteer):
    client.force_login(volunteer)
    url = reverse("visits:log", args=[episode.pk])

    with time_machine.travel(at(2026, 11, 4, 10, 0), tick=False):
        client.post(url, call(submission=the_form_token(client, url)))
        client.post(url, call(submission=the_form_token(client, url)))

    assert Contact.objects.count() == 2


def test_once_the_call_is_saved_the_answer_needs_nothing_more_from_the_database(
    client, episode, volunteer, monkeypatch
):
    """A database blip after the call is saved must not show an error page (the person would
    log it again): the answer is worked out before the change."""
    import visits.views

    saved = []
    real_submit_once = visits.views.submit_once

    def submit_once_then_lose_the_database(request, action):
        answer = real_submit_once(request, action)
        saved.append(answer)
        return answer

    def refuse_after_saving(execute, sql, params, many, context):
        # The view's own reads, after the change: Django's saving of the session (with its
        # savepoints) is another matter.
        if saved and "django_session" not in sql and not sql.startswith(BOOKKEEPING):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    monkeypatch.setattr(visits.views, "submit_once", submit_once_then_lose_the_database)
    client.force_login(volunteer)
    url = reverse("visits:log", args=[episode.pk])
    token = the_form_token(client, url)

    with (
        time_machine.travel(at(2026, 11, 4, 10, 0), tick=False),
        connection.execute_wrapper(refuse_after_saving),
    ):
        response = client.post(url, call(submission=token))

    assert saved and response.status_code == 302
    assert Contact.objects.count() == 1


def test_a_referral_posted_twice_is_sent_once(client, ward_staff):
    from tests.referrals.test_referral_form import valid_post

    ward = ward_staff.wards.first()
    client.force_login(ward_staff)
    url = reverse("referrals:create")
    token = the_form_token(client, url)

    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0), tick=False):
        first = client.post(url, valid_post(ward, submission=token))
        again = client.post(url, valid_post(ward, submission=token))

    assert Referral.objects.count() == 1
    assert first.status_code == again.status_code == 302


def test_a_one_form_page_posted_twice_changes_once(client, episode, coordinator):
    client.force_login(coordinator)
    url = reverse("visits:extend", args=[episode.pk])
    token = the_form_token(client, url)

    for _ in range(2):
        client.post(url, {"weeks": "1", "reason": "Slow recovery", "submission": token})

    episode.refresh_from_db()
    assert episode.planned_weeks == 7
    assert episode.extensions.count() == 1
