"""Closing one client's support ends that support's volunteer access and offers, and nothing
else: the volunteer's other clients, and the record of who declined before, stay as they were."""

import pytest

from visits.models import Assignment, AssignmentStatus, ExitOutcome
from visits.services import episode_close


@pytest.fixture
def offered(coordinator):
    def make(episode, volunteer, status):
        return Assignment.objects.create(
            episode=episode, volunteer=volunteer, status=status, offered_by=coordinator
        )

    return make


def statuses(*assignments):
    return [Assignment.objects.get(pk=a.pk).status for a in assignments]


def test_closing_one_clients_support_leaves_the_volunteers_other_clients_alone(
    make_episode, make_volunteer, coordinator, offered
):
    closing, other, third = make_episode(), make_episode(), make_episode()
    vera, vic = make_volunteer(), make_volunteer(postcode="AB1 3AA")
    supporting = offered(closing, vera, AssignmentStatus.ACCEPTED)
    still_supporting = offered(other, vera, AssignmentStatus.ACCEPTED)
    still_offered = offered(third, vic, AssignmentStatus.OFFERED)

    episode_close(episode=closing, outcome=ExitOutcome.DECLINED, by=coordinator)

    assert statuses(supporting, still_supporting, still_offered) == [
        AssignmentStatus.ENDED,
        AssignmentStatus.ACCEPTED,
        AssignmentStatus.OFFERED,
    ]


@pytest.mark.parametrize("live", [AssignmentStatus.ACCEPTED, AssignmentStatus.OFFERED])
def test_closing_ends_the_support_or_withdraws_the_offer_and_keeps_the_decline(
    make_episode, make_volunteer, coordinator, offered, live
):
    episode = make_episode()
    declined = offered(episode, make_volunteer(postcode="AB1 2AA"), AssignmentStatus.DECLINED)
    declined.decline_reason = "Away in December"
    declined.save()
    current = offered(episode, make_volunteer(postcode="AB1 3AA"), live)

    episode_close(episode=episode, outcome=ExitOutcome.DECLINED, by=coordinator)

    expected = {
        AssignmentStatus.ACCEPTED: (AssignmentStatus.ENDED, ""),
        AssignmentStatus.OFFERED: (AssignmentStatus.WITHDRAWN, "Support ended before an answer"),
    }

    rows = {
        a.pk: (a.status, a.decline_reason)
        for a in Assignment.objects.filter(pk__in=[declined.pk, current.pk])
    }
    assert rows == {
        declined.pk: (AssignmentStatus.DECLINED, "Away in December"),
        current.pk: expected[live],
    }
    latest = current.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (coordinator, "Episode closed")
