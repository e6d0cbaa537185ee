"""The explicit scoring rules, answer by answer."""

import pytest

from clients.assessment import AMBER, NONE, QUESTIONS, RED, RiskLevel, score
from tests.clients.conftest import CALM

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
