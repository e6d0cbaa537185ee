"""Each service records who made a change and why in the record's history, from its own
`by=`: the services are called here as the worker or a command calls them, outside any web
request, where simple-history's middleware cannot name the person (a page's tests cannot see
a service that forgets to). The reasons are the words the change-history page shows."""

import datetime

import pytest
import time_machine

from aligns.accounts.models import Role
from clients.models import ConsentKind, GoalCategory, GoalOutcome
from clients.services import (
    client_require_reassessment,
    client_update,
    consent_record,
    goal_add,
    goal_review,
)
from tests.visits.conftest import MONDAY, at
from visits.models import (
    CallKind,
    ConcernCategory,
    ExitOutcome,
    OnwardOutcome,
    ReadmissionSource,
    ServiceCategory,
    Urgency,
)
from visits.services import (
    EpisodeActionRefused,
    assignment_accept,
    assignment_decline,
    assignment_end,
    assignment_withdraw,
    community_service_save,
    concern_acknowledge,
    concern_close,
    concern_raise,
    contact_log,
    episode_assign_volunteer,
    episode_close,
    episode_extend,
    episode_readmit,
    episode_record_discharge,
    episode_return_home,
    onward_referral_record,
    onward_referral_update,
)


def recorded(record):
    """Who and why of `record`'s newest history row."""
    row = record.history.order_by("-history_date", "-history_id").first()
    return row.history_user, row.history_change_reason


@pytest.fixture
def people(make_user, coordinator):
    return {
        "coordinator": coordinator,
        "other coordinator": make_user(Role.COORDINATOR),
        "vera": make_user(Role.VOLUNTEER),
        "vic": make_user(Role.VOLUNTEER),
        "wyn": make_user(Role.VOLUNTEER),
    }


def test_every_step_of_a_support_names_who_took_it_and_why(people, make_episode, make_volunteer):
    coordinator, other = people["coordinator"], people["other coordinator"]
    with time_machine.travel(MONDAY, tick=False):
        episode = make_episode()
        vera = make_volunteer(user=people["vera"], postcode="AB1 2AA")
        vic = make_volunteer(user=people["vic"], postcode="AB1 3AA")
        wyn = make_volunteer(user=people["wyn"], postcode="AB1 4AA")

        declined = episode_assign_volunteer(episode=episode, volunteer=vic, by=coordinator)
        assert recorded(declined) == (coordinator, "Offered to the volunteer")
        assignment_decline(assignment=declined, by=people["vic"], reason="Away that week")
        assert recorded(declined) == (people["vic"], "Declined by the volunteer")

        withdrawn = episode_assign_volunteer(episode=episode, volunteer=vera, by=other)
        assignment_withdraw(assignment=withdrawn, by=coordinator, reason="Sent to the wrong one")
        assert recorded(withdrawn) == (coordinator, "Offer withdrawn")

        ended = episode_assign_volunteer(episode=episode, volunteer=vera, by=coordinator)
        assignment_accept(assignment=ended, by=people["vera"])
        assert recorded(ended) == (people["vera"], "Accepted by the volunteer")
        assignment_end(assignment=ended, by=other, reason="Moved away")
        assert recorded(ended) == (other, "Support handed over")

        supporting = episode_assign_volunteer(episode=episode, volunteer=wyn, by=coordinator)
        assignment_accept(assignment=supporting, by=people["wyn"])

    episode.refresh_from_db()
    with time_machine.travel(at(2026, 11, 4, 10, 0), tick=False):
        episode_record_discharge(
            episode=episode, discharged_on=datetime.date(2026, 11, 2), by=coordinator
        )
        assert recorded(episode) == (coordinator, "Discharge recorded")
        episode_record_discharge(
            episode=episode, discharged_on=datetime.date(2026, 11, 3), by=other
        )
        assert recorded(episode) == (other, "Discharge date corrected")
        contact, _ = contact_log(
            episode=episode, by=people["wyn"], kind=CallKind.CALL,
            happened_at=at(2026, 11, 4, 10, 0), answered=True, duration_minutes=15,
        )  # fmt: skip
        assert recorded(contact) == (people["wyn"], "Contact logged")
        assert contact.notes == ""  # none given: none kept

        concern = concern_raise(
            episode=episode, by=people["wyn"], category=ConcernCategory.NOT_COPING,
            urgency=Urgency.TODAY, description="No food in",
        )  # fmt: skip
        assert recorded(concern) == (people["wyn"], "Concern raised")
        concern_acknowledge(concern=concern, by=other)
        concern.refresh_from_db()
        assert recorded(concern) == (other, "Concern acknowledged")
        concern_close(concern=concern, by=coordinator, action_taken="Shopping delivered")
        concern.refresh_from_db()
        assert recorded(concern) == (coordinator, "Concern closed")

        episode_extend(episode=episode, weeks=1, reason="Still unsteady", by=other)
        assert recorded(episode) == (other, "Extended")
        episode_extend(episode=episode, weeks=1, reason="Still unsteady", by=coordinator)
        assert recorded(episode) == (coordinator, "Extended again")

        readmission = episode_readmit(
            episode=episode, admitted_on=datetime.date(2026, 11, 4),
            source=ReadmissionSource.FAMILY, reason="Fall", by=other,
        )  # fmt: skip
        assert recorded(episode) == (other, "Readmitted")
        readmission.refresh_from_db()
        assert (readmission.source, readmission.reason, readmission.recorded_by) == (
            ReadmissionSource.FAMILY,
            "Fall",
            other,
        )

    with time_machine.travel(at(2026, 11, 9, 10, 0), tick=False):
        episode_return_home(episode=episode, returned_on=datetime.date(2026, 11, 9), by=coordinator)
        assert recorded(episode) == (coordinator, "Returned home")
        readmission.refresh_from_db()
        assert recorded(readmission) == (coordinator, "Returned home")

        episode_close(episode=episode, outcome=ExitOutcome.GOALS_MET, by=other)
        assert recorded(episode) == (other, "Closed")
        episode.refresh_from_db()
        assert (episode.closed_by, episode.closed_on) == (other, datetime.date(2026, 11, 9))
        supporting.refresh_from_db()
        assert recorded(supporting) == (other, "Episode closed")


