"""Row locks take only the row they mean: a change to one episode never waits for another.

On PostgreSQL a `SELECT ... FOR UPDATE` joined to other tables locks the joined rows too, so
locking an episode read with its scheme would lock the scheme row, and every episode write in
the scheme would queue behind every other. These tests hold one episode's lock in one
connection and change another episode of the same scheme in a second connection that refuses
to wait. They need PostgreSQL: SQLite has no row locks (it serialises every write instead).
"""

import datetime
import threading

import pytest
import time_machine
from django.db import OperationalError, connection, connections

from tests.concurrency import holding, without_waiting
from tests.visits.conftest import at
from visits.models import CallStatus, ScheduledCall
from visits.services import contact_log, episode_extend
from visits.sweeps import sweep_overdue

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)"
    ),
    pytest.mark.django_db(transaction=True),
]

MONDAY = at(2026, 11, 2, 8, 0)


@pytest.fixture
def two_episodes(make_active_episode):
    with time_machine.travel(MONDAY, tick=False):
        return (
            make_active_episode(went_home=datetime.date(2026, 11, 2)),
            make_active_episode(went_home=datetime.date(2026, 11, 2)),
        )


def test_changing_one_episode_does_not_wait_for_a_change_to_another_in_the_same_scheme(
    two_episodes, coordinator
):
    first, second = two_episodes
    assert first.scheme_id == second.scheme_id
    release = holding(
        lambda: episode_extend(episode=first, weeks=1, reason="Settling in", by=coordinator)
    )
    try:
        extended = without_waiting(
            lambda: episode_extend(episode=second, weeks=2, reason="Falls", by=coordinator)
        )
    except OperationalError as waited:
        pytest.fail(f"The second episode's change waited for the first one's lock: {waited}")
    finally:
        release()
    assert extended.planned_weeks == 8


def test_logging_a_call_does_not_wait_for_the_overdue_sweep_of_another_episode(
    make_active_episode, coordinator
):
    with time_machine.travel(MONDAY, tick=False):
        first = make_active_episode(went_home=datetime.date(2026, 11, 2))
    with time_machine.travel(at(2026, 11, 5, 8, 0), tick=False):
        # Home on Thursday: its first call is not due, so the sweep below does not claim it.
        second = make_active_episode(went_home=datetime.date(2026, 11, 5))
    # The sweep holds the overdue call it claimed (read with its episode, scheme and client).
    release = holding(lambda: sweep_overdue(at(2026, 11, 6, 9, 0)))
    try:
        contact, _ = without_waiting(
            lambda: contact_log(
                episode=second,
                by=coordinator,
                kind="call",
                happened_at=at(2026, 11, 6, 9, 5),
                answered=True,
                duration_minutes=10,
            )  # fmt: skip
        )
    except OperationalError as waited:
        pytest.fail(f"Logging a call waited for the sweep's locks: {waited}")
    finally:
        release()
    assert contact.scheduled_call.status == CallStatus.DONE
    assert ScheduledCall.objects.filter(episode=first, status=CallStatus.OVERDUE).count() == 1


def test_the_overdue_sweep_passes_over_an_episode_a_service_is_changing_and_takes_it_next_time(
    make_active_episode, coordinator
):
    """A service locks an episode before its calls (contact_log then completes one). A sweep
    that claimed the episode's call and then waited for the episode, to keep the board's
    figures, would deadlock with it, and PostgreSQL would fail one of the two: a volunteer's
    log, perhaps. The sweep claims the episode with the call, and leaves both while a service
    holds the episode."""
    from visits.models import SupportEpisode

    with time_machine.travel(MONDAY, tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
    release = holding(
        lambda: SupportEpisode.objects.select_for_update(of=("self",)).get(pk=episode.pk)
    )
    try:
        marked = without_waiting(lambda: sweep_overdue(at(2026, 11, 6, 9, 0)))
    except OperationalError as waited:
        pytest.fail(f"The sweep waited for the episode a service holds: {waited}")
    finally:
        release()

    assert marked == 0
    assert sweep_overdue(at(2026, 11, 6, 9, 5)) == 1
    episode.refresh_from_db()
    assert episode.overdue_calls == 1


def test_two_referrals_of_one_day_declined_at_the_same_moment_are_both_counted(scheme, coordinator):
    """Each decision counts its day's referrals again (referrals.figures). Counting before
    it has the day's row (its insert and its lock both wait for the first's change to end),
    the second would count without the first's decision, not yet committed, and then write
    that count over the first's: one declined, not two."""
    from referrals.models import DeclineReason, ReferralDay
    from referrals.services import referral_decline
    from tests.factories import ReferralFactory

    with time_machine.travel(MONDAY, tick=False):
        first, second = ReferralFactory.create_batch(2, ward__hospital__scheme=scheme)

    def decline(referral):
        referral_decline(referral=referral, by=coordinator, reason=DeclineReason.OUT_OF_AREA)

    release = holding(lambda: decline(first))
    waiting = threading.Thread(target=lambda: (decline(second), connections.close_all()))
    waiting.start()
    waiting.join(timeout=1)  # it waits for the first's lock on the day's row
    release()
    waiting.join(timeout=30)

    kept = ReferralDay.objects.get(scheme=scheme, day=datetime.date(2026, 11, 2))
    assert (kept.received, kept.declined, kept.awaiting) == (2, 2, 0)
