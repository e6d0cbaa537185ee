"""Sign-off, the second sign-off for high risk, and the gate on home visits."""

import datetime
from functools import partial

import pytest
import time_machine
from django.db import connection

from aligns.accounts.models import Role
from clients.assessment import RiskLevel
from clients.models import AssessmentStatus, RiskAssessment
from clients.services import (
    ClientActionRefused,
    assessment_in_force,
    assessment_save_answers,
    assessment_second_sign_off,
    assessment_sign_off,
    assessment_start,
    client_require_reassessment,
    home_visit_refusal,
)
from tests.clients.conftest import answers
from tests.concurrency import at_once
from tests.factories import ClientFactory, CoordinatorFactory


def at(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def assessed(client, by, **changes):
    assessment = assessment_start(client=client, by=by)
    return assessment_save_answers(assessment=assessment, answers=answers(**changes), by=by)


def test_no_home_visit_before_any_assessment_but_the_reason_says_phone_is_fine(client_record):
    refusal = home_visit_refusal(client_record)

    # The words the volunteer's and coordinator's pages show, exactly.
    assert refusal == (
        "No home visit until a coordinator signs off a risk assessment. Phone calls only."
    )


def test_a_draft_assessment_does_not_open_the_gate(client_record, coordinator):
    assessed(client_record, coordinator)

    assert home_visit_refusal(client_record) is not None


def test_starting_an_assessment_while_a_draft_is_open_goes_on_with_that_draft(
    client_record, coordinator, make_user
):
    """Two coordinators (or two clicks) starting at once work on one draft, not two whose
    answers would part ways; once signed off, the next start is a new reassessment."""
    first = assessed(client_record, coordinator, aggression="yes")

    again = assessment_start(client=client_record, by=make_user(Role.COORDINATOR))

    assert again.pk == first.pk
    assert again.answers == first.answers
    assessment_sign_off(assessment=first, level=RiskLevel.HIGH, reason="", by=coordinator)
    reassessment = assessment_start(client=client_record, by=coordinator)
    assert reassessment.pk != first.pk
    assert client_record.assessments.filter(status=AssessmentStatus.DRAFT).get() == reassessment


def test_a_signed_off_low_risk_assessment_allows_home_visits(client_record, coordinator):
    assessment = assessed(client_record, coordinator)

    assessment_sign_off(assessment=assessment, level=RiskLevel.LOW, reason="", by=coordinator)

    assert home_visit_refusal(client_record) is None


def test_high_risk_means_phone_only_until_a_second_person_signs_off(
    client_record, coordinator, make_user
):
    assessment = assessed(client_record, coordinator, aggression="yes")
    assessment = assessment_sign_off(
        assessment=assessment, level=RiskLevel.HIGH, reason="", by=coordinator
    )

    assert assessment.status == AssessmentStatus.AWAITING_SECOND_SIGN_OFF
    assert home_visit_refusal(client_record) == (
        "High risk: phone support only until a second coordinator or a manager signs off the "
        "assessment."
    )

    assessment_second_sign_off(assessment=assessment, by=make_user(Role.COORDINATOR))

    assert home_visit_refusal(client_record) is None


def test_the_same_coordinator_cannot_give_both_sign_offs(client_record, coordinator):
    assessment = assessed(client_record, coordinator, aggression="yes")
    assessment_sign_off(assessment=assessment, level=RiskLevel.HIGH, reason="", by=coordinator)

    with pytest.raises(ClientActionRefused, match="someone other than"):
        assessment_second_sign_off(assessment=assessment, by=coordinator)

    assert home_visit_refusal(client_record) is not None


def test_a_manager_may_give_the_second_sign_off(client_record, coordinator, manager):
    assessment = assessed(client_record, coordinator, pets="dangerous")
    assessment_sign_off(assessment=assessment, level=RiskLevel.HIGH, reason="", by=coordinator)

    done = assessment_second_sign_off(assessment=assessment, by=manager)

    assert done.status == AssessmentStatus.SIGNED_OFF
    assert done.second_signed_off_by == manager
    assert done.history.latest().history_user == manager


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.WARD_STAFF])
def test_no_one_else_may_give_the_second_sign_off(client_record, coordinator, make_user, role):
    assessment = assessed(client_record, coordinator, pets="dangerous")
    assessment_sign_off(assessment=assessment, level=RiskLevel.HIGH, reason="", by=coordinator)

    with pytest.raises(ClientActionRefused):
        assessment_second_sign_off(assessment=assessment, by=make_user(role))


