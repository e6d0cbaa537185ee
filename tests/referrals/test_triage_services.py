"""Accepting, declining and withdrawing: one transition table, clients and episodes.

The tests of two at once (tests/concurrency.py) run on PostgreSQL only, as CI does: SQLite
has no row locks and no SKIP LOCKED (it serialises every write), so there nothing would race.
"""

import datetime
from functools import partial

import pytest
import time_machine
from django.db import connection

from clients.models import Client
from referrals.models import DeclineReason, Referral, Status
from referrals.services import (
    ReferralActionRefused,
    referral_accept,
    referral_decline,
    referral_update_discharge,
    referral_withdraw,
)
from tests.concurrency import at_once
from tests.factories import CoordinatorFactory, ReferralFactory
from visits.models import EpisodeStatus, SupportEpisode

NOW = datetime.datetime(2026, 11, 23, 10, 0)


@pytest.fixture
def referral(db):
    return ReferralFactory()


@pytest.fixture
def decider(referral):
    return CoordinatorFactory(scheme=referral.scheme)


def test_accepting_creates_the_client_and_an_episode_awaiting_discharge(referral, decider):
    with time_machine.travel(NOW, tick=False):
        accepted, episode = referral_accept(referral=referral, by=decider)

    client = Client.objects.get()
    assert accepted.status == Status.ACCEPTED
    assert accepted.decided_by == decider
    assert client.nhs_number == referral.nhs_number
    assert client.full_name == referral.patient_name
    assert episode.client == client and episode.referral == accepted
    assert episode.status == EpisodeStatus.AWAITING_DISCHARGE
    assert episode.start_date is None
    assert client.history.get().history_user == decider
    assert episode.history.get().history_user == decider


def test_accepting_a_patient_already_home_starts_the_episode_on_the_discharge_date(
    referral, decider
):
    went_home = datetime.date(2026, 11, 21)
    referral.actual_discharge_date = went_home
    referral.save()

    with time_machine.travel(NOW, tick=False):
        _, episode = referral_accept(referral=referral, by=decider)

    assert episode.status == EpisodeStatus.ACTIVE
    assert episode.start_date == went_home


def test_a_returning_client_is_found_again_not_duplicated(referral, decider):
    referral_accept(referral=referral, by=decider)
    SupportEpisode.objects.update(status=EpisodeStatus.CLOSED)
    again = ReferralFactory(
        ward=referral.ward,
        nhs_number=referral.nhs_number,
        date_of_birth=referral.date_of_birth,
        given_name="Changed",
    )

    _, episode = referral_accept(referral=again, by=decider)

    assert Client.objects.count() == 1
    assert episode.client.given_name == referral.given_name
    assert SupportEpisode.objects.count() == 2


def test_a_known_nhs_number_with_another_date_of_birth_is_refused_and_nothing_changes(
    referral, decider
):
    # Months whose names are longer than three letters: the dates are written out whole.
    referral.date_of_birth = datetime.date(1940, 9, 17)
    referral.save()
    referral_accept(referral=referral, by=decider)
    SupportEpisode.objects.update(status=EpisodeStatus.CLOSED)
    mismatched = ReferralFactory(
        ward=referral.ward, nhs_number=referral.nhs_number, date_of_birth=datetime.date(1950, 1, 1)
    )

    with pytest.raises(ReferralActionRefused) as refused:
        referral_accept(referral=mismatched, by=decider)

    assert str(refused.value) == (
        f"NHS number {referral.nhs_number[:3]} {referral.nhs_number[3:6]} "
        f"{referral.nhs_number[6:]} belongs to a client born on 17 September 1940, but this "
        "referral gives 1 January 1950. Check both with the ward before accepting."
    )

    mismatched.refresh_from_db()
    assert mismatched.status == Status.SUBMITTED
    assert SupportEpisode.objects.count() == 1


def test_declining_records_the_coded_reason_and_note(referral, decider):
    referral_decline(
        referral=referral, by=decider, reason=DeclineReason.OUT_OF_AREA, note="Lives in Lakeside"
    )

    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
    assert referral.get_decline_reason_display() == "Out of the scheme's area"
    assert referral.decline_note == "Lives in Lakeside"
    assert not SupportEpisode.objects.exists()


@pytest.mark.parametrize("first", ["accept", "decline", "withdraw"])
@pytest.mark.parametrize("second", ["accept", "decline", "withdraw"])
def test_a_decided_referral_cannot_be_decided_again(referral, decider, first, second):
    actions = {
        "accept": lambda: referral_accept(referral=referral, by=decider),
        "decline": lambda: referral_decline(
            referral=referral, by=decider, reason=DeclineReason.OTHER, note="x"
        ),
        "withdraw": lambda: referral_withdraw(referral=referral, by=decider, reason="x"),
    }
    actions[first]()
    status_after_first = Referral.objects.get().status

    with pytest.raises(ReferralActionRefused):
        actions[second]()

    assert Referral.objects.get().status == status_after_first


def test_the_second_coordinator_is_told_who_decided_first(referral, decider):
    other = CoordinatorFactory(scheme=referral.scheme, full_name="Olive Other")
    stale_copy = Referral.objects.get(pk=referral.pk)  # opened before the first decision
    referral_accept(referral=referral, by=other)

    with pytest.raises(ReferralActionRefused, match="already accepted by Olive Other"):
        referral_decline(referral=stale_copy, by=decider, reason=DeclineReason.OTHER, note="x")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_accepting_at_once_make_one_client_and_one_episode():
    referral = ReferralFactory()
    deciders = [CoordinatorFactory(scheme=referral.scheme) for _ in range(2)]
    outcomes = at_once(*(partial(referral_accept, referral=referral, by=by) for by in deciders))

    refused = [outcome for outcome in outcomes if isinstance(outcome, ReferralActionRefused)]
    assert len(refused) == 1, outcomes  # and the other accepted
    assert "already accepted by" in str(refused[0])
    assert Client.objects.count() == 1
    assert SupportEpisode.objects.count() == 1


def test_recording_the_actual_discharge_starts_the_accepted_episode(referral, decider):
    with time_machine.travel(NOW, tick=False):
        _, episode = referral_accept(referral=referral, by=decider)
        referral_update_discharge(
            referral=referral,
            by=referral.referred_by,
            expected_discharge_date=referral.expected_discharge_date,
            actual_discharge_date=datetime.date(2026, 11, 23),
        )

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE
    assert episode.start_date == datetime.date(2026, 11, 23)
    assert episode.history.latest().history_user == referral.referred_by


def test_a_declined_referrals_dates_cannot_be_changed(referral, decider):
    referral_decline(referral=referral, by=decider, reason=DeclineReason.OTHER, note="x")

    with pytest.raises(ReferralActionRefused, match="dates are closed"):
        referral_update_discharge(
            referral=referral,
            by=decider,
            expected_discharge_date=referral.expected_discharge_date,
            actual_discharge_date=None,
        )


def test_a_client_with_open_support_is_not_given_a_second_episode(referral, decider):
    referral_accept(referral=referral, by=decider)
    twin = ReferralFactory(
        ward=referral.ward, nhs_number=referral.nhs_number, date_of_birth=referral.date_of_birth
    )

    with pytest.raises(ReferralActionRefused, match="already has open support"):
        referral_accept(referral=twin, by=decider)

    assert SupportEpisode.objects.count() == 1
    twin.refresh_from_db()
    assert twin.status == Status.SUBMITTED
