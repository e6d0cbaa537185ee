"""A volunteer offered while no home visit may be made is offered phone support only, and
that offer keeps them on the phone: no visit planned for them, whatever the assessment says
later, until someone offered without that condition supports the client (docs/safety H3)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from aligns.accounts.models import Role
from clients.assessment import RiskLevel
from clients.services import (
    assessment_save_answers,
    assessment_second_sign_off,
    assessment_sign_off,
    assessment_start,
    client_require_reassessment,
    home_visit_refusal,
)
from tests.visits.conftest import at
from tests.visits.test_visit_hold import answers, sign_off_low_risk
from visits.models import CallKind, ScheduledCall
from visits.services import (
    EpisodeActionRefused,
    assignment_accept,
    assignment_decline,
    assignment_end,
    episode_assign_volunteer,
    phone_only_holds,
    visit_plan,
    visit_refusal,
)

MONDAY = at(2026, 11, 2, 8, 0)
VISIT_AT = at(2026, 11, 6, 14, 0)
PHONE_ONLY = "was offered this client for phone support only, before any risk assessment"
TOLD_PHOEBE = "You were offered this client for phone support only, before their risk assessment."


@pytest.fixture
def offer(make_active_episode, make_volunteer, make_user, coordinator):
    """Offer the client to a volunteer (signed in as the returned user); accept it."""

    def make(episode, given_name, accept=True, **fields):
        user = make_user(Role.VOLUNTEER)
        volunteer = make_volunteer(given_name=given_name, user=user, **fields)
        assignment = episode_assign_volunteer(episode=episode, volunteer=volunteer, by=coordinator)
        if accept:
            assignment = assignment_accept(assignment=assignment, by=user)
        return assignment, user

    return make


@pytest.fixture
def episode(make_active_episode):
    with time_machine.travel(MONDAY, tick=False):
        return make_active_episode(went_home=datetime.date(2026, 11, 2))


def test_an_offer_made_before_any_assessment_is_phone_only_and_stays_so_after_sign_off(
    episode, offer, coordinator
):
    with time_machine.travel(MONDAY, tick=False):
        assignment, user = offer(episode, "Phoebe")
        sign_off_low_risk(episode.client, coordinator)

        assert assignment.phone_only
        # The client's own gate is open now; the phone-only offer still keeps visits closed.
        assert home_visit_refusal(episode.client) is None
        assert visit_refusal(episode) == (
            f"{assignment.volunteer} was offered this client for phone support only, before any "
            "risk assessment was signed off. To let them visit, hand the client over and offer "
            "them again: the checks a visitor needs are made then."
        )
        with pytest.raises(EpisodeActionRefused, match=PHONE_ONLY):
            visit_plan(episode=episode, due_at=VISIT_AT, by=coordinator)
        # Phoebe herself is told it is hers, planning a visit too.
        assert visit_refusal(episode, reader=user) == TOLD_PHOEBE
        with pytest.raises(EpisodeActionRefused) as refused:
            visit_plan(episode=episode, due_at=VISIT_AT, by=user)
    assert str(refused.value) == TOLD_PHOEBE


def test_a_phone_only_volunteer_offered_again_after_sign_off_may_visit(
    client, episode, offer, coordinator
):
    """The way out of a phone-only offer once the assessment allows visits: the coordinator
    ends that support ("Hand the client to another volunteer") and offers the client again,
    to the same volunteer if they like, whose card on the shortlist says their support ended."""
    client.force_login(coordinator)
    with time_machine.travel(MONDAY, tick=False):
        phone_only, user = offer(episode, "Phoebe")
        sign_off_low_risk(episode.client, coordinator)
        assignment_end(assignment=phone_only, by=coordinator, reason="Offered again to visit")
        match = client.get(reverse("visits:match", args=[episode.pk])).content.decode()
        again = episode_assign_volunteer(
            episode=episode, volunteer=phone_only.volunteer, by=coordinator
        )
        assignment_accept(assignment=again, by=user)

        assert phone_only.phone_only and not again.phone_only
        assert visit_refusal(episode) is None
        visit = visit_plan(episode=episode, due_at=VISIT_AT, by=coordinator)

    assert visit.kind == CallKind.VISIT
    assert "Their support of this client ended on 2 November: Offered again to visit" in match


def test_a_declined_phone_only_offer_does_not_hold_back_the_volunteer_who_takes_it_on(
    episode, offer, coordinator
):
    with time_machine.travel(MONDAY, tick=False):
        first, first_user = offer(episode, "Phoebe", accept=False)
        assignment_decline(assignment=first, by=first_user, reason="Away that week")
        sign_off_low_risk(episode.client, coordinator)
        second, _ = offer(episode, "Vera")

        assert first.phone_only and not second.phone_only
        assert visit_refusal(episode) is None
        visit = visit_plan(episode=episode, due_at=VISIT_AT, by=coordinator)

    assert visit.kind == CallKind.VISIT


def test_the_phone_only_volunteers_today_card_holds_their_visits_with_the_reason(
    client, episode, offer, coordinator
):
    # Today reads the phone-only condition for all its cards at once (one query, not one per
    # card); each card must still say the visit waits, and why.
    with time_machine.travel(MONDAY, tick=False):
        assignment, user = offer(episode, "Phoebe")
        sign_off_low_risk(episode.client, coordinator)
        # A visit on the plan already (as one planned for the client before this offer).
        ScheduledCall.objects.create(
            episode=episode, kind=CallKind.VISIT, due_at=VISIT_AT, planned_by=coordinator
        )
        client.force_login(user)

        page = client.get(reverse("visits:today")).content.decode()

    assert assignment.phone_only
    assert "On hold" in page
    told = f"Do not visit until your coordinator says so. {TOLD_PHOEBE} You can still phone."
    assert told in page


def test_an_offer_made_while_a_high_risk_waited_for_its_second_sign_off_may_visit_once_given(
    client, episode, offer, coordinator, make_user
):
    """The volunteer was chosen against the high-risk assessment (an experienced one), so the
    checks a visitor needs were made: only the client's own gate held visits back, and the
    second sign-off opens it, for them too (they are not made to be offered again)."""
    manager = make_user(Role.MANAGER)
    with time_machine.travel(MONDAY, tick=False):
        assessment = assessment_start(client=episode.client, by=coordinator)
        assessment_save_answers(assessment=assessment, answers=answers(), by=coordinator)
        assessment_sign_off(
            assessment=assessment, level=RiskLevel.HIGH, reason="Falls at night", by=coordinator
        )
    with time_machine.travel(MONDAY + datetime.timedelta(hours=1), tick=False):
        held, user = offer(episode, "Hana", experienced=True)
        assert held.phone_only
        assert "second coordinator or a manager" in visit_refusal(episode)
        client.force_login(coordinator)
        waiting = client.get(reverse("visits:match", args=[episode.pk])).content.decode()
        assert phone_only_holds(held)
    assert f"{held.volunteer} supports this client (phone support only)." in waiting
    with time_machine.travel(MONDAY + datetime.timedelta(hours=2), tick=False):
        assessment_second_sign_off(assessment=assessment, by=manager)
        client.force_login(coordinator)
        match = client.get(reverse("visits:match", args=[episode.pk])).content.decode()
        record = client.get(reverse("records:client", args=[episode.client.pk])).content.decode()
        visit = visit_plan(episode=episode, due_at=VISIT_AT, by=coordinator)
        client.force_login(user)
        today = client.get(reverse("visits:today")).content.decode()

    assert visit_refusal(episode) is None
    assert not phone_only_holds(held)
    assert visit.kind == CallKind.VISIT
    assert f"{held.volunteer} supports this client." in match
    assert "phone support only" not in match and "phone support only" not in record
    assert "On hold" not in today


def test_a_volunteer_offered_with_visits_allowed_is_never_called_phone_only(
    client, episode, offer, coordinator
):
    """Offered after sign-off: when a reassessment later holds visits back, it is the
    client's gate that holds them, and the volunteer is not tagged phone support only."""
    with time_machine.travel(MONDAY, tick=False):
        sign_off_low_risk(episode.client, coordinator)
    with time_machine.travel(MONDAY + datetime.timedelta(hours=1), tick=False):
        assignment, _ = offer(episode, "Vic")
        client_require_reassessment(client=episode.client, reason="A fall", by=coordinator)
        client.force_login(coordinator)
        match = client.get(reverse("visits:match", args=[episode.pk])).content.decode()

    assert not assignment.phone_only and not phone_only_holds(assignment)
    assert f"{assignment.volunteer} supports this client." in match
    assert "phone support only" not in match
    assert "A new risk assessment is required" in visit_refusal(episode)


def test_another_clients_assessment_does_not_lift_a_phone_only_offer(
    episode, offer, coordinator, make_active_episode
):
    """Only this client's own assessment signed off before the offer counts as the checks a
    visitor needs having been made."""
    with time_machine.travel(MONDAY, tick=False):
        other = make_active_episode(went_home=datetime.date(2026, 11, 2))
        sign_off_low_risk(other.client, coordinator)
    with time_machine.travel(MONDAY + datetime.timedelta(hours=1), tick=False):
        assignment, _ = offer(episode, "Wyn")
    with time_machine.travel(MONDAY + datetime.timedelta(hours=2), tick=False):
        sign_off_low_risk(episode.client, coordinator)

        assert phone_only_holds(assignment)
        assert PHONE_ONLY in visit_refusal(episode)