def test_accepting_a_referral_names_who_opened_the_support_and_the_client_record(
    scheme, coordinator
):
    from referrals.services import referral_accept
    from tests.factories import ReferralFactory

    referral, episode = referral_accept(
        referral=ReferralFactory(ward__hospital__scheme=scheme), by=coordinator
    )

    assert recorded(referral) == (coordinator, "Referral accepted")
    assert recorded(episode) == (coordinator, "Opened on accepting the referral")
    assert recorded(episode.client) == (coordinator, "Client record opened from a referral")


def test_a_new_clients_ward_risks_and_consents_are_recorded_in_the_name_of_who_accepted(
    scheme, coordinator
):
    """What the ward wrote on the referral becomes the client's record: each row of it names
    the coordinator who accepted, and each consent says where it came from."""
    from referrals.services import referral_accept
    from tests.factories import ReferralFactory

    _, episode = referral_accept(
        referral=ReferralFactory(
            ward__hospital__scheme=scheme, risk_notes="Dog in the house",
            consent_to_share_with_nhs=True,
        ),
        by=coordinator,
    )  # fmt: skip

    client = episode.client
    assert client.ward_risk_notes == "Dog in the house"
    assert {row.history_user for row in client.history.all()} == {coordinator}
    consents = client.consents.all()
    assert sorted(consent.kind for consent in consents) == sorted(
        [ConsentKind.SUPPORT, ConsentKind.HOLD, ConsentKind.SHARE]
    )
    assert {(consent.note, recorded(consent)) for consent in consents} == {
        ("Recorded on the ward's referral", (coordinator, "Consent given"))
    }


def test_signposting_a_client_names_who_saved_the_service_and_each_referral_outcome(
    people, episode
):
    coordinator, other = people["coordinator"], people["other coordinator"]
    service = community_service_save(
        scheme=episode.scheme, by=other, name="Riverside Shopmobility",
        category=ServiceCategory.TRANSPORT,
    )  # fmt: skip
    assert recorded(service) == (other, "Directory entry saved")
    onward = onward_referral_record(
        episode=episode, service=service, referred_on=datetime.date(2026, 11, 5), by=coordinator,
        outcome=OnwardOutcome.ACCEPTED,
    )  # fmt: skip
    onward.refresh_from_db()
    assert recorded(onward) == (coordinator, "Onward referral recorded")
    assert (onward.made_by, onward.outcome) == (coordinator, OnwardOutcome.ACCEPTED)
    onward_referral_update(referral=onward, outcome=OnwardOutcome.DECLINED, by=other)
    assert recorded(onward) == (other, "Onward referral outcome")


