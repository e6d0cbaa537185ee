"""visits/migrations/0017: offers withdrawn and supports ended before the end had its own time
kept that time over the volunteer's answer. The migration moves it to `ended_at`, with who
ended it from the history, and takes the answer back from the history."""

import importlib

import time_machine
from django.apps import apps

from aligns.accounts.models import Role
from tests.visits.conftest import at
from visits.models import Assignment, AssignmentStatus
from visits.services import assignment_accept, assignment_end, assignment_withdraw
from volunteers.models import Volunteer

migration = importlib.import_module("visits.migrations.0017_end_taken_apart_from_answer")

ACCEPTED_AT = at(2026, 11, 2, 10, 0)
ENDED_AT = at(2026, 11, 5, 9, 0)


def as_before_the_migration(*assignments):
    """Each as the code before it kept them: the end's time in responded_at, no end of its own."""
    for assignment in assignments:
        Assignment.objects.filter(pk=assignment.pk).update(
            responded_at=assignment.ended_at, ended_at=None, ended_by=None
        )


def test_the_end_and_the_answer_are_taken_apart_from_the_history(
    make_active_episode, make_episode, coordinator, make_user
):
    supported, offered = make_active_episode(), make_episode()
    user = make_user(Role.VOLUNTEER)
    volunteer = Volunteer.objects.create(
        scheme=supported.scheme, user=user, given_name="Vera", family_name="Vol", postcode="AB1 1AA"
    )
    support = Assignment.objects.create(
        episode=supported, volunteer=volunteer, offered_by=coordinator
    )
    offer = Assignment.objects.create(episode=offered, volunteer=volunteer, offered_by=coordinator)
    with time_machine.travel(ACCEPTED_AT, tick=False):
        assignment_accept(assignment=support, by=user)
    with time_machine.travel(ENDED_AT, tick=False):
        support = assignment_end(assignment=support, by=coordinator, reason="Moved away")
        offer = assignment_withdraw(assignment=offer, by=coordinator, reason="Client went home")
    as_before_the_migration(support, offer)

    migration.end_apart_from_answer(apps, None)

    support.refresh_from_db()
    offer.refresh_from_db()
    assert (support.responded_at, support.ended_at, support.ended_by) == (
        ACCEPTED_AT,
        ENDED_AT,
        coordinator,
    )
    assert (offer.responded_at, offer.ended_at, offer.ended_by) == (None, ENDED_AT, coordinator)
    assert offer.status == AssignmentStatus.WITHDRAWN


def test_going_back_puts_the_end_where_it_was(make_active_episode, coordinator):
    episode = make_active_episode()
    volunteer = Volunteer.objects.create(
        scheme=episode.scheme, given_name="Una", family_name="Sent", postcode="AB1 1AA"
    )
    offer = Assignment.objects.create(episode=episode, volunteer=volunteer, offered_by=coordinator)
    with time_machine.travel(ENDED_AT, tick=False):
        assignment_withdraw(assignment=offer, by=coordinator, reason="Client went home")

    migration.answer_over_end(apps, None)

    offer.refresh_from_db()
    assert offer.responded_at == ENDED_AT
