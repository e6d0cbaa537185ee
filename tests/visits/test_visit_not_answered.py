"""A home visit where nobody answers the door (docs/safety hazard H4d), along the path the
volunteer and the coordinator live: the client was not seen, so the planned visit is not made
by it; a concern reaches the coordinators at once; the client's record says nobody answered;
the Today card does not say it was done; and the visit, still to make, is made overdue and
alerted like any other until someone sees the client."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from aligns.accounts.models import Role
from records.timeline import timeline
from tests.visits.test_visit_hold import VISIT_AT, visit_planned_for_friday
from visits.models import (
    Alert,
    AlertKind,
    CallKind,
    CallStatus,
    Concern,
    ConcernCategory,
    Urgency,
)
from visits.services import assignment_end, contact_log, episode_readmit
from visits.sweeps import sweep_overdue

NOBODY_CAME = VISIT_AT + datetime.timedelta(minutes=10)


@pytest.fixture
def planned(make_active_episode, coordinator, make_user):
    return visit_planned_for_friday(make_active_episode, coordinator, make_user)


def nobody_at_the_door(episode, volunteer, **more):
    """The volunteer logs the Friday visit: nobody came to the door."""
    return contact_log(
        episode=episode, by=volunteer, kind=CallKind.VISIT, happened_at=NOBODY_CAME,
        answered=False, **more,
    )  # fmt: skip


def test_nobody_at_the_door_raises_a_concern_and_leaves_the_visit_to_make(
    client,
    planned,
    coordinator,
    send_messages,
):
    episode, visit, volunteer = planned
    with time_machine.travel(NOBODY_CAME, tick=False):
        contact, concern = nobody_at_the_door(episode, volunteer)
        client.force_login(volunteer)
        today = client.get(reverse("visits:today")).content.decode()
    send_messages()

    # Raised by the system, for today, and on the coordinators' work queue with an email.
    assert (concern.category, concern.urgency, concern.raised_by) == (
        ConcernCategory.NO_ANSWER,
        Urgency.TODAY,
        None,
    )
    assert concern.description == Concern.NO_ANSWER_AT_VISIT
    assert concern.contact == contact
    assert Alert.objects.filter(kind=AlertKind.CONCERN, concern=concern).exists()
    assert [m for m in mail.outbox if coordinator.email in m.to]
    # The planned visit is still to make: the unanswered one did not make it.
    visit.refresh_from_db()
    assert contact.scheduled_call is None and visit.status == CallStatus.PENDING
    assert "Visited today, no answer." in today and "Done today" not in today
    titles = [event.title for event in timeline(episode.client, coordinator)]
    assert "Home visit: not answered" in titles

    # Past its grace period with nobody seen, it is overdue and alerted like a missed call.
    sweep_overdue(VISIT_AT + datetime.timedelta(hours=5))
    visit.refresh_from_db()
    assert visit.status == CallStatus.OVERDUE
    assert Alert.objects.filter(kind=AlertKind.OVERDUE_CALL, scheduled_call=visit).exists()


def test_the_visit_is_made_when_someone_answers_on_a_second_try(planned):
    episode, visit, volunteer = planned
    second_try = VISIT_AT + datetime.timedelta(hours=1)
    with time_machine.travel(second_try, tick=False):
        nobody_at_the_door(episode, volunteer)
        answered, concern = contact_log(
            episode=episode, by=volunteer, kind=CallKind.VISIT, happened_at=second_try,
            answered=True, duration_minutes=40,
        )  # fmt: skip

    visit.refresh_from_db()
    assert answered.scheduled_call == visit and visit.status == CallStatus.DONE
    assert concern is None  # an answered visit raises nothing by itself
    assert Concern.objects.count() == 1  # the first try's


def test_a_welsh_reader_reads_the_automatic_concern_in_welsh(planned):
    from django.utils import translation

    episode, _, volunteer = planned
    with time_machine.travel(NOBODY_CAME, tick=False):
        _, concern = nobody_at_the_door(episode, volunteer)

    with translation.override("cy"):
        assert concern.description_shown.startswith("Dim ateb mewn ymweliad cartref")


@pytest.mark.parametrize(
    "unanswered",
    [
        pytest.param(["visit"], id="nobody at the door"),
        pytest.param(["call", "call"], id="two calls in a row"),
    ],
)
def test_the_volunteer_who_logged_it_is_told_the_coordinators_know(client, planned, unanswered):
    """The concern the code raised is not the volunteer's, but the page after the log tells
    them what happens now (it was "Page not found", so the log looked lost)."""
    episode, _, volunteer = planned
    client.force_login(volunteer)
    url = reverse("visits:log", args=[episode.pk])
    day = {"happened_on_day": "6", "happened_on_month": "11", "happened_on_year": "2026"}
    with time_machine.travel(NOBODY_CAME, tick=False):
        for kind in unanswered:
            token = client.get(url).context["submission"]
            data = {"kind": kind, "answered": "no", "submission": token, **day}
            page = client.post(url, data, follow=True)

    name = episode.client.given_name
    assert page.status_code == 200
    assert page.redirect_chain[-1][0].endswith("/sent/")
    text = page.content.decode()
    assert "Your coordinators have been told" in text
    assert " is saved." in text and "saved too" not in text  # they raised nothing themselves
    assert (
        f"Nobody answered, so the coordinators have been told and will check that {name} is safe"
        in text
    )
    assert f"If {name} is in danger now" in text


def test_only_who_logged_it_reads_that_page(client, planned, make_user, coordinator):
    episode, _, volunteer = planned
    with time_machine.travel(NOBODY_CAME, tick=False):
        _, concern = nobody_at_the_door(episode, volunteer)
    url = reverse("visits:concern_sent", args=[concern.pk])

    for someone_else in (make_user(Role.VOLUNTEER), coordinator):
        client.force_login(someone_else)
        assert client.get(url).status_code == 404
    client.force_login(volunteer)
    assert client.get(url).status_code == 200
    # Their support handed to someone else, the volunteer no longer sees the client here either.
    assignment = episode.assignments.get()
    assignment_end(assignment=assignment, by=coordinator, reason="Moving away")
    assert client.get(url).status_code == 404


def test_a_volunteer_who_reads_welsh_is_told_in_welsh(client, planned):
    episode, _, volunteer = planned
    volunteer.preferred_language = "cy"
    volunteer.save()
    client.force_login(volunteer)
    url = reverse("visits:log", args=[episode.pk])
    day = {"happened_on_day": "6", "happened_on_month": "11", "happened_on_year": "2026"}
    with time_machine.travel(NOBODY_CAME, tick=False):
        token = client.get(url).context["submission"]
        data = {"kind": "visit", "answered": "no", "submission": token, **day}
        text = client.post(url, data, follow=True).content.decode()

    name = episode.client.given_name
    assert "Mae eich cydlynwyr wedi cael gwybod" in text
    assert f"Mae eich ymweliad cartref â {name} wedi'i gadw." in text
    assert "Doedd neb yn ateb, felly mae'r cydlynwyr wedi cael gwybod" in text


def test_a_worry_the_volunteer_raises_for_later_does_not_replace_the_check_for_today(planned):
    episode, _, volunteer = planned
    worry = {"category": ConcernCategory.OTHER, "urgency": Urgency.SOON, "description": "Bins"}
    with time_machine.travel(NOBODY_CAME, tick=False):
        _, raised = nobody_at_the_door(episode, volunteer, concern=worry)

    assert raised.description == "Bins"  # theirs, for the page that thanks them
    assert sorted(episode.concerns.values_list("urgency", "description")) == sorted(
        [(Urgency.SOON, "Bins"), (Urgency.TODAY, Concern.NO_ANSWER_AT_VISIT)]
    )


def test_no_check_is_asked_for_once_someone_has_spoken_with_them_since(planned):
    """Logged late (no signal on the doorstep): the client answered a call the next morning."""
    episode, _, volunteer = planned
    next_morning = NOBODY_CAME + datetime.timedelta(hours=18)
    with time_machine.travel(next_morning, tick=False):
        contact_log(
            episode=episode, by=volunteer, kind=CallKind.CALL, happened_at=next_morning,
            answered=True, duration_minutes=10,
        )  # fmt: skip
        _, raised = nobody_at_the_door(episode, volunteer)

    assert raised is None and not episode.concerns.exists()


def test_no_check_is_asked_for_while_the_client_is_back_in_hospital(planned, coordinator):
    episode, _, volunteer = planned
    with time_machine.travel(NOBODY_CAME, tick=False):
        episode_readmit(
            episode=episode, admitted_on=NOBODY_CAME.date(), source="family", reason="",
            by=coordinator,
        )  # fmt: skip
        for minutes in (0, 30):
            _, raised = contact_log(
                episode=episode, by=volunteer, kind=CallKind.CALL,
                happened_at=NOBODY_CAME + datetime.timedelta(minutes=minutes), answered=False,
            )  # fmt: skip

    assert raised is None and not episode.concerns.exists()


def test_only_someone_speaking_with_them_after_the_visit_stands_the_check_down(planned):
    """Answered the day before, and rung (no answer) after the visit: nobody has spoken with
    them since nobody came to the door, so the check is asked for."""
    episode, _, volunteer = planned
    day_before = NOBODY_CAME - datetime.timedelta(days=1)
    rung_after = NOBODY_CAME + datetime.timedelta(hours=2)
    with time_machine.travel(rung_after, tick=False):
        for happened_at, answered in ((day_before, True), (rung_after, False)):
            contact_log(
                episode=episode, by=volunteer, kind=CallKind.CALL, happened_at=happened_at,
                answered=answered, duration_minutes=10 if answered else 0,
            )  # fmt: skip
        _, raised = nobody_at_the_door(episode, volunteer)

    assert list(episode.concerns.values_list("description", flat=True)) == [
        Concern.NO_ANSWER_AT_VISIT
    ]