def test_a_clients_details_consent_and_goals_name_who_recorded_them(people, episode):
    coordinator, other = people["coordinator"], people["other coordinator"]
    client = episode.client

    client_update(client=client, by=other, phone="07700 900123")
    assert recorded(client) == (other, "Client details changed")
    given = consent_record(
        client=client, kind=ConsentKind.SHARE, given=True,
        decided_on=datetime.date(2026, 11, 2), obtained_by="Staff nurse", by=coordinator,
    )  # fmt: skip
    assert recorded(given) == (coordinator, "Consent given")
    withdrawn = consent_record(
        client=client, kind=ConsentKind.SHARE, given=False,
        decided_on=datetime.date(2026, 11, 3), obtained_by="Client", by=other,
    )  # fmt: skip
    assert recorded(withdrawn) == (other, "Consent withdrawn")
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        goal = goal_add(
            client=client, category=GoalCategory.GETTING_OUT, description="To the shops", by=other
        )
    assert recorded(goal) == (other, "Goal set")
    with time_machine.travel(at(2026, 12, 1, 11, 0), tick=False):
        goal_review(goal=goal, outcome=GoalOutcome.MET, by=coordinator)
    goal.refresh_from_db()
    assert recorded(goal) == (coordinator, "Goal reviewed")
    assert (goal.reviewed_by, goal.reviewed_at) == (coordinator, at(2026, 12, 1, 11, 0))
    client_require_reassessment(client=client, reason="Fell at home", by=other)
    assert recorded(client) == (other, "Client details changed")


def test_a_high_risk_assessments_second_sign_off_names_who_gave_it_and_when(
    episode, coordinator, make_user
):
    from clients.assessment import RiskLevel
    from clients.services import (
        assessment_save_answers,
        assessment_second_sign_off,
        assessment_sign_off,
        assessment_start,
    )
    from tests.clients.conftest import answers

    manager = make_user(Role.MANAGER)
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        draft = assessment_start(client=episode.client, by=coordinator)
        assessment_save_answers(assessment=draft, answers=answers(aggression="yes"), by=coordinator)
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        assessment_sign_off(assessment=draft, level=RiskLevel.HIGH, reason="", by=coordinator)
    assert recorded(draft) == (coordinator, "Signed off")
    with time_machine.travel(at(2026, 12, 1, 11, 0), tick=False):
        assessment_second_sign_off(assessment=draft, by=manager)

    draft.refresh_from_db()
    assert recorded(draft) == (manager, "Second sign-off")
    assert (draft.second_signed_off_by, draft.second_signed_off_at) == (
        manager,
        at(2026, 12, 1, 11, 0),
    )


def test_a_planned_visit_names_who_planned_it(make_active_episode, coordinator, make_user):
    from tests.visits.test_visit_hold import visit_planned_for_friday

    _, visit, _ = visit_planned_for_friday(make_active_episode, coordinator, make_user)

    visit.refresh_from_db()
    assert visit.planned_by == coordinator


@pytest.mark.parametrize(
    ("act", "said"),
    [
        (assignment_withdraw, "Say why the offer is withdrawn."),
        (assignment_end, "Say why their support ends."),
    ],
)
def test_stopping_an_offer_or_a_support_needs_a_reason(
    people, make_episode, make_volunteer, act, said
):
    episode = make_episode()
    offer = episode_assign_volunteer(
        episode=episode, volunteer=make_volunteer(user=people["vera"]), by=people["coordinator"]
    )
    if act is assignment_end:
        offer = assignment_accept(assignment=offer, by=people["vera"])

    with pytest.raises(EpisodeActionRefused) as refused:
        act(assignment=offer, by=people["coordinator"], reason="  ")

    assert str(refused.value) == said
    offer.refresh_from_db()
    assert offer.status == ("accepted" if act is assignment_end else "offered")


