"""The client's timeline: every kind of event of their story, on the client's record page."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aligns.audit.models import LawfulBasis
from aligns.audit.sharing import sharing_record
from aligns.catalogues.models import Need
from clients.models import ConsentKind
from clients.services import consent_record, consent_to_share
from referrals.services import referral_accept
from tests.factories import ReferralFactory
from tests.visits.conftest import supporting
from visits.models import CallKind, ExitOutcome
from visits.services import (
    community_service_save,
    concern_close,
    concern_raise,
    contact_log,
    episode_close,
    episode_extend,
    episode_readmit,
    episode_return_home,
    onward_referral_record,
)

LONDON = timezone.get_default_timezone()
WENT_HOME = datetime.date(2026, 11, 2)
CALL_NOTE = "Talked about the grandson visiting on Sunday"
CONCERN_WORDS = "Bruise on the left arm after a trip"


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def episode(scheme, coordinator):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        referral = ReferralFactory(
            ward__hospital__scheme=scheme, actual_discharge_date=WENT_HOME,
            expected_discharge_date=WENT_HOME,
        )  # fmt: skip
        return referral_accept(referral=referral, by=coordinator)[1]


def a_week_of_support(episode, coordinator, volunteer, week):
    """A call, a concern raised and closed, a readmission and the return home, an onward
    referral and a share: one of each kind of event of support, in the week after `week`."""
    day = WENT_HOME + datetime.timedelta(weeks=week)

    def moment(days, hour):
        return at(day.year, day.month, day.day, hour) + datetime.timedelta(days=days)

    with time_machine.travel(moment(1, 10), tick=False):
        contact_log(
            episode=episode, by=volunteer, kind=CallKind.CALL, happened_at=moment(1, 10),
            answered=True, duration_minutes=25, activities=Need.objects.filter(code="shopping"),
            notes=CALL_NOTE,
        )  # fmt: skip
        concern = concern_raise(
            episode=episode, by=volunteer, category="safeguarding", urgency="today",
            description=CONCERN_WORDS,
        )  # fmt: skip
    with time_machine.travel(moment(1, 14), tick=False):
        concern_close(
            concern=concern, by=coordinator, action_taken="Spoke to her daughter",
            escalated_to="Riverside adult social care",
        )  # fmt: skip
    with time_machine.travel(moment(2, 9), tick=False):
        episode_readmit(
            episode=episode, admitted_on=day + datetime.timedelta(days=2), source="ward",
            reason="Chest infection", by=coordinator,
        )  # fmt: skip
    with time_machine.travel(moment(4, 9), tick=False):
        episode_return_home(
            episode=episode, returned_on=day + datetime.timedelta(days=4), by=coordinator
        )
        service = community_service_save(
            scheme=episode.scheme, by=coordinator, name=f"Ring and Ride {week}",
            category="transport",
        )  # fmt: skip
        onward_referral_record(
            episode=episode, service=service, referred_on=day + datetime.timedelta(days=4),
            by=coordinator,
        )  # fmt: skip
        sharing_record(
            by=coordinator, subject=episode, client=episode.client,
            consent=consent_to_share(client=episode.client), what="Outcome summary",
            fields_shared="The summary", recipient_organisation=f"Hill Street Surgery {week}",
            purpose="To tell the GP", lawful_basis=LawfulBasis.PUBLIC_TASK_HEALTH,
        )  # fmt: skip


@pytest.fixture
def supported(episode, coordinator, volunteer):
    consent_record(
        client=episode.client, kind=ConsentKind.SHARE, given=True, decided_on=WENT_HOME,
        obtained_by="Ward nurse", by=coordinator,
    )  # fmt: skip
    a_week_of_support(episode, coordinator, volunteer, week=0)
    with time_machine.travel(at(2026, 11, 9, 9, 0), tick=False):
        episode_extend(episode=episode, weeks=2, reason="Still unsteady", by=coordinator)
    return episode


def events_on_the_page(client, user, client_record):
    client.force_login(user)
    response = client.get(reverse("records:client", args=[client_record.pk]))
    return response, {event.title: event for event in response.context["events"]}


def test_the_timeline_shows_every_kind_of_event_of_support(client, coordinator, supported):
    response, events = events_on_the_page(client, coordinator, supported.client)

    call = events["Phone call: 25 minutes"]
    assert call.detail == "Helped with: shopping"
    assert call.url == reverse("visits:episode", args=[supported.pk])
    raised = events["Concern raised: safeguarding"]
    assert raised.detail == "Needs action today"
    assert events["Concern closed: safeguarding"].detail == (
        "Escalated to Riverside adult social care"
    )
    assert events["Readmitted to hospital: calls paused"].when == at(2026, 11, 4, 0, 0)
    assert "Home again: calls resumed" in events
    assert events["Referred on to Ring and Ride 0"].detail == "Outcome: waiting"
    shared = events["Shared with Hill Street Surgery 0: outcome summary"]
    assert shared.who == str(coordinator)
    assert "Support extended by 2 weeks" in events
    assert "Went home: support started" in events
    html = response.content.decode()
    for title in ("Phone call: 25 minutes", "Concern raised: safeguarding",
                  "Referred on to Ring and Ride 0"):  # fmt: skip
        assert title in html
    # Newest first.
    whens = [event.when for event in response.context["events"]]
    assert whens == sorted(whens, reverse=True)


def test_the_timeline_never_shows_what_a_volunteer_wrote(client, coordinator, supported):
    response, _ = events_on_the_page(client, coordinator, supported.client)

    html = response.content.decode()
    timeline = html.split("<h2>Timeline</h2>")[1]
    assert CALL_NOTE not in timeline
    assert CONCERN_WORDS not in timeline


def test_a_manager_sees_the_events_but_follows_only_the_links_their_role_may(
    client, manager, supported
):
    _, events = events_on_the_page(client, manager, supported.client)

    # Managers may read episodes and concerns, not referrals (ward staff's and coordinators').
    assert events["Phone call: 25 minutes"].url
    assert events["Concern raised: safeguarding"].url
    assert events[next(title for title in events if title.startswith("Referred from"))].url == ""


def test_the_timeline_costs_the_same_queries_however_much_support_it_holds(
    client, coordinator, volunteer, supported, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("records:client", args=[supported.client.pk])
    with django_assert_max_num_queries(80) as one_week:
        client.get(url)
    for week in range(1, 5):
        a_week_of_support(supported, coordinator, volunteer, week=week)

    with django_assert_max_num_queries(len(one_week.captured_queries)):
        response = client.get(url)

    assert response.content.decode().count("Phone call: 25 minutes") == 5


def test_an_event_known_only_by_its_day_shows_the_day_without_a_time(
    client, coordinator, supported
):
    response, events = events_on_the_page(client, coordinator, supported.client)

    readmitted = events["Readmitted to hospital: calls paused"]
    assert readmitted.date_only
    call = events["Phone call: 25 minutes"]
    assert not call.date_only
    html = " ".join(response.content.decode().split())
    assert f"4 November 2026 · {coordinator.full_name}" in html  # the readmission
    assert "at midnight" not in html
    assert "3 November 2026 at 10am" in html  # the call, timed


def test_closing_support_is_the_newest_event_of_its_day_above_the_support_it_ended(
    client, coordinator, volunteer, episode
):
    """The closure is known by its day only; the volunteer's support it ends is timed (late
    in the afternoon). Newest first, the closure comes above what it ended, not at the
    bottom of the day as if the support had closed before the volunteer's ended."""
    vera = supporting(episode, volunteer)
    with time_machine.travel(at(2026, 12, 10, 17, 0), tick=False):
        episode_close(episode=episode, outcome=ExitOutcome.DECLINED, by=coordinator)

    response, _ = events_on_the_page(client, coordinator, episode.client)

    titles = [event.title for event in response.context["events"]]
    ended = f"Support from {vera} ended"
    assert titles[:2] == ["Support closed", ended]


def test_a_label_keeps_its_abbreviations_inside_a_sentence(client, coordinator, supported):
    _, events = events_on_the_page(client, coordinator, supported.client)

    assert "Consent given: to information being shared with NHS partners" in events
