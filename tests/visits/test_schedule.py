"""The call schedule and the episode's lifecycle, with frozen time."""

import datetime

import pytest
import time_machine

from aligns.accounts.models import Scheme
from tests.visits.conftest import at
from visits.models import CallStatus, EpisodeStatus, ReadmissionSource
from visits.services import (
    EpisodeActionRefused,
    episode_close,
    episode_extend,
    episode_readmit,
    episode_record_discharge,
    episode_return_home,
)

# Monday 2 November 2026, 08:00: the client went home that day.
MONDAY = at(2026, 11, 2, 8, 0)


def pending(episode):
    return [call.due_at for call in episode.calls.filter(status=CallStatus.PENDING)]


@pytest.mark.parametrize(
    ("window", "first_due"), [(72, at(2026, 11, 5, 12, 0)), (24, at(2026, 11, 3, 12, 0))]
)
def test_the_first_call_falls_due_within_the_schemes_window_after_discharge(
    make_active_episode, scheme, window, first_due
):
    Scheme.objects.filter(pk=scheme.pk).update(first_contact_hours=window)
    with time_machine.travel(MONDAY, tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))

    first = episode.calls.get(is_first=True)
    assert first.due_at == first_due
    # Discharge is taken as midday: the first call is never later than the window allows.
    assert first.due_at - at(2026, 11, 2, 12, 0) == datetime.timedelta(hours=window)


def test_calls_then_fall_weekly_until_the_planned_end_of_six_weeks(make_active_episode):
    with time_machine.travel(MONDAY, tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))

    dues = pending(episode)
    assert episode.planned_end == datetime.date(2026, 12, 13)
    assert len(dues) == 6
    assert all(b - a == datetime.timedelta(weeks=1) for a, b in zip(dues, dues[1:], strict=False))
    assert dues[-1].date() <= episode.planned_end


def test_an_episode_awaiting_discharge_has_no_calls_until_the_discharge_is_recorded(
    scheme, coordinator
):
    from referrals.services import referral_accept
    from tests.factories import ReferralFactory

    with time_machine.travel(MONDAY, tick=False):
        _, episode = referral_accept(
            referral=ReferralFactory(ward__hospital__scheme=scheme), by=coordinator
        )
        assert episode.calls.count() == 0
        episode_record_discharge(
            episode=episode, discharged_on=datetime.date(2026, 11, 2), by=coordinator
        )

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE
    assert episode.calls.get(is_first=True).due_at == at(2026, 11, 5, 12, 0)


