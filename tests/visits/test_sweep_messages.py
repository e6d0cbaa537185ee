"""What each sweep leaves for people to read: the alert's words, the email to the right
scheme's coordinators (or the volunteer), the history row; and what each sweep leaves alone.

The client went home on Monday 2 November 2026: calls fall due at midday on 5, 12, 19 and 26
November and 3 and 10 December; week 6 begins on 7 December.
"""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aligns.accounts.models import Role
from aligns.outbox.models import Message
from referrals.services import referral_accept
from tests.factories import ReferralFactory
from tests.visits.conftest import at
from visits.models import (
    Alert,
    AlertKind,
    Assignment,
    AssignmentStatus,
    CallKind,
    ConcernCategory,
    Urgency,
)
from visits.services import concern_raise, contact_log, episode_assign_volunteer
from visits.sweeps import (
    run_sweeps,
    sweep_concerns,
    sweep_overdue,
    sweep_reminders,
    sweep_reviews,
    sweep_unanswered_offers,
)

HOME_ON = datetime.date(2026, 11, 2)


@pytest.fixture
def make_home(make_active_episode):
    def make():
        with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
            return make_active_episode(went_home=HOME_ON)

    return make


@pytest.fixture
def episode(make_home):
    return make_home()


def supported_by(episode, volunteer):
    Assignment.objects.create(
        episode=episode, volunteer=volunteer, status=AssignmentStatus.ACCEPTED,
        offered_by=episode.opened_by,
    )  # fmt: skip


def raise_concern(episode, by, urgency, when):
    with time_machine.travel(when, tick=False):
        return concern_raise(
            episode=episode, by=by, category=ConcernCategory.NOT_COPING, urgency=urgency,
            description="Not eating",
        )  # fmt: skip


def test_every_sweep_tells_the_right_people_in_its_own_words_once(
    episode, make_episode, make_volunteer, coordinator, send_messages
):
    supported_by(episode, make_volunteer(email="vera@example.org"))
    raise_concern(episode, coordinator, Urgency.TODAY, at(2026, 11, 2, 9, 0))
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        offer = episode_assign_volunteer(
            episode=make_episode(), volunteer=make_volunteer(postcode="AB1 3AA"), by=coordinator
        )
    mail.outbox.clear()
    Message.objects.all().delete()

    with time_machine.travel(at(2026, 12, 10, 9, 0), tick=False):
        run_sweeps()
        run_sweeps()  # a second run finds nothing new to say
        send_messages()

    client = episode.client
    assert sorted(Alert.objects.exclude(kind=AlertKind.CONCERN).values_list("kind", "message")) == [
        (AlertKind.OFFER_UNANSWERED,
         f"{offer.volunteer} has not answered the offer to support {offer.episode.client}"),
        *[(AlertKind.OVERDUE_CALL, f"Phone call to {client} is overdue (due {day} 12:00)")
          for day in ("12 Nov", "19 Nov", "26 Nov", "3 Dec", "5 Nov")],
        (AlertKind.REVIEW_DUE, f"Review the support of {client}: extend it or plan to close"),
    ]  # fmt: skip
    # Every message belongs to the scheme, so a failed one shows on that scheme's pages.
    assert set(Message.objects.values_list("scheme_id", flat=True)) == {episode.scheme_id}
    to_coordinators = sorted(m.subject for m in mail.outbox if m.to == [coordinator.email])
    assert len(to_coordinators) == 8  # five overdue calls, the review, the concern, the offer
    bodies = " ".join(m.body for m in mail.outbox if m.to == [coordinator.email])
    assert "A support episode has reached its week-6 review" in bodies
    assert "A volunteer has not answered the offer of a new client" in bodies
    assert "A not coping at home concern was raised" in bodies
    (reminder,) = [m for m in mail.outbox if m.to == ["vera@example.org"]]
    assert client.given_name in reminder.subject


def test_two_clients_calls_due_the_same_day_are_each_reminded(
    make_home, make_volunteer, send_messages
):
    for postcode, email in (("AB1 2AA", "vera@example.org"), ("AB1 3AA", "vic@example.org")):
        supported_by(make_home(), make_volunteer(postcode=postcode, email=email))

    with time_machine.travel(at(2026, 11, 5, 7, 0), tick=False):
        assert sweep_reminders() == 2
        send_messages()

    assert sorted(m.to[0] for m in mail.outbox) == ["vera@example.org", "vic@example.org"]


def test_after_an_outage_only_calls_due_in_the_last_day_or_later_today_are_reminded(episode):
    """Older calls are overdue, and the overdue sweep alerts the coordinators about them;
    reminding a volunteer of a call due a week ago would only confuse."""
    reminded = sweep_reminders(at(2026, 11, 13, 11, 59))  # 12 Nov's call is 23 h 59 min old
    assert reminded == 1
    reminded_calls = episode.calls.filter(reminded_at__isnull=False)
    assert list(reminded_calls.values_list("due_at", flat=True)) == [at(2026, 11, 12, 12, 0)]

    assert sweep_reminders(at(2026, 11, 20, 12, 1)) == 0  # 19 Nov's call: a day and a minute


