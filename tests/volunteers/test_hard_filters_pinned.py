"""Hard filters of volunteer matching that keep clients safe, pinned case by case.

The database filter (volunteers.matching._filtered) decides who is shortlisted; the Python
check (_refusals) says why everyone else is not. Each must refuse on its own, so each case
asserts both: off the shortlist, and listed as ineligible with the reason.
"""

import pytest

from clients.assessment import RiskLevel
from clients.services import (
    assessment_save_answers,
    assessment_second_sign_off,
    assessment_sign_off,
    assessment_start,
)
from tests.clients.conftest import answers
from tests.factories import ManagerFactory
from visits.services import EpisodeActionRefused, episode_assign_volunteer, episode_shortlist

TRANSPORT_REFUSAL = "Transport needed: not a driver with insurance confirmed"
HIGH_RISK_REFUSAL = "High-risk client: the scheme has not marked them experienced"


def names(candidates):
    return [candidate.volunteer.given_name for candidate in candidates]


def refusals_for(match, volunteer):
    return next(c.refusals for c in match.ineligible if c.volunteer.pk == volunteer.pk)


# --- Transport: a driver, with car insurance confirmed -----------------------------------


@pytest.fixture
def transport_case(make_volunteer, make_episode):
    """A client who needs transport; two drivers alike but for the insurance."""
    insured = make_volunteer(
        given_name="Insured", skills=("transport",), driver=True, car_insurance_confirmed=True
    )
    uninsured = make_volunteer(
        given_name="Uninsured", skills=("transport",), driver=True, car_insurance_confirmed=False
    )
    return make_episode(needs=("transport",)), insured, uninsured


def test_a_driver_without_confirmed_car_insurance_is_never_shortlisted_for_transport(
    transport_case, coordinator
):
    episode, insured, uninsured = transport_case

    match = episode_shortlist(episode)

    assert names(match.shortlist) == ["Insured"]
    with pytest.raises(EpisodeActionRefused):
        episode_assign_volunteer(episode=episode, volunteer=uninsured, by=coordinator)


def test_a_driver_without_confirmed_car_insurance_is_listed_as_ineligible_for_transport(
    transport_case,
):
    episode, insured, uninsured = transport_case

    match = episode_shortlist(episode, with_ineligible=True)

    assert names(match.shortlist) == ["Insured"]
    # The one thing wrong with them is the insurance: the only reason given.
    assert refusals_for(match, uninsured) == [TRANSPORT_REFUSAL]


# --- High risk raised by the coordinator at sign-off -------------------------------------


@pytest.fixture
def raised_to_high(make_episode, coordinator, scheme):
    """A client whose answers score low risk, signed off as HIGH by the coordinator (and
    confirmed by a manager, so home visits are allowed)."""
    episode = make_episode(risk=None)
    assessment = assessment_start(client=episode.client, by=coordinator)
    assessment_save_answers(assessment=assessment, answers=answers(), by=coordinator)
    assessment = assessment_sign_off(
        assessment=assessment,
        level=RiskLevel.HIGH,
        reason="Known to the ward for aggression on earlier admissions",
        by=coordinator,
    )
    assessment_second_sign_off(assessment=assessment, by=ManagerFactory(scheme=scheme))
    # Calm answers to every question score low: only the coordinator made it high.
    assert assessment.computed_level == RiskLevel.LOW
    return episode


def test_a_client_raised_to_high_risk_at_sign_off_is_not_matched_with_an_inexperienced_volunteer(
    raised_to_high, make_volunteer, coordinator
):
    make_volunteer(given_name="Experienced", experienced=True)
    novice = make_volunteer(given_name="Novice", experienced=False)

    match = episode_shortlist(raised_to_high, with_ineligible=True)

    assert names(match.shortlist) == ["Experienced"]
    assert refusals_for(match, novice) == [HIGH_RISK_REFUSAL]
    with pytest.raises(EpisodeActionRefused):
        episode_assign_volunteer(episode=raised_to_high, volunteer=novice, by=coordinator)
