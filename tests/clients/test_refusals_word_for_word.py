"""What each client service says when it refuses, word for word, and that nothing changed.

A test that only looks for part of a message cannot tell it from the same words garbled
around it, so these compare them whole.
"""

import datetime

from aligns.accounts.models import Role
from clients.assessment import RiskLevel
from clients.models import AssessmentStatus, OutcomeMeasure, Timepoint
from clients.services import (
    ClientActionRefused,
    assessment_save_answers,
    assessment_second_sign_off,
    assessment_sign_off,
    assessment_start,
    client_require_reassessment,
    measure_record,
)
from tests.clients.conftest import answers
from tests.refusals import refusal_words


def refusal(act):
    return refusal_words(ClientActionRefused, act)


def test_a_signed_off_assessments_answers_are_final_and_only_known_questions_are_kept(
    client_record, coordinator
):
    draft = assessment_start(client=client_record, by=coordinator)

    def save(given):
        return lambda: assessment_save_answers(assessment=draft, answers=given, by=coordinator)

    assert refusal(save({**answers(), "shoe_size": {"answer": "9"}, "aaa": {}})) == (
        "Unknown questions: aaa, shoe_size"
    )
    assert refusal(lambda: assessment_sign_off(
        assessment=draft, level=RiskLevel.LOW, reason="", by=coordinator
    )) == "Answer every question before signing off."  # fmt: skip
    save(answers())()
    assessment_sign_off(assessment=draft, level=RiskLevel.LOW, reason="", by=coordinator)
    assert refusal(save(answers(aggression="yes"))) == (
        "This assessment has been signed off, so its answers are final."
    )
    draft.refresh_from_db()
    assert draft.answers == answers()


def test_only_a_coordinator_signs_off_and_someone_else_gives_the_second_sign_off(
    client_record, coordinator, make_user
):
    draft = assessment_start(client=client_record, by=coordinator)
    assessment_save_answers(assessment=draft, answers=answers(aggression="yes"), by=coordinator)

    def sign_off(by):
        return lambda: assessment_sign_off(assessment=draft, level=RiskLevel.HIGH, reason="", by=by)

    def second(by):
        return lambda: assessment_second_sign_off(assessment=draft, by=by)

    assert refusal(sign_off(make_user(Role.MANAGER))) == (
        "Only a coordinator can sign off an assessment."
    )
    sign_off(coordinator)()
    assert refusal(second(make_user(Role.VOLUNTEER))) == (
        "Only a coordinator or a manager can give the second sign-off."
    )
    assert refusal(second(coordinator)) == (
        "The second sign-off must be by someone other than the coordinator who signed it off."
    )
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.AWAITING_SECOND_SIGN_OFF
    second(make_user(Role.MANAGER))()
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.SIGNED_OFF


def test_a_new_assessment_is_required_only_with_a_reason(client_record, coordinator):
    said = refusal(
        lambda: client_require_reassessment(client=client_record, reason="  ", by=coordinator)
    )

    assert said == "Say why a new assessment is needed."
    client_record.refresh_from_db()
    assert client_record.reassessment_required_reason == ""


def test_an_answer_outside_a_measures_scale_is_named_with_its_question(client_record, coordinator):
    said = refusal(
        lambda: measure_record(
            client=client_record,
            instrument="ucla3",
            timepoint=Timepoint.BASELINE,
            taken_on=datetime.date(2026, 11, 1),
            values={"left_out": 7},
            by=coordinator,
        )  # fmt: skip
    )

    assert said == "7 is not an answer to '…left out?'."
    assert not OutcomeMeasure.objects.exists()
