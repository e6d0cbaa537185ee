"""The schedule's due times, written out by hand for each turn an episode can take, and the
rules that decide which call a contact completes and which calls the sweeps act on.

The expected times come from the rules, not the code: the first call 72 hours after discharge
(taken as midday), then weekly at the same time until the planned end (six weeks from the day
of discharge, the last day included); a call made up to three days early counts as that call;
a weekly call already past when the plan changes is not made up. The client here went home on
Monday 2 November 2026.
"""

import datetime

import pytest
import time_machine

from tests.visits.conftest import at, readmitted_then_home
from visits.figures import needs_kept
from visits.models import Alert, CallKind, CallStatus, ScheduledCall
from visits.services import (
    contact_log,
    episode_extend,
    episode_record_discharge,
)
from visits.sweeps import sweep_overdue, sweep_reminders


def noon(month, day):
    return at(2026, month, day, 12, 0)


HOME_ON = datetime.date(2026, 11, 2)
PLAN = [noon(11, 5), noon(11, 12), noon(11, 19), noon(11, 26), noon(12, 3), noon(12, 10)]


def pending(episode):
    return list(
        episode.calls.filter(status=CallStatus.PENDING)
        .order_by("due_at")
        .values_list("due_at", flat=True)
    )


def first_calls(episode):
    return list(episode.calls.filter(is_first=True).values_list("due_at", "status"))


def call_made(episode, by, when):
    with time_machine.travel(when, tick=False):
        contact, _ = contact_log(
            episode=episode, by=by, kind=CallKind.CALL, happened_at=when, answered=True,
            duration_minutes=15,
        )  # fmt: skip
    return contact.scheduled_call


@pytest.fixture
def episode(make_active_episode):
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        return make_active_episode(went_home=HOME_ON)


def test_the_plan_after_discharge(episode):
    assert pending(episode) == PLAN
    assert first_calls(episode) == [(noon(11, 5), CallStatus.PENDING)]


def test_home_again_after_a_readmission_brings_a_call_within_72_hours_even_after_the_first(
    episode, coordinator
):
    call_made(episode, coordinator, at(2026, 11, 5, 10, 0))
    readmitted_then_home(
        episode, coordinator, datetime.date(2026, 11, 10), datetime.date(2026, 11, 17)
    )

    # 72 hours after midday on the 17th, then weekly to the planned end (13 December).
    assert pending(episode) == [noon(11, 20), noon(11, 27), noon(12, 4), noon(12, 11)]
    assert first_calls(episode) == [(noon(11, 5), CallStatus.DONE)]


def test_correcting_the_discharge_after_the_first_call_plans_no_second_first_call(
    episode, coordinator
):
    call_made(episode, coordinator, at(2026, 11, 4, 10, 0))
    with time_machine.travel(at(2026, 11, 6, 9, 0), tick=False):
        episode_record_discharge(
            episode=episode, discharged_on=datetime.date(2026, 11, 3), by=coordinator
        )

    # Weekly from the corrected discharge, to its planned end (14 December).
    assert pending(episode) == [noon(11, 13), noon(11, 20), noon(11, 27), noon(12, 4), noon(12, 11)]
    assert first_calls(episode) == [(noon(11, 5), CallStatus.DONE)]


def test_a_late_extension_does_not_bring_back_weekly_calls_already_past(episode, coordinator):
    for day in (5, 12, 19):
        call_made(episode, coordinator, at(2026, 11, day, 10, 0))
    with time_machine.travel(at(2026, 11, 25, 9, 0), tick=False):
        episode_extend(episode=episode, weeks=2, reason="Still settling", by=coordinator)

    # Eight weeks: to 27 December.
    assert pending(episode) == [noon(11, 26), noon(12, 3), noon(12, 10), noon(12, 17), noon(12, 24)]
    done = episode.calls.filter(status=CallStatus.DONE).order_by("due_at")
    assert list(done.values_list("due_at", flat=True)) == [noon(11, 5), noon(11, 12), noon(11, 19)]


def test_a_first_call_still_not_made_stays_due_when_the_plan_changes_late(episode, coordinator):
    with time_machine.travel(at(2026, 11, 25, 9, 0), tick=False):
        episode_extend(episode=episode, weeks=2, reason="Hard to reach", by=coordinator)

    # The first call is still owed; the weekly calls already past are not made up.
    assert pending(episode) == [
        noon(11, 5), noon(11, 26), noon(12, 3), noon(12, 10), noon(12, 17), noon(12, 24),
    ]  # fmt: skip


def test_a_contact_completes_the_oldest_call_still_to_make(episode, coordinator):
    sweep_overdue(at(2026, 11, 6, 9, 0))  # the first call was missed

    made = call_made(episode, coordinator, at(2026, 11, 10, 10, 0))

    # Both the overdue first call and the call due on the 12th are within reach: the oldest.
    assert made.due_at == noon(11, 5)
    assert pending(episode)[0] == noon(11, 12)


def test_a_phone_call_never_completes_a_planned_visit(episode, coordinator):
    visit = ScheduledCall.objects.create(
        episode=episode, kind=CallKind.VISIT, due_at=at(2026, 11, 4, 10, 0)
    )
    needs_kept([episode.pk])

    made = call_made(episode, coordinator, at(2026, 11, 5, 10, 0))

    assert (made.kind, made.due_at) == (CallKind.CALL, noon(11, 5))
    visit.refresh_from_db()
    assert visit.status == CallStatus.PENDING


def test_the_overdue_sweep_leaves_done_and_cancelled_calls_alone(episode, coordinator):
    call_made(episode, coordinator, at(2026, 11, 5, 10, 0))
    episode.calls.filter(due_at=noon(11, 12)).update(status=CallStatus.CANCELLED)
    needs_kept([episode.pk])

    assert sweep_overdue(at(2026, 11, 13, 9, 0)) == 0
    assert not Alert.objects.exists()


def test_the_reminder_sweep_leaves_cancelled_and_done_calls_alone(episode, coordinator):
    episode.calls.filter(due_at=noon(11, 5)).update(status=CallStatus.CANCELLED)
    needs_kept([episode.pk])
    assert sweep_reminders(at(2026, 11, 5, 7, 0)) == 0

    call_made(episode, coordinator, at(2026, 11, 11, 10, 0))  # a day early: the 12th's call
    assert sweep_reminders(at(2026, 11, 12, 7, 0)) == 0


def test_a_call_made_more_than_three_days_before_one_falls_due_completes_none(episode, coordinator):
    """The 12th's call may be made from the 9th at noon; a call on the 9th at 11:00 is a
    contact of its own (the 5th's call done already), and the 12th's call is still to make."""
    call_made(episode, coordinator, at(2026, 11, 5, 10, 0))

    assert call_made(episode, coordinator, at(2026, 11, 9, 11, 0)) is None
    assert pending(episode) == PLAN[1:]
    assert call_made(episode, coordinator, at(2026, 11, 9, 12, 0)).due_at == noon(11, 12)


def test_a_scheme_that_plans_eight_weeks_opens_support_of_eight_weeks_with_calls_to_its_end(
    scheme, make_active_episode
):
    """Support runs to Sunday 27 December 2026 (eight weeks from 2 November, the last day
    included): two weekly calls more than the six weeks' plan."""
    scheme.episode_weeks = 8
    scheme.save()
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        episode = make_active_episode(went_home=HOME_ON)

    assert (episode.planned_weeks, episode.planned_end) == (8, datetime.date(2026, 12, 27))
    assert pending(episode) == [*PLAN, noon(12, 17), noon(12, 24)]
