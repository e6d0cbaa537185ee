import pytest

from clients.assessment import NONE, QUESTIONS
from tests.factories import ClientFactory

# An unflagged answer to every question.
CALM = {
    code: next(answer.value for answer in question.answers if answer.flag == NONE)
    for code, question in QUESTIONS.items()
}


def answers(**changes):
    """Assessment answers: calm everywhere except `changes` ({code: answer value})."""
    return {code: {"answer": value, "note": "noted"} for code, value in {**CALM, **changes}.items()}


@pytest.fixture
def client_record(scheme):
    return ClientFactory(scheme=scheme)
