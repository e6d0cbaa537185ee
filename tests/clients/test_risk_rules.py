"""The explicit scoring rules, answer by answer.

GUIDANCE is the assessment guidance written out here by hand, not read from clients.assessment:
each question's answers and what each means for risk. The code's table must say the same, and
each answer must score as the guidance says, so a red flag downgraded in the code (or an amber
answer dropped) fails here rather than agreeing with itself.
"""

import pytest

from clients.assessment import AMBER, NONE, QUESTIONS, RED, RiskLevel, flags, score
from tests.clients.conftest import CALM

H, M, L = RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW
GUIDANCE = {
    # Health and wellbeing at home
    "falls": {"none": L, "one": M, "several": H},
    "mobility": {"independent": L, "aid": M, "assisted": H},
    "memory": {"none": L, "some": M, "significant": H},
    "medication": {"self": L, "prompting": M, "unable": H},
    "eating": {"well": L, "poor": M, "unsafe": H},
    "mood": {"none": L, "some": M, "crisis": H},
    "senses": {"fine": L, "impaired": M},
    "continence": {"no": L, "yes": M},
    "recent_stays": {"none": L, "one": M, "several": H},
    # Environment and safety (home check)
    "access": {"answers_door": L, "key_safe": L, "no_access": H},
    "stairs": {"none": L, "difficult": M},
    "heating": {"yes": L, "no": H, "unknown": L},
    "smoke_alarm": {"yes": L, "no": M, "unknown": L},
    "trip_hazards": {"yes": M, "no": L, "unknown": M},
    "pets": {"none": L, "calm": L, "dangerous": H},
    "smoking": {"yes": M, "no": L},
    "others_in_home": {"none": L, "family": L, "concern": H},
    # Lone-working risks for volunteers
    "aggression": {"yes": H, "no": L, "unknown": M},
    "infection": {"yes": M, "no": L, "unknown": M},
    "area": {"no": L, "daylight": M, "unsafe": H},
    # Social
    "lives_alone": {"yes": M, "no": L},
    "carer": {"yes": L, "no": L},
    "family_nearby": {"yes": L, "no": M, "unknown": L},
    "other_services": {"yes": L, "no": L, "unknown": L},
}

ALL_ANSWERS = [
    (question.code, answer.value, answer.flag)
    for question in QUESTIONS.values()
    for answer in question.answers
]


def test_calm_answers_everywhere_are_low_risk():
    assert score(CALM) == RiskLevel.LOW


@pytest.mark.parametrize(
    ("code", "value"), [(c, v) for c, v, flag in ALL_ANSWERS if flag == RED], ids=str
)
def test_each_red_flag_alone_makes_the_risk_high(code, value):
    assert score({**CALM, code: value}) == RiskLevel.HIGH


@pytest.mark.parametrize(
    ("code", "value"), [(c, v) for c, v, flag in ALL_ANSWERS if flag == AMBER], ids=str
)
def test_each_amber_answer_alone_makes_the_risk_medium(code, value):
    assert score({**CALM, code: value}) == RiskLevel.MEDIUM


@pytest.mark.parametrize(
    ("code", "value"), [(c, v) for c, v, flag in ALL_ANSWERS if flag == NONE], ids=str
)
def test_unflagged_answers_leave_the_risk_low(code, value):
    assert score({**CALM, code: value}) == RiskLevel.LOW


def test_a_red_flag_outweighs_any_number_of_amber_answers():
    ambers = {code: value for code, value, flag in ALL_ANSWERS if flag == AMBER}

    assert score({**CALM, **ambers}) == RiskLevel.MEDIUM
    assert score({**CALM, **ambers, "aggression": "yes"}) == RiskLevel.HIGH


def test_the_key_red_flags_the_issue_names_are_red():
    assert QUESTIONS["aggression"].answer("yes").flag == RED
    assert QUESTIONS["pets"].answer("dangerous").flag == RED
    assert QUESTIONS["falls"].answer("several").flag == RED


def test_the_questions_and_answers_are_those_of_the_guidance():
    asked = {code: [answer.value for answer in q.answers] for code, q in QUESTIONS.items()}
    assert asked == {code: list(answers) for code, answers in GUIDANCE.items()}


@pytest.mark.parametrize(
    ("code", "value", "level"),
    [
        (code, value, level)
        for code, answers in GUIDANCE.items()
        for value, level in answers.items()
    ],
    ids=str,
)
def test_each_answer_alone_scores_as_the_guidance_says(code, value, level):
    assert score({**CALM, code: value}) == level


def test_the_flags_shown_are_the_red_and_amber_answers_only_with_their_questions():
    found = flags({**CALM, "falls": "several", "stairs": "difficult"})

    assert sorted((f.question.code, f.answer.value, f.answer.flag) for f in found) == [
        ("falls", "several", RED),
        ("stairs", "difficult", AMBER),
    ]
    assert flags(CALM) == []


def test_answers_to_questions_no_longer_asked_are_ignored_not_an_error():
    # An assessment saved before a question was removed, or an answer since renamed.
    assert flags({"a_question_since_removed": "yes", "falls": "an_old_answer"}) == []
    assert score({**CALM, "a_question_since_removed": "yes"}) == RiskLevel.LOW