def test_a_concern_needing_action_soon_is_sent_again_after_8_hours_not_1(episode, coordinator):
    raise_concern(episode, coordinator, Urgency.SOON, at(2026, 11, 6, 9, 0))

    assert sweep_concerns(at(2026, 11, 6, 10, 0)) == 0  # an hour: enough only for "today"
    assert sweep_concerns(at(2026, 11, 6, 16, 59)) == 0
    assert sweep_concerns(at(2026, 11, 6, 17, 0)) == 1


def test_a_concern_sent_again_reads_as_alerted_again_in_its_history(episode, coordinator):
    concern = raise_concern(episode, coordinator, Urgency.TODAY, at(2026, 11, 6, 9, 0))

    sweep_concerns(at(2026, 11, 6, 10, 0))

    latest = concern.history.latest("history_date")
    assert (latest.last_alerted_at, latest.history_change_reason) == (
        at(2026, 11, 6, 10, 0),
        "Alerted again",
    )


def test_an_offer_alerts_early_only_for_its_own_clients_first_call(
    episode, make_home, make_episode, make_volunteer, coordinator
):
    """Another client's first call, or this client's weekly calls once the first is made, do
    not bring the alert forward: only a first call still to make that the offer holds up."""
    make_home()  # another client, whose first call (5 November) is still not made
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        contact_log(
            episode=episode, by=coordinator, kind=CallKind.CALL,
            happened_at=at(2026, 11, 4, 9, 0), answered=True, duration_minutes=10,
        )  # fmt: skip
    with time_machine.travel(at(2026, 11, 11, 9, 0), tick=False):
        # A new volunteer for this client, the next call due tomorrow at midday; and an
        # offer for a client still in hospital.
        episode_assign_volunteer(episode=episode, volunteer=make_volunteer(), by=coordinator)
        episode_assign_volunteer(
            episode=make_episode(), volunteer=make_volunteer(postcode="AB1 3AA"), by=coordinator
        )

    assert sweep_unanswered_offers(at(2026, 11, 11, 13, 0)) == 0
    assert sweep_unanswered_offers(at(2026, 11, 12, 9, 0)) == 2  # a day unanswered


def _offer(fixtures, n):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        episode_assign_volunteer(
            episode=fixtures.make_episode(), by=fixtures.coordinator,
            volunteer=fixtures.make_volunteer(postcode=f"AB1 {n + 2}AA"),
        )  # fmt: skip


# Each sweep, when it runs, what one row due for it is, and how many rows that makes due.
SWEEPS = {
    "reviews": (sweep_reviews, at(2026, 12, 7, 9, 0), lambda f, n: f.make_home(), 1),
    "concerns": (
        sweep_concerns,
        at(2026, 12, 7, 9, 0),
        lambda f, n: raise_concern(
            f.make_home(), f.coordinator, Urgency.TODAY, at(2026, 12, 6, 9, 0)
        ),
        1,
    ),
    "overdue": (sweep_overdue, at(2026, 12, 7, 9, 0), lambda f, n: f.make_home(), 5),
    "offers": (sweep_unanswered_offers, at(2026, 11, 5, 9, 0), _offer, 1),
}


@pytest.mark.parametrize("name", SWEEPS)
def test_each_sweep_costs_the_same_queries_for_one_row_due_or_many(
    name, make_home, make_episode, make_volunteer, coordinator
):
    sweep, when, make_one_due, rows_each = SWEEPS[name]
    fixtures = SimpleNamespace(
        make_home=make_home, make_episode=make_episode, make_volunteer=make_volunteer,
        coordinator=coordinator,
    )  # fmt: skip

    def queries_for(how_many):
        for n in range(how_many):
            make_one_due(fixtures, n)
        with CaptureQueriesContext(connection) as queries:
            assert sweep(when) == rows_each * how_many
        return len(queries)

    assert queries_for(1) == queries_for(3)


def test_each_scheme_waits_its_own_grace_before_a_call_is_overdue(
    make_active_episode, other_scheme, make_user
):
    """Two schemes, two graces: 4 hours here, 24 hours there. Both first calls fall due at
    midday on 5 November; each is overdue only once its own scheme's grace has passed."""
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        ours = make_active_episode(went_home=HOME_ON)
        ours.scheme.overdue_grace_hours = 4
        ours.scheme.save()
        other_scheme.overdue_grace_hours = 24
        other_scheme.save()
        referral = ReferralFactory(
            ward__hospital__scheme=other_scheme, actual_discharge_date=HOME_ON,
            expected_discharge_date=HOME_ON,
        )  # fmt: skip
        _, theirs = referral_accept(
            referral=referral, by=make_user(Role.COORDINATOR, scheme=other_scheme)
        )

    def overdue():
        return set(
            Alert.objects.filter(kind=AlertKind.OVERDUE_CALL).values_list("episode", flat=True)
        )

    sweep_overdue(at(2026, 11, 5, 15, 59))
    assert overdue() == set()
    sweep_overdue(at(2026, 11, 5, 16, 1))
    assert overdue() == {ours.pk}
    sweep_overdue(at(2026, 11, 6, 11, 59))
    assert overdue() == {ours.pk}
    sweep_overdue(at(2026, 11, 6, 12, 1))
    assert overdue() == {ours.pk, theirs.pk}


def test_an_overdue_call_records_when_it_was_found_overdue(episode):
    sweep_overdue(at(2026, 11, 5, 16, 1))

    first_call = episode.calls.get(is_first=True)
    assert (first_call.status, first_call.overdue_at) == ("overdue", at(2026, 11, 5, 16, 1))
