"""What each support service says when it refuses, word for word, and that nothing changed.

The pages show these words beside the field or at the top; a test that only looks for part of
a message cannot tell it from the same words garbled around it, so these compare them whole.
"""

import datetime

import time_machine

from aligns.accounts.models import Role
from tests.refusals import refusal_words
from tests.visits.conftest import MONDAY, at
from visits.models import (
    AssignmentStatus,
    CallKind,
    CommunityService,
    ConcernCategory,
    EpisodeStatus,
    ExitOutcome,
    ServiceCategory,
    Urgency,
)
from visits.services import (
    EpisodeActionRefused,
    assignment_decline,
    concern_close,
    concern_raise,
    contact_log,
    episode_assign_volunteer,
    episode_close,
    episode_extend,
    onward_referral_record,
)


def refusal(act):
    return refusal_words(EpisodeActionRefused, act)


def test_extending_needs_a_reason_and_stops_at_eight_weeks(episode, coordinator):
    def extend(weeks, reason):
        return lambda: episode_extend(episode=episode, weeks=weeks, reason=reason, by=coordinator)

    assert refusal(extend(1, "  ")) == "Say why the support is being extended."
    assert refusal(extend(3, "Still unsteady")) == (
        "Support can last 8 weeks at most: this episode is planned for 6, so it can be "
        "extended by 2 more at most."
    )
    episode.refresh_from_db()
    assert (episode.status, episode.planned_weeks) == (EpisodeStatus.ACTIVE, 6)


def test_an_offer_is_refused_for_closed_support_and_beside_a_live_offer(
    make_episode, make_volunteer, coordinator
):
    open_support, closed = make_episode(), make_episode()
    episode_close(episode=closed, outcome=ExitOutcome.DECLINED, by=coordinator)
    vera, vic = make_volunteer(postcode="AB1 2AA"), make_volunteer(postcode="AB1 3AA")
    episode_assign_volunteer(episode=open_support, volunteer=vera, by=coordinator)

    def offer(episode, volunteer):
        return lambda: episode_assign_volunteer(
            episode=episode, volunteer=volunteer, by=coordinator
        )

    assert refusal(offer(closed, vic)) == "This support episode is closed."
    assert refusal(offer(open_support, vic)) == (
        "This episode already has a volunteer offered or assigned."
    )
    assert not vic.assignments.exists()


def test_declining_an_offer_needs_a_reason(make_episode, make_volunteer, make_user, coordinator):
    user = make_user(Role.VOLUNTEER)
    offer = episode_assign_volunteer(
        episode=make_episode(), volunteer=make_volunteer(user=user), by=coordinator
    )

    said = refusal(lambda: assignment_decline(assignment=offer, by=user, reason=" "))

    assert said == "Say why you cannot take this on."
    offer.refresh_from_db()
    assert offer.status == AssignmentStatus.OFFERED


def test_nothing_is_logged_for_support_that_has_ended(episode, coordinator):
    with time_machine.travel(at(2026, 11, 4, 10, 0), tick=False):
        episode_close(episode=episode, outcome=ExitOutcome.DECLINED, by=coordinator)
        said = refusal(
            lambda: contact_log(
                episode=episode,
                by=coordinator,
                kind=CallKind.CALL,
                happened_at=at(2026, 11, 4, 9, 0),
                answered=True,
            )  # fmt: skip
        )

    assert said == "This client's support has ended."
    assert not episode.contacts.exists()


def test_closing_a_concern_needs_what_was_done_and_happens_once(episode, coordinator, make_user):
    with time_machine.travel(MONDAY, tick=False):
        concern = concern_raise(
            episode=episode, by=make_user(Role.VOLUNTEER), category=ConcernCategory.NOT_COPING,
            urgency=Urgency.TODAY, description="No food in",
        )  # fmt: skip

    assert refusal(lambda: concern_close(concern=concern, by=coordinator, action_taken=" ")) == (
        "Say what action was taken."
    )
    concern_close(concern=concern, by=coordinator, action_taken="Shopping delivered")
    assert refusal(
        lambda: concern_close(concern=concern, by=coordinator, action_taken="Again")
    ) == ("This concern is already closed.")
    concern.refresh_from_db()
    assert concern.action_taken == "Shopping delivered"


def test_a_client_is_signposted_only_to_their_own_schemes_services(
    episode, coordinator, other_scheme
):
    elsewhere = CommunityService.objects.create(
        scheme=other_scheme, name="Lakeside Lunch Club", category=ServiceCategory.DAY_CENTRE
    )

    said = refusal(
        lambda: onward_referral_record(
            episode=episode,
            service=elsewhere,
            referred_on=datetime.date(2026, 11, 5),
            by=coordinator,
        )  # fmt: skip
    )

    assert said == "That service is not in this scheme's directory."
    assert not episode.onward_referrals.exists()


def test_an_offer_to_someone_who_cannot_take_it_is_refused_saying_why(
    make_episode, make_volunteer, coordinator, other_scheme, postcodes
):
    """The filters are asked again when the offer is made, not only on the shortlist: a stale
    page or a crafted request cannot offer a client to someone unvetted, nor to another
    scheme's volunteer."""
    from volunteers.services import volunteer_create

    episode = make_episode()
    unvetted = volunteer_create(
        scheme=episode.scheme, by=coordinator, given_name="Una", family_name="Vetted",
        postcode="AB1 2AA",
    )  # fmt: skip
    theirs = volunteer_create(
        scheme=other_scheme, by=coordinator, given_name="Ola", family_name="Elsewhere",
        postcode="AB1 2AA",
    )  # fmt: skip

    def offer(volunteer):
        return lambda: episode_assign_volunteer(
            episode=episode, volunteer=volunteer, by=coordinator
        )

    assert refusal(offer(unvetted)) == (
        "Una Vetted cannot be assigned: Not active (applied); No valid DBS check (lapsed or "
        "missing); Mandatory training missing or lapsed."
    )
    assert refusal(offer(theirs)) == (
        "Ola Elsewhere cannot be assigned: not on the shortlist for this client."
    )
    assert not episode.assignments.exists()


def test_an_alert_acknowledged_already_says_by_whom(episode, coordinator, make_user):
    from visits.models import Alert
    from visits.services import alert_acknowledge
    from visits.sweeps import sweep_overdue

    sweep_overdue(at(2026, 11, 6, 9, 0))
    alert = Alert.objects.get()
    alert_acknowledge(alert=alert, by=coordinator)

    said = refusal(lambda: alert_acknowledge(alert=alert, by=make_user(Role.COORDINATOR)))

    assert said == f"Already acknowledged by {coordinator}."
    alert.refresh_from_db()
    assert alert.acknowledged_by == coordinator


def test_the_close_service_refuses_goals_met_for_a_client_nobody_has_spoken_with(
    episode, coordinator
):
    """Not only the close page: the service itself asks the rule of the outcome given."""
    with time_machine.travel(at(2026, 11, 4, 10, 0), tick=False):
        contact_log(
            episode=episode, by=coordinator, kind=CallKind.CALL,
            happened_at=at(2026, 11, 4, 10, 0), answered=False,
        )  # fmt: skip
        said = refusal(
            lambda: episode_close(episode=episode, outcome=ExitOutcome.GOALS_MET, by=coordinator)
        )

    assert said == (
        "Nobody has spoken with them since their support began, so their goals cannot have "
        "been met: choose why support is ending, such as 'No contact'."
    )
    episode.refresh_from_db()
    assert episode.status != EpisodeStatus.CLOSED