def test_correcting_the_discharge_date_replans_but_never_touches_done_calls(
    make_active_episode, coordinator
):
    with time_machine.travel(MONDAY, tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
    done = episode.calls.order_by("due_at")[1]
    done.status = CallStatus.DONE
    done.save()

    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        episode_record_discharge(
            episode=episode, discharged_on=datetime.date(2026, 11, 3), by=coordinator
        )

    done.refresh_from_db()
    assert done.status == CallStatus.DONE
    assert episode.calls.get(is_first=True, status=CallStatus.PENDING).due_at == at(
        2026, 11, 6, 12, 0
    )


def test_extending_adds_weeks_of_calls_and_is_capped_at_eight_weeks(
    make_active_episode, coordinator
):
    with time_machine.travel(MONDAY, tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
        episode_extend(episode=episode, weeks=1, reason="Physio starts late", by=coordinator)
        episode_extend(episode=episode, weeks=1, reason="Still settling", by=coordinator)
        with pytest.raises(EpisodeActionRefused, match="8 weeks at most"):
            episode_extend(episode=episode, weeks=1, reason="One more", by=coordinator)
        with pytest.raises(EpisodeActionRefused, match="Say why"):
            episode_extend(episode=episode, weeks=0, reason=" ", by=coordinator)

    episode.refresh_from_db()
    assert episode.planned_weeks == 8
    assert episode.status == EpisodeStatus.EXTENDED
    assert len(pending(episode)) == 8
    assert episode.extensions.count() == 2


def test_a_readmission_pauses_calls_and_the_return_home_resumes_them(
    make_active_episode, coordinator
):
    with time_machine.travel(MONDAY, tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
    with time_machine.travel(at(2026, 11, 10, 9, 0), tick=False):
        episode_readmit(
            episode=episode,
            admitted_on=datetime.date(2026, 11, 10),
            source=ReadmissionSource.WARD,
            reason="Fall",
            by=coordinator,
        )
        episode.refresh_from_db()
        assert episode.status == EpisodeStatus.SUSPENDED
        assert pending(episode) == []
        assert episode.calls.filter(status=CallStatus.PAUSED).exists()
    with time_machine.travel(at(2026, 11, 17, 9, 0), tick=False):
        episode_return_home(
            episode=episode, returned_on=datetime.date(2026, 11, 17), by=coordinator
        )

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE
    dues = pending(episode)
    assert dues[0] == at(2026, 11, 20, 12, 0)  # a call within the window after returning
    assert not episode.calls.filter(status=CallStatus.PAUSED).exists()
    assert episode.readmissions.get().returned_home_on == datetime.date(2026, 11, 17)


def in_hospital_again(make_active_episode, coordinator):
    """Home on Monday 2 November for six weeks (the planned support's last day is Sunday 13
    December), back in hospital on Thursday 5 November."""
    with time_machine.travel(MONDAY, tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
        episode_readmit(
            episode=episode, admitted_on=datetime.date(2026, 11, 5),
            source=ReadmissionSource.FAMILY, reason="", by=coordinator,
        )  # fmt: skip
    return episode


def test_returning_home_after_the_planned_end_is_refused(make_active_episode, coordinator):
    episode = in_hospital_again(make_active_episode, coordinator)

    with pytest.raises(EpisodeActionRefused) as refused:
        episode_return_home(
            episode=episode, returned_on=datetime.date(2026, 12, 20), by=coordinator
        )
    assert str(refused.value) == (
        "The planned support ended while the client was in hospital: extend it or close it."
    )


def test_returning_home_on_the_last_planned_day_resumes_support(make_active_episode, coordinator):
    # The day after is refused: test_returning_home_after_the_planned_end_is_refused.
    episode = in_hospital_again(make_active_episode, coordinator)

    with time_machine.travel(at(2026, 12, 13, 18, 0), tick=False):
        episode_return_home(
            episode=episode, returned_on=datetime.date(2026, 12, 13), by=coordinator
        )
    episode.refresh_from_db()
    assert episode.planned_end == datetime.date(2026, 12, 13)
    assert episode.status == EpisodeStatus.ACTIVE


def test_a_visit_planned_before_a_readmission_is_cancelled_on_the_return_home(
    make_active_episode, coordinator, make_user
):
    """The visit was paused with the calls; the calls are planned again from the return home,
    the visit is not (its day was chosen for someone at home then): it is cancelled, for the
    volunteer to plan again, rather than left paused where no list shows it."""
    from tests.visits.test_visit_hold import visit_planned_for_friday

    episode, visit, _ = visit_planned_for_friday(make_active_episode, coordinator, make_user)
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        episode_readmit(
            episode=episode, admitted_on=datetime.date(2026, 11, 4),
            source=ReadmissionSource.WARD, reason="", by=coordinator,
        )  # fmt: skip
    visit.refresh_from_db()
    assert visit.status == CallStatus.PAUSED

    with time_machine.travel(at(2026, 11, 9, 9, 0), tick=False):
        episode_return_home(episode=episode, returned_on=datetime.date(2026, 11, 9), by=coordinator)

    visit.refresh_from_db()
    assert visit.status == CallStatus.CANCELLED
    assert not episode.calls.filter(status=CallStatus.PAUSED).exists()


def test_only_support_paused_by_a_readmission_can_come_home_again(make_active_episode, coordinator):
    with time_machine.travel(MONDAY, tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))

    with pytest.raises(EpisodeActionRefused) as refused:
        episode_return_home(episode=episode, returned_on=datetime.date(2026, 11, 9), by=coordinator)

    assert str(refused.value) == "This episode is not suspended for a readmission."
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE


def test_a_return_home_before_the_readmission_is_refused_in_words_naming_its_day(
    make_active_episode, coordinator
):
    episode = in_hospital_again(make_active_episode, coordinator)

    with pytest.raises(EpisodeActionRefused) as refused:
        episode_return_home(episode=episode, returned_on=datetime.date(2026, 11, 4), by=coordinator)

    assert str(refused.value) == (
        "The client was readmitted on 5 November 2026: they cannot have gone home before that."
    )


def test_closing_cancels_future_calls_and_keeps_done_ones(make_active_episode, coordinator):
    with time_machine.travel(MONDAY, tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
    first = episode.calls.get(is_first=True)
    first.status = CallStatus.DONE
    first.save()

    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        episode_close(episode=episode, outcome="declined", by=coordinator)

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    assert episode.closed_on == datetime.date(2026, 11, 20)
    assert set(episode.calls.values_list("status", flat=True)) == {
        CallStatus.DONE,
        CallStatus.CANCELLED,
    }
    with pytest.raises(EpisodeActionRefused):
        episode_extend(episode=episode, weeks=1, reason="Too late", by=coordinator)
