"""A coordinator sees one patient on one page: the client's record (and the episode page)
shows where support stands, the volunteer or the offer waiting for an answer, what is due
next, what is overdue and the open concerns, with links to act; the Episodes board names the
volunteer. Each step below is made as a person makes it (through the pages), and each page is
read afterwards, so a hand-over that one page forgets shows up here."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from aligns.accounts.models import Role
from aligns.dates import date_at
from tests.visits.conftest import at
from visits.models import CallStatus, ConcernCategory, ExitOutcome, Urgency
from visits.services import concern_close, concern_raise, episode_close, episode_record_discharge
from visits.sweeps import sweep_overdue


def text_of(response):
    """The page's visible text, one space between words."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def support_section(client, episode):
    page = text_of(client.get(reverse("records:client", args=[episode.client.pk])))
    end = page.index("Risk assessment")
    return page[page.rindex("Support ", 0, end) : end]


@pytest.fixture
def volunteer_user(make_user):
    return make_user(Role.VOLUNTEER)


@pytest.fixture
def episode(make_episode):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        return make_episode()


def test_before_discharge_the_record_says_when_they_are_expected_home_and_that_nobody_is_offered(
    client, coordinator, episode
):
    expected = episode.referral.expected_discharge_date
    client.force_login(coordinator)

    support = support_section(client, episode)

    assert (
        f"Awaiting discharge: expected home {expected:%A} {expected.day} {expected:%B %Y}"
        in support
    )
    assert "No volunteer yet" in support
    assert "The first call is planned when they go home" in support
    page = client.get(reverse("records:client", args=[episode.client.pk])).content.decode()
    assert reverse("visits:episode", args=[episode.pk]) in page
    assert reverse("visits:match", args=[episode.pk]) in page


def test_an_offer_shows_on_the_record_the_episode_and_the_board_until_the_volunteer_accepts(
    client, coordinator, episode, make_volunteer, volunteer_user
):
    volunteer = make_volunteer(user=volunteer_user, given_name="Vera", family_name="Holt")
    client.force_login(coordinator)

    client.post(reverse("visits:offer", args=[episode.pk]), {"volunteer": volunteer.pk})

    assert "Offered to Vera Holt" in support_section(client, episode)
    assert "Offered to Vera Holt" in text_of(
        client.get(reverse("visits:episode", args=[episode.pk]))
    )
    assert "Offered to Vera Holt" in text_of(client.get(reverse("visits:board")))

    offer = episode.assignments.get()
    client.force_login(volunteer_user)
    client.post(reverse("visits:offer_accept", args=[offer.pk]))
    client.force_login(coordinator)

    support = support_section(client, episode)
    assert "Volunteer Vera Holt" in support
    assert "Offered to" not in support
    board = text_of(client.get(reverse("visits:board")))
    assert "Vera Holt" in board
    assert "Offered to" not in board


def test_once_home_the_record_shows_the_first_call_then_what_is_overdue_and_the_open_concerns(
    client, coordinator, episode
):
    with time_machine.travel(at(2026, 11, 3, 10, 0), tick=False):
        episode_record_discharge(
            episode=episode, discharged_on=datetime.date(2026, 11, 3), by=coordinator
        )
    client.force_login(coordinator)
    first = episode.calls.get(is_first=True)

    with time_machine.travel(at(2026, 11, 3, 11, 0), tick=False):
        support = support_section(client, episode)
    assert (
        f"Phone call due {first.due_at.astimezone():%A} {first.due_at.astimezone().day}" in support
    )
    assert "(first call)" in support
    assert "overdue" not in support

    with time_machine.travel(first.due_at + datetime.timedelta(days=1), tick=False):
        sweep_overdue()
        concern_raise(
            episode=episode, by=coordinator, category=ConcernCategory.HEALTH,
            urgency=Urgency.TODAY, description="Breathless on the stairs",
        )  # fmt: skip
        client.force_login(coordinator)  # a day later: signed in again
        support = support_section(client, episode)
    assert episode.calls.filter(status=CallStatus.OVERDUE).count() == 1
    # The overdue call itself is named, not only the next one planned after it.
    due = date_at(first.due_at, "l j F")
    assert f"1 overdue Phone call due {due}, not logged. Then: Phone call due" in support
    assert "Open concerns Health getting worse" in support
    assert "raised 7 November (needs action today; open)" in support


def test_a_closed_concern_is_no_longer_listed_as_open(client, coordinator, episode):
    concern = concern_raise(
        episode=episode, by=coordinator, category=ConcernCategory.HEALTH,
        urgency=Urgency.TODAY, description="Breathless on the stairs",
    )  # fmt: skip
    concern_close(concern=concern, by=coordinator, action_taken="Rang the GP")
    client.force_login(coordinator)

    support = support_section(client, episode)

    assert "Open concerns None" in support


def test_the_record_of_a_client_with_no_open_support_says_so(client, coordinator, episode):
    episode_close(episode=episode, outcome=ExitOutcome.DECLINED, by=coordinator)
    client.force_login(coordinator)

    assert "No open support episode" in support_section(client, episode)
