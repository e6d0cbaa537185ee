"""The sweeps (reminders, overdue calls, reviews, concerns) and logging contacts.

The tests of two at once (tests/concurrency.py) run on PostgreSQL only, as CI does: SQLite
has no row locks and no SKIP LOCKED (it serialises every write), so there nothing would race.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection

from aligns.accounts.models import Role
from clients.assessment import RiskLevel
from clients.services import assessment_save_answers, assessment_sign_off, assessment_start
from tests.clients.conftest import answers
from tests.concurrency import at_once
from tests.visits.conftest import at
from visits.models import (
    Alert,
    AlertKind,
    Assignment,
    CallKind,
    CallStatus,
    ConcernCategory,
    EpisodeStatus,
    ScheduledCall,
    SupportEpisode,
)
from visits.services import EpisodeActionRefused, contact_log, episode_close
from visits.sweeps import run_sweeps, sweep_overdue, sweep_reminders, sweep_reviews
from volunteers.models import Volunteer

MONDAY = at(2026, 11, 2, 8, 0)
FIRST_DUE = at(2026, 11, 5, 12, 0)  # 72 hours after a midday discharge on Monday


@pytest.fixture
def episode(make_active_episode):
    with time_machine.travel(MONDAY, tick=False):
        return make_active_episode(went_home=datetime.date(2026, 11, 2))


def test_a_call_becomes_overdue_only_after_its_grace_period_and_alerts_once(
    episode, coordinator, send_messages
):
    assert sweep_overdue(FIRST_DUE + datetime.timedelta(hours=3, minutes=59)) == 0
    assert sweep_overdue(FIRST_DUE + datetime.timedelta(hours=4, minutes=1)) == 1
    assert sweep_overdue(FIRST_DUE + datetime.timedelta(hours=9)) == 0
    send_messages()

    first = episode.calls.get(is_first=True)
    assert first.status == CallStatus.OVERDUE
    alert = Alert.objects.get()
    assert (alert.kind, alert.scheduled_call) == (AlertKind.OVERDUE_CALL, first)
    (email,) = mail.outbox
    assert coordinator.email in email.to
    assert episode.client.family_name not in email.body  # emails never name the client


def test_volunteers_are_reminded_of_calls_due_today_once(episode, make_user, send_messages):

    user = make_user(Role.VOLUNTEER)
    volunteer = Volunteer.objects.create(
        scheme=episode.scheme,
        user=user,
        given_name="Vera",
        family_name="Vol",
        email="vera@example.org",
        postcode="AB1 1AA",
    )
    Assignment.objects.create(
        episode=episode, volunteer=volunteer, status="accepted", offered_by=episode.opened_by
    )

    assert sweep_reminders(at(2026, 11, 4, 7, 0)) == 0  # due tomorrow
    assert sweep_reminders(at(2026, 11, 5, 7, 0)) == 1
    assert sweep_reminders(at(2026, 11, 5, 7, 5)) == 0
    send_messages()

    (email,) = mail.outbox
    assert email.to == ["vera@example.org"]
    assert episode.client.given_name in email.subject
    assert episode.client.family_name not in email.body


def test_the_week_six_review_is_prompted_once(episode):
    week_six = at(2026, 12, 7, 9, 0)

    assert sweep_reviews(week_six - datetime.timedelta(days=1)) == 0
    assert sweep_reviews(week_six) == 1
    assert sweep_reviews(week_six + datetime.timedelta(hours=1)) == 0

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.IN_REVIEW
    assert Alert.objects.get().kind == AlertKind.REVIEW_DUE


def test_a_sweep_after_an_outage_handles_everything_due_once(episode):
    # Nothing ran for three weeks: three calls fell due meanwhile.
    three_weeks_on = at(2026, 11, 23, 9, 0)

    first = run_sweeps(three_weeks_on)
    again = run_sweeps(three_weeks_on)

    assert first["overdue"] == 3
    assert again == {
        "reminders": 0, "overdue": 0, "reviews": 0, "concerns": 0, "offers": 0, "lapsed_checks": 0,
    }  # fmt: skip
    assert Alert.objects.filter(kind=AlertKind.OVERDUE_CALL).count() == 3


def test_an_unacknowledged_concern_is_sent_again_until_someone_acknowledges_it(
    episode, make_user, django_capture_on_commit_callbacks, send_messages
):
    from visits.services import concern_acknowledge, concern_raise
    from visits.sweeps import sweep_concerns

    with (
        time_machine.travel(at(2026, 11, 6, 10, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        concern = concern_raise(
            episode=episode,
            by=None,
            category="health",
            urgency="today",
            description="Breathless",
        )
    assert len(mail.outbox) == 1

    assert sweep_concerns(at(2026, 11, 6, 10, 30)) == 0
    assert sweep_concerns(at(2026, 11, 6, 11, 1)) == 1
    concern_acknowledge(concern=concern, by=make_user(Role.COORDINATOR))
    assert sweep_concerns(at(2026, 11, 6, 14, 0)) == 0
    send_messages()

    assert "(reminder)" in mail.outbox[1].subject


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="skip_locked needs PostgreSQL (set DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_each_overdue_alert_once(make_active_episode):
    with time_machine.travel(MONDAY, tick=False):
        for _ in range(5):
            make_active_episode(went_home=datetime.date(2026, 11, 2))

    def sweep():
        return sweep_overdue(at(2026, 11, 23, 9, 0))

    counts = at_once(sweep, sweep)

    assert sum(counts) == 15  # three overdue calls in each of five episodes
    assert Alert.objects.count() == 15
    assert ScheduledCall.objects.filter(status=CallStatus.OVERDUE).count() == 15


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="skip_locked needs PostgreSQL (set DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_reminder_sweeps_at_once_remind_each_call_once_with_one_message(make_active_episode):
    from aligns.outbox.models import Message

    with time_machine.travel(MONDAY, tick=False):
        for _ in range(30):
            make_active_episode(went_home=datetime.date(2026, 11, 2))

    def sweep():
        return sweep_reminders(at(2026, 11, 5, 7, 0), batch=4)

    counts = at_once(sweep, sweep)

    first_calls = ScheduledCall.objects.filter(is_first=True)
    assert sum(counts) == 30 == first_calls.filter(reminded_at__isnull=False).count()
    assert sorted(Message.objects.values_list("ids__call_id", flat=True)) == sorted(
        first_calls.values_list("pk", flat=True)
    )


# --- Contacts ------------------------------------------------------------------------------


def test_an_answered_call_completes_the_call_due(episode, coordinator):
    contact, concern = contact_log(
        episode=episode,
        by=coordinator,
        kind=CallKind.CALL,
        happened_at=at(2026, 11, 4, 15, 0),
        answered=True,
        duration_minutes=20,
    )

    assert contact.scheduled_call == episode.calls.get(is_first=True)
    assert contact.scheduled_call.status == CallStatus.DONE
    assert concern is None


def test_an_unanswered_call_does_not_and_two_in_a_row_raise_a_concern(episode, coordinator):
    first, no_concern = contact_log(
        episode=episode,
        by=coordinator,
        kind=CallKind.CALL,
        happened_at=at(2026, 11, 4, 10, 0),
        answered=False,
    )
    second, concern = contact_log(
        episode=episode,
        by=coordinator,
        kind=CallKind.CALL,
        happened_at=at(2026, 11, 4, 16, 0),
        answered=False,
    )

    assert first.scheduled_call is None and no_concern is None
    assert concern.category == ConcernCategory.NO_ANSWER
    assert concern.raised_by is None
    assert Alert.objects.filter(kind=AlertKind.CONCERN, concern=concern).exists()


def test_an_answered_call_between_two_unanswered_ones_raises_nothing(episode, coordinator):
    for hour, answered in ((9, False), (12, True), (15, False)):
        _, concern = contact_log(
            episode=episode,
            by=coordinator,
            kind=CallKind.CALL,
            happened_at=at(2026, 11, 4, hour, 0),
            answered=answered,
        )

    assert concern is None


def test_a_home_visit_is_refused_until_the_assessment_allows_it(episode, coordinator):
    with pytest.raises(EpisodeActionRefused, match="risk assessment"):
        contact_log(
            episode=episode,
            by=coordinator,
            kind=CallKind.VISIT,
            happened_at=at(2026, 11, 4, 10, 0),
            answered=True,
        )
    assessment = assessment_start(client=episode.client, by=coordinator)
    assessment_save_answers(assessment=assessment, answers=answers(), by=coordinator)
    assessment_sign_off(assessment=assessment, level=RiskLevel.LOW, reason="", by=coordinator)

    contact, _ = contact_log(
        episode=episode,
        by=coordinator,
        kind=CallKind.VISIT,
        happened_at=at(2026, 11, 4, 10, 0),
        answered=True,
    )

    assert contact.kind == CallKind.VISIT and contact.answered


def test_volunteer_access_ends_when_the_episode_closes(episode, coordinator, make_user):

    user = make_user(Role.VOLUNTEER)
    volunteer = Volunteer.objects.create(
        scheme=episode.scheme, user=user, given_name="Vera", family_name="Vol", postcode="AB1 1AA"
    )
    Assignment.objects.create(
        episode=episode, volunteer=volunteer, status="accepted", offered_by=coordinator
    )
    assert list(SupportEpisode.objects.visible_to(user)) == [episode]

    episode_close(episode=episode, outcome="declined", by=coordinator)

    assert list(SupportEpisode.objects.visible_to(user)) == []
    assert Assignment.objects.get().status == "ended"
    with pytest.raises(EpisodeActionRefused, match="support has ended"):
        contact_log(
            episode=episode,
            by=user,
            kind=CallKind.CALL,
            happened_at=at(2026, 11, 4, 10, 0),
            answered=True,
        )


def test_a_closed_episode_is_never_a_volunteers_to_see_whatever_its_assignment_says(
    episode, coordinator, make_user
):
    """Access ends with the episode itself, not only with its assignment being ended."""
    user = make_user(Role.VOLUNTEER)
    volunteer = Volunteer.objects.create(
        scheme=episode.scheme, user=user, given_name="Vera", family_name="Vol", postcode="AB1 1AA"
    )
    Assignment.objects.create(
        episode=episode, volunteer=volunteer, status="accepted", offered_by=coordinator
    )
    SupportEpisode.objects.filter(pk=episode.pk).update(status=EpisodeStatus.CLOSED)

    assert not SupportEpisode.objects.visible_to(user).exists()


def test_an_overdue_calls_alert_says_when_the_call_was_made_or_is_no_longer_due(
    client, episode, coordinator, make_active_episode
):
    from django.urls import reverse

    from visits.services import episode_readmit

    with time_machine.travel(MONDAY, tick=False):
        closed = make_active_episode(went_home=datetime.date(2026, 11, 2), given_name="Reg")
        back_in = make_active_episode(went_home=datetime.date(2026, 11, 2), given_name="Ivy")
    late = FIRST_DUE + datetime.timedelta(hours=5)
    sweep_overdue(late)
    client.force_login(coordinator)

    with time_machine.travel(late, tick=False):
        contact_log(
            episode=episode, by=coordinator, kind=CallKind.CALL, happened_at=late, answered=True
        )
        episode_close(episode=closed, outcome="declined", by=coordinator)
        episode_readmit(
            episode=back_in, admitted_on=late.date(), source="family", reason="",
            by=coordinator,
        )  # fmt: skip
        page = client.get(reverse("visits:work_queue")).content.decode()

    assert f"Phone call to {episode.client} was overdue (due 5 Nov 12:00): made since" in page
    assert (
        f"Phone call to {closed.client} was overdue (due 5 Nov 12:00): no longer due (cancelled)"
        in page
    )
    assert (
        f"Phone call to {back_in.client} was overdue (due 5 Nov 12:00): paused while they are "
        "back in hospital" in page
    )
    assert "is overdue" not in page


def test_a_review_alert_says_when_the_support_was_closed_or_extended_since(
    client, coordinator, make_active_episode
):
    """The week-6 review asks to extend or plan to close; once either is done the alert says
    so, rather than sending the coordinator to a decision already made."""
    from django.urls import reverse

    from visits.services import episode_extend

    with time_machine.travel(MONDAY, tick=False):
        waiting, closed, extended = (
            make_active_episode(went_home=datetime.date(2026, 11, 2), given_name=name)
            for name in ("Wyn", "Reg", "Ivy")
        )
    week_six = at(2026, 12, 14, 9, 0)
    assert sweep_reviews(week_six) == 3

    with time_machine.travel(week_six, tick=False):
        client.force_login(coordinator)
        episode_close(episode=closed, outcome="moved_away", by=coordinator)
        episode_extend(episode=extended, weeks=2, reason="Still unsteady", by=coordinator)
        page = client.get(reverse("visits:work_queue")).content.decode()

    assert f"Review the support of {waiting.client}: extend it or plan to close" in page
    assert f"The support of {closed.client} was due for review: closed since (moved away)" in page
    assert (
        f"The support of {extended.client} was due for review: extended since, to 8 weeks" in page
    )
    assert f"Review the support of {closed.client}" not in page
    assert f"Review the support of {extended.client}" not in page


def test_acknowledging_an_alert_takes_it_off_the_queue_names_who_and_a_second_is_told(
    client, episode, coordinator, make_user
):
    """Two coordinators at the same queue: the first to acknowledge an alert is named on it,
    the second is told who did rather than acknowledging it again. A concern's alert
    acknowledges the concern, for the person who pressed the button."""
    from django.urls import reverse

    from visits.models import ConcernCategory, ConcernStatus, Urgency
    from visits.services import concern_raise

    colleague = make_user(Role.COORDINATOR)
    sweep_overdue(FIRST_DUE + datetime.timedelta(hours=5))
    overdue = Alert.objects.get(kind=AlertKind.OVERDUE_CALL)
    concern = concern_raise(
        episode=episode, by=make_user(Role.VOLUNTEER), category=ConcernCategory.NOT_COPING,
        urgency=Urgency.TODAY, description="No food in",
    )  # fmt: skip
    worry = Alert.objects.get(kind=AlertKind.CONCERN)
    acknowledge = reverse("visits:alert_ack", args=[overdue.pk])

    with time_machine.travel(at(2026, 11, 5, 18, 0), tick=False):
        client.force_login(coordinator)
        first = client.post(acknowledge, follow=True).content.decode()
        client.post(reverse("visits:alert_ack", args=[worry.pk]))
        client.force_login(colleague)
        second = client.post(acknowledge, follow=True).content.decode()

    overdue.refresh_from_db()
    assert (overdue.acknowledged_by, overdue.acknowledged_at) == (
        coordinator,
        at(2026, 11, 5, 18, 0),
    )
    assert "Acknowledged." in first
    assert f"Already acknowledged by {coordinator}." in second
    concern.refresh_from_db()
    worry.refresh_from_db()
    assert (concern.status, concern.acknowledged_by, concern.acknowledged_at) == (
        ConcernStatus.ACKNOWLEDGED,
        coordinator,
        at(2026, 11, 5, 18, 0),
    )
    assert (worry.acknowledged_by, worry.acknowledged_at) == (coordinator, at(2026, 11, 5, 18, 0))
    assert not Alert.objects.open().exists()
