"""Calls and concerns move through their transition tables (aligns/transitions.py), one row
or many at once, only where the table allows."""

import datetime

import pytest
import time_machine

from aligns.transitions import move, move_all
from tests.visits.conftest import at
from visits.figures import needs_kept
from visits.models import (
    CALL_TRANSITIONS,
    CONCERN_TRANSITIONS,
    CallStatus,
    ConcernStatus,
    ScheduledCall,
)
from visits.services import EpisodeActionRefused, call_move, calls_move


@pytest.fixture
def calls(make_active_episode):
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
    calls = list(episode.calls.order_by("due_at"))
    assert len(calls) >= 4
    return episode, calls


def test_moving_many_calls_moves_only_those_their_table_allows(calls):
    episode, (done, overdue, paused, pending, *_) = calls
    for call, status in ((done, CallStatus.DONE), (overdue, CallStatus.OVERDUE),
                         (paused, CallStatus.PAUSED)):  # fmt: skip
        ScheduledCall.objects.filter(pk=call.pk).update(status=status)

    moved = calls_move(episode.calls, CallStatus.OVERDUE)
    needs_kept([episode.pk])  # as the sweep that moves them would

    statuses = dict(episode.calls.values_list("pk", "status"))
    assert statuses[done.pk] == CallStatus.DONE  # a done call is never made overdue
    assert statuses[paused.pk] == CallStatus.PAUSED  # nor a paused one
    assert statuses[pending.pk] == CallStatus.OVERDUE
    assert moved == episode.calls.filter(status=CallStatus.OVERDUE).count() - 1


def test_a_done_call_cannot_be_done_again_or_cancelled(calls, coordinator):
    _, (call, *_) = calls
    call_move(call, CallStatus.DONE, by=coordinator, reason="Logged")

    for target in (CallStatus.DONE, CallStatus.CANCELLED, CallStatus.OVERDUE):
        with pytest.raises(EpisodeActionRefused, match="A call that is done cannot become"):
            call_move(call, target, by=coordinator, reason="Again")


def test_every_status_has_a_row_in_its_table():
    assert set(CALL_TRANSITIONS) == set(CallStatus)
    assert set(CONCERN_TRANSITIONS) == set(ConcernStatus)


def test_a_refusal_can_be_worded_from_the_record_itself(calls, coordinator):
    _, (call, *_) = calls
    call.status = CallStatus.CANCELLED

    with pytest.raises(ValueError, match=f"Call {call.pk} was cancelled"):
        move(
            call, CallStatus.DONE, table=CALL_TRANSITIONS, refused=ValueError, by=coordinator,
            reason="", message=lambda c: f"Call {c.pk} was {c.status}",
        )  # fmt: skip


def test_moving_none_of_many_is_no_error(calls):
    episode, _ = calls
    assert move_all(episode.calls.none(), CallStatus.CANCELLED, table=CALL_TRANSITIONS) == 0