def test_only_a_coordinator_signs_off(client_record, coordinator, manager):
    assessment = assessed(client_record, coordinator)

    with pytest.raises(ClientActionRefused, match="Only a coordinator"):
        assessment_sign_off(assessment=assessment, level=RiskLevel.LOW, reason="", by=manager)


def test_lowering_the_computed_level_needs_a_reason(client_record, coordinator):
    assessment = assessed(client_record, coordinator, aggression="yes")

    with pytest.raises(ClientActionRefused, match="To lower it, say why"):
        assessment_sign_off(
            assessment=assessment, level=RiskLevel.MEDIUM, reason=" ", by=coordinator
        )

    lowered = assessment_sign_off(
        assessment=assessment,
        level=RiskLevel.MEDIUM,
        reason="Aggression was twenty years ago; GP confirms none since.",
        by=coordinator,
    )
    assert lowered.level == RiskLevel.MEDIUM
    assert lowered.status == AssessmentStatus.SIGNED_OFF


def test_raising_the_level_needs_no_reason(client_record, coordinator):
    assessment = assessed(client_record, coordinator)

    raised = assessment_sign_off(
        assessment=assessment, level=RiskLevel.HIGH, reason="", by=coordinator
    )

    assert raised.level == RiskLevel.HIGH
    assert raised.status == AssessmentStatus.AWAITING_SECOND_SIGN_OFF


def test_an_incomplete_assessment_cannot_be_signed_off(client_record, coordinator):
    assessment = assessment_start(client=client_record, by=coordinator)
    partial = answers()
    partial.pop("falls")
    assessment_save_answers(assessment=assessment, answers=partial, by=coordinator)

    with pytest.raises(ClientActionRefused, match="Answer every question"):
        assessment_sign_off(assessment=assessment, level=RiskLevel.LOW, reason="", by=coordinator)


def test_signed_off_answers_are_final(client_record, coordinator):
    assessment = assessed(client_record, coordinator)
    assessment_sign_off(assessment=assessment, level=RiskLevel.LOW, reason="", by=coordinator)

    with pytest.raises(ClientActionRefused, match="answers are final"):
        assessment_save_answers(
            assessment=assessment, answers=answers(falls="several"), by=coordinator
        )


def test_a_required_reassessment_closes_the_gate_until_a_new_one_is_signed_off(
    client_record, coordinator
):
    first = assessed(client_record, coordinator)
    assessment_sign_off(assessment=first, level=RiskLevel.LOW, reason="", by=coordinator)

    client_require_reassessment(
        client=client_record, reason="Readmitted after a fall", by=coordinator
    )

    assert home_visit_refusal(client_record) == (
        "A new risk assessment is required before any home visit: Readmitted after a fall"
    )
    second = assessment_start(client=client_record, by=coordinator)
    assert second.answers == first.answers  # starts from the answers in force
    assessment_sign_off(assessment=second, level=RiskLevel.LOW, reason="", by=coordinator)
    client_record.refresh_from_db()
    assert home_visit_refusal(client_record) is None


def test_a_newer_high_risk_assessment_supersedes_an_older_low_one(client_record, coordinator):
    first = assessed(client_record, coordinator)
    assessment_sign_off(assessment=first, level=RiskLevel.LOW, reason="", by=coordinator)
    second = assessment_start(client=client_record, by=coordinator)
    assessment_save_answers(assessment=second, answers=answers(aggression="yes"), by=coordinator)

    assessment_sign_off(assessment=second, level=RiskLevel.HIGH, reason="", by=coordinator)

    assert "phone support only" in home_visit_refusal(client_record)
    assert client_record.assessments.count() == 2  # every version kept


def test_two_sign_offs_in_the_same_moment_the_later_made_governs(client_record, coordinator):
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        high = assessed(client_record, coordinator, aggression="yes")
        assessment_sign_off(assessment=high, level=RiskLevel.HIGH, reason="", by=coordinator)
        low = assessed(client_record, coordinator)
        assessment_sign_off(assessment=low, level=RiskLevel.LOW, reason="", by=coordinator)

    assert assessment_in_force(client_record) == low
    assert home_visit_refusal(client_record) is None


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_starting_an_assessment_at_once_work_on_one_draft():
    """The client's row lock makes the second start wait for the first and find its draft.
    SQLite would serialise the two anyway, so this runs on PostgreSQL only (as in CI)."""
    client = ClientFactory()
    coordinators = [CoordinatorFactory(scheme=client.scheme) for _ in range(2)]

    outcomes = at_once(
        *(partial(assessment_start, client=client, by=coordinator) for coordinator in coordinators)
    )

    assert [type(outcome) for outcome in outcomes] == [RiskAssessment, RiskAssessment], outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert client.assessments.count() == 1
