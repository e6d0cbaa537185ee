"""The sweeps judged by the time they are given, the week-6 review kept through a readmission, and
the "two unanswered calls in a row" rule read in the order the calls happened.

Expected figures are counted by hand from the rules: the client went home on Monday 2 November
2026, so the calls fall due at midday on 5, 12, 19 and 26 November and 3 and 10 December, and
the review falls due at the start of week 6 (7 December).
"""

import datetime

import pytest
import time_machine

from tests.visits.conftest import at, readmitted_then_home
from visits.models import (
    Alert,
    AlertKind,
    CallKind,
    ConcernCategory,
    EpisodeStatus,
    Urgency,
)
from visits.services import (
    concern_raise,
    contact_log,
    episode_assign_volunteer,
)
from visits.sweeps import run_sweeps, sweep_reviews

HOME_ON = datetime.date(2026, 11, 2)
WEEK_SIX = at(2026, 12, 7, 9, 0)


@pytest.fixture
def episode(make_active_episode):
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        return make_active_episode(went_home=HOME_ON)


def test_the_sweeps_judge_by_the_time_they_are_given_not_the_clock(
    episode, make_episode, make_volunteer, coordinator
):
    """The demo and a catch-up after an outage run the sweeps for a given moment; each sweep
    must act as of that moment, whatever the clock says."""
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        concern_raise(
            episode=episode, by=coordinator, category=ConcernCategory.NOT_COPING,
            urgency=Urgency.TODAY, description="Not eating",
        )  # fmt: skip
        episode_assign_volunteer(episode=make_episode(), volunteer=make_volunteer(), by=coordinator)

        done = run_sweeps(at(2026, 12, 10, 9, 0))  # the clock still says 2 November

    assert done == {
        "reminders": 1,  # midday on 10 December
        "overdue": 5,  # 5, 12, 19 and 26 November and 3 December, none made
        "reviews": 1,  # week 6 began on 7 December
        "concerns": 1,  # unacknowledged for five weeks
        "offers": 1,  # unanswered for five weeks
        "lapsed_checks": 0,  # the volunteer's check is current until 2029
    }


def test_a_client_home_again_after_the_review_was_prompted_is_still_due_a_review(
    episode, coordinator
):
    """Readmitted while in review and home again: the review is still owed. Resuming as simply
    active would leave the support running past week 6 with nobody prompted to decide."""
    assert sweep_reviews(WEEK_SIX) == 1
    readmitted_then_home(
        episode, coordinator, datetime.date(2026, 12, 8), datetime.date(2026, 12, 10)
    )

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.IN_REVIEW
    assert episode.review_prompted_at == WEEK_SIX
    assert sweep_reviews(at(2026, 12, 11, 9, 0)) == 0  # prompted once: the first alert stands
    assert Alert.objects.filter(kind=AlertKind.REVIEW_DUE).count() == 1


def test_a_client_home_again_before_week_6_is_prompted_for_review_when_it_comes(
    episode, coordinator
):
    readmitted_then_home(
        episode, coordinator, datetime.date(2026, 11, 10), datetime.date(2026, 11, 17)
    )

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE
    assert sweep_reviews(WEEK_SIX) == 1


def test_the_review_reads_as_week_6_review_due_in_the_episodes_history(episode):
    sweep_reviews(WEEK_SIX)

    latest = episode.history.latest("history_date")
    assert (latest.status, latest.history_change_reason, latest.history_user) == (
        EpisodeStatus.IN_REVIEW,
        "Week-6 review due",
        None,
    )


def test_a_call_logged_late_for_an_earlier_time_is_not_the_call_before(episode, coordinator):
    """ "Two unanswered calls in a row" means in the order they happened, not the order they
    were typed in: an unanswered call written up late does not sit between two others."""

    def call(day, hour, answered):
        _, concern = contact_log(
            episode=episode, by=coordinator, kind=CallKind.CALL,
            happened_at=at(2026, 11, day, hour, 0), answered=answered,
        )  # fmt: skip
        return concern

    with time_machine.travel(at(2026, 11, 6, 18, 0), tick=False):
        call(6, 10, answered=True)
        call(4, 10, answered=False)  # Wednesday's, written up on Friday
        assert call(6, 16, answered=False) is None  # the call before it was answered


def test_of_two_calls_logged_for_the_same_minute_the_later_logged_is_the_call_before(
    episode, coordinator
):
    def call(hour, answered):
        _, concern = contact_log(
            episode=episode, by=coordinator, kind=CallKind.CALL,
            happened_at=at(2026, 11, 6, hour, 0), answered=answered,
        )  # fmt: skip
        return concern

    with time_machine.travel(at(2026, 11, 6, 18, 0), tick=False):
        call(10, answered=False)  # rang, no answer; rang straight back and got through
        call(10, answered=True)
        assert call(16, answered=False) is None
