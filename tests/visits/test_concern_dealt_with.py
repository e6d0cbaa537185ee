"""Two coordinators at the same concern: the second is told who dealt with it first, not left
to think their acknowledgement or closing went through."""

import pytest

from aligns.accounts.models import Role
from visits.services import (
    EpisodeActionRefused,
    concern_acknowledge,
    concern_close,
    concern_raise,
)


@pytest.fixture
def concern(episode):
    return concern_raise(
        episode=episode, by=None, category="health", urgency="today", description="Breathless"
    )


def test_acknowledging_a_concern_someone_acknowledged_says_who(concern, make_user):
    first = make_user(Role.COORDINATOR, full_name="Ada First")
    concern_acknowledge(concern=concern, by=first)

    with pytest.raises(EpisodeActionRefused) as refused:
        concern_acknowledge(concern=concern, by=make_user(Role.COORDINATOR))

    assert str(refused.value) == "This concern was already acknowledged by Ada First."


def test_acknowledging_a_concern_someone_closed_names_who_closed_it(concern, make_user):
    concern_acknowledge(concern=concern, by=make_user(Role.COORDINATOR, full_name="Ada First"))
    concern_close(
        concern=concern, by=make_user(Role.COORDINATOR, full_name="Bob Closer"),
        action_taken="Rang her daughter: all well",
    )  # fmt: skip

    with pytest.raises(EpisodeActionRefused) as refused:
        concern_acknowledge(concern=concern, by=make_user(Role.COORDINATOR))

    assert str(refused.value) == "This concern was already closed by Bob Closer."


def test_acknowledging_a_concern_closed_straight_away_names_who_closed_it(concern, make_user):
    closer = make_user(Role.COORDINATOR, full_name="Cy Closer")
    concern_close(concern=concern, by=closer, action_taken="Rang her daughter: all well")

    with pytest.raises(EpisodeActionRefused) as refused:
        concern_acknowledge(concern=concern, by=make_user(Role.COORDINATOR))

    assert str(refused.value) == "This concern was already closed by Cy Closer."
