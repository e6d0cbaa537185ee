"""Synthetic assessments, goals and outcome measures for the demo clients."""

from datetime import timedelta

from django.utils import timezone

from clients.assessment import NONE, QUESTIONS
from clients.models import Client, GoalCategory, GoalOutcome, RiskLevel, Timepoint
from clients.services import (
    assessment_save_answers,
    assessment_second_sign_off,
    assessment_sign_off,
    assessment_start,
    client_update,
    goal_add,
    goal_review,
    measure_record,
)

# An unflagged answer to every question, to start each demo assessment from.
CALM = {
    code: next(answer.value for answer in question.answers if answer.flag == NONE)
    for code, question in QUESTIONS.items()
}


def _assess(client, by, changes, level=None, reason=""):
    assessment = assessment_start(client=client, by=by)
    answers = {code: {"answer": value, "note": ""} for code, value in {**CALM, **changes}.items()}
    for code, note in NOTES.items():
        if code in changes:
            answers[code]["note"] = note
    assessment_save_answers(assessment=assessment, answers=answers, by=by)
    if level is not None:
        assessment_sign_off(assessment=assessment, level=level, reason=reason, by=by)
    return assessment


NOTES = {
    "pets": "Large dog, Bruno: son shuts him in the kitchen before visits.",
    "access": "Key safe by the back door; the coordinator gives out the code.",
    "falls": "Fell twice at home in the spring.",
}


# Gender and ethnic category codes (NHS Data Dictionary) for the reports; blank: not asked yet.
_ABOUT = {
    "Doreen": ("2", "A"),
    "Stanley": ("1", "A"),
    "Reginald": ("1", "M"),
    "Winifred": ("2", "Z"),
    "Beryl": ("2", "A"),
    "Norman": ("1", "C"),
    "Pauline": ("2", "N"),
}


def seed_clients(*, scheme, coordinator, manager):
    """Assess the demo clients once: one of each risk level and state."""
    clients = {client.given_name: client for client in Client.objects.filter(scheme=scheme)}
    if not clients or any(client.assessments.exists() for client in clients.values()):
        return
    today = timezone.localdate()
    for name, client in clients.items():
        gender, ethnic_category = _ABOUT.get(name, ("", ""))
        client_update(client=client, by=coordinator, gender=gender, ethnic_category=ethnic_category)

    # Low risk, signed off, with a goal and her first measures.
    doreen = clients["Doreen"]
    client_update(
        client=doreen,
        by=coordinator,
        access_notes="Answers the door; ring twice.",
        pets="",
        gp_practice="Riverside Medical Centre",
    )
    _assess(doreen, coordinator, {"access": "answers_door", "lives_alone": "yes"}, RiskLevel.MEDIUM)
    goal = goal_add(
        client=doreen,
        category=GoalCategory.GETTING_OUT,
        by=coordinator,
        description="To walk to the library on Thursdays again",
    )
    goal_review(goal=goal, outcome=GoalOutcome.PARTLY_MET, by=coordinator)
    # Her baseline, taken once she was home; her support goes on, so no end measure yet (the
    # clients whose support ended in the demo's year of history have both).
    for timepoint, days_ago, ucla, ons in ((Timepoint.BASELINE, 2, (3, 3, 2), (4, 5, 3, 7)),):
        taken = today - timedelta(days=days_ago)
        measure_record(
            client=doreen,
            instrument="ucla3",
            timepoint=timepoint,
            taken_on=taken,
            values=dict(zip(("companionship", "left_out", "isolated"), ucla, strict=True)),
            by=coordinator,
        )
        measure_record(
            client=doreen,
            instrument="ons4",
            timepoint=timepoint,
            taken_on=taken,
            values=dict(
                zip(("life_satisfaction", "worthwhile", "happiness", "anxiety"), ons, strict=True)
            ),
            by=coordinator,
        )

    # High risk (a dog that may be dangerous), signed off once: awaiting the second sign-off.
    stanley = clients["Stanley"]
    client_update(client=stanley, by=coordinator, pets="Large dog, Bruno")
    _assess(stanley, coordinator, {"pets": "dangerous", "lives_alone": "yes"}, RiskLevel.HIGH)

    # High risk with both sign-offs: two falls this year.
    reginald = clients["Reginald"]
    assessment = _assess(
        reginald, coordinator, {"falls": "several", "mobility": "aid"}, RiskLevel.HIGH
    )
    assessment_second_sign_off(assessment=assessment, by=manager)

    # Low risk, signed off.
    _assess(clients["Winifred"], coordinator, {}, RiskLevel.LOW)