def test_closing_a_concern_keeps_who_acknowledged_it_and_a_concern_closed_unread_is_both(
    episode, people
):
    """The record says who first took the worry on: whoever acknowledged it, kept when someone
    else closes it; a concern closed without being acknowledged first was taken on by whoever
    closed it, then."""
    coordinator, other = people["coordinator"], people["other coordinator"]

    def raised():
        return concern_raise(
            episode=episode, by=people["wyn"], category=ConcernCategory.NOT_COPING,
            urgency=Urgency.TODAY, description="No food in",
        )  # fmt: skip

    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        read_first, closed_unread = raised(), raised()
        concern_acknowledge(concern=read_first, by=coordinator)
    with time_machine.travel(at(2026, 11, 4, 15, 0), tick=False):
        for concern in (read_first, closed_unread):
            concern_close(concern=concern, by=other, action_taken="Shopping delivered")

    read_first.refresh_from_db()
    closed_unread.refresh_from_db()
    assert (read_first.acknowledged_by, read_first.acknowledged_at) == (
        coordinator,
        at(2026, 11, 4, 9, 0),
    )
    assert (closed_unread.acknowledged_by, closed_unread.acknowledged_at) == (
        other,
        at(2026, 11, 4, 15, 0),
    )
    assert (read_first.closed_by, read_first.closed_at) == (other, at(2026, 11, 4, 15, 0))
    # The alert of the one closed unread comes off the work queue, in the closer's name.
    assert list(closed_unread.alerts.values_list("acknowledged_by", "acknowledged_at")) == [
        (other.pk, at(2026, 11, 4, 15, 0))
    ]


def test_an_offer_and_a_concern_queue_their_emails_for_the_scheme_once_each(
    people, make_episode, make_volunteer
):
    """Each message belongs to the scheme (so one that fails shows on that scheme's pages),
    and is keyed to what it is about, so a retried task cannot queue it twice. The concern's
    alert keeps the words it was raised with, for the record."""
    from aligns.outbox.models import Message
    from visits.models import Alert

    episode = make_episode()
    offer = episode_assign_volunteer(
        episode=episode, volunteer=make_volunteer(user=people["vera"]), by=people["coordinator"]
    )
    concern = concern_raise(
        episode=episode, by=people["wyn"], category=ConcernCategory.NOT_COPING,
        urgency=Urgency.TODAY, description="No food in",
    )  # fmt: skip

    assert sorted(Message.objects.values_list("key", "scheme_id")) == [
        (f"concern-raised:{concern.pk}", episode.scheme_id),
        (f"offer-made:{offer.pk}", episode.scheme_id),
    ]
    assert Alert.objects.get(concern=concern).message == (
        f"Not coping at home concern about {episode.client}"
    )


def test_each_step_of_a_risk_assessment_and_an_outcome_measure_names_who_took_it_and_why(
    episode, coordinator, make_user
):
    """The history a manager reads back when a visit went wrong: who started the assessment,
    who answered it, who signed it off (lifting a reassessment asked for), each in its own
    row."""
    from clients.assessment import RiskLevel
    from clients.models import Timepoint
    from clients.services import (
        assessment_save_answers,
        assessment_sign_off,
        assessment_start,
        measure_record,
    )
    from tests.clients.conftest import answers

    other = make_user(Role.COORDINATOR)
    client_require_reassessment(client=episode.client, reason="Fell at home", by=other)
    draft = assessment_start(client=episode.client, by=coordinator)
    assessment_save_answers(assessment=draft, answers=answers(), by=other)
    assessment_sign_off(assessment=draft, level=RiskLevel.LOW, reason="", by=coordinator)
    # Signing off lifts the reassessment the other coordinator asked for, in the signer's name.
    episode.client.refresh_from_db()
    assert episode.client.reassessment_required_reason == ""
    assert recorded(episode.client) == (coordinator, "Client details changed")
    measure = measure_record(
        client=episode.client, instrument="ucla3", timepoint=Timepoint.BASELINE,
        taken_on=datetime.date(2026, 11, 3), by=other,
        values={"companionship": 3, "left_out": 2, "isolated": None},
    )  # fmt: skip

    rows = draft.history.order_by("history_date", "history_id")
    assert [(row.history_user, row.history_change_reason) for row in rows] == [
        (coordinator, "Assessment started"),
        (other, "Answers saved"),
        (coordinator, "Signed off"),
    ]
    assert recorded(measure) == (other, "Outcome measure recorded")
    assert {recorded(answer) for answer in measure.answers.all()} == {
        (other, "Outcome measure recorded")
    }
