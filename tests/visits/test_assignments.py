"""Offering a client to a volunteer, their answer, withdrawing an offer, and ending it."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import Role
from visits.models import AssignmentStatus
from visits.services import (
    EpisodeActionRefused,
    assignment_accept,
    assignment_decline,
    episode_assign_volunteer,
    episode_shortlist,
)
from volunteers.services import dbs_record, volunteer_move


@pytest.fixture
def volunteer_user(make_user):
    return make_user(Role.VOLUNTEER)


def test_a_coordinator_offers_and_the_volunteer_accepts(
    make_volunteer, make_episode, coordinator, volunteer_user
):
    volunteer = make_volunteer(user=volunteer_user)
    episode = make_episode()

    offer = episode_assign_volunteer(episode=episode, volunteer=volunteer, by=coordinator)
    accepted = assignment_accept(assignment=offer, by=volunteer_user)

    assert offer.status == AssignmentStatus.OFFERED
    assert accepted.status == AssignmentStatus.ACCEPTED
    reasons = [row.history_change_reason for row in accepted.history.order_by("history_date")]
    assert reasons == ["Offered to the volunteer", "Accepted by the volunteer"]
    assert accepted.history.latest().history_user == volunteer_user


def test_someone_else_cannot_answer_a_volunteers_offer(
    make_volunteer, make_episode, coordinator, volunteer_user, make_user
):
    offer = episode_assign_volunteer(
        episode=make_episode(), volunteer=make_volunteer(user=volunteer_user), by=coordinator
    )

    with pytest.raises(EpisodeActionRefused, match="Only the volunteer"):
        assignment_accept(assignment=offer, by=make_user(Role.VOLUNTEER))


def test_declining_needs_a_reason_and_frees_the_episode_for_someone_else(
    make_volunteer, make_episode, coordinator, volunteer_user
):
    first = make_volunteer(user=volunteer_user, given_name="First")
    second = make_volunteer(given_name="Second")
    episode = make_episode()
    offer = episode_assign_volunteer(episode=episode, volunteer=first, by=coordinator)

    with pytest.raises(EpisodeActionRefused, match="Say why"):
        assignment_decline(assignment=offer, by=volunteer_user, reason="  ")
    assignment_decline(assignment=offer, by=volunteer_user, reason="Going away")
    again = episode_assign_volunteer(episode=episode, volunteer=second, by=coordinator)

    assert again.volunteer == second


def test_an_episode_cannot_be_offered_twice_at_once(make_volunteer, make_episode, coordinator):
    episode = make_episode()
    episode_assign_volunteer(episode=episode, volunteer=make_volunteer(), by=coordinator)

    with pytest.raises(EpisodeActionRefused, match="already has a volunteer"):
        episode_assign_volunteer(
            episode=episode, volunteer=make_volunteer(given_name="Other"), by=coordinator
        )


def test_an_ineligible_volunteer_cannot_be_assigned_even_by_a_crafted_request(
    make_volunteer, make_episode, coordinator
):
    volunteer = make_volunteer()
    volunteer_move(volunteer=volunteer, stage="paused", by=coordinator, reason="Unwell")

    with pytest.raises(EpisodeActionRefused, match="Not active"):
        episode_assign_volunteer(episode=make_episode(), volunteer=volunteer, by=coordinator)


def test_an_offer_takes_a_place_in_the_volunteers_caseload(
    make_volunteer, make_episode, coordinator
):
    volunteer = make_volunteer(max_active_clients=1)
    episode_assign_volunteer(episode=make_episode(), volunteer=volunteer, by=coordinator)

    with pytest.raises(EpisodeActionRefused, match="At their limit"):
        episode_assign_volunteer(episode=make_episode(), volunteer=volunteer, by=coordinator)


def test_a_lapsed_check_drops_the_volunteer_out_of_matching_until_renewed(
    make_volunteer, make_episode, coordinator
):
    volunteer = make_volunteer()
    episode = make_episode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1001), tick=False):
        assert episode_shortlist(episode).shortlist == []
        dbs_record(
            volunteer=volunteer,
            by=coordinator,
            level="enhanced",
            certificate_number="001111111111",
            issued_on=timezone.localdate(),
            recheck_due=timezone.localdate() + datetime.timedelta(days=1095),
        )
        # Training lasts 36 months: still current at 1001 days.
        assert [c.volunteer for c in episode_shortlist(episode).shortlist] == [volunteer]


def test_a_coordinator_withdraws_an_unanswered_offer_and_can_offer_again(
    make_volunteer, make_episode, coordinator, client
):
    silent = make_volunteer(given_name="Silent")
    other = make_volunteer(given_name="Other")
    episode = make_episode()
    offer = episode_assign_volunteer(episode=episode, volunteer=silent, by=coordinator)
    client.force_login(coordinator)
    url = reverse("visits:offer_withdraw", args=[episode.pk])

    refused = client.post(url, {"reason": ""})
    client.post(url, {"reason": "No answer for a week"})
    again = episode_assign_volunteer(episode=episode, volunteer=other, by=coordinator)

    assert "Say why" in refused.content.decode()
    offer.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (
        AssignmentStatus.WITHDRAWN,
        "No answer for a week",
    )
    assert again.volunteer == other
