import pytest

from clients.assessment import NONE, QUESTIONS
from tests.factories import ClientFactory
from tests.i18n import data_words, unmarked_words, wrap_translations

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


class PseudoLocale:
    """Words of a page left outside the translation markers (tests/i18n.py): `start()` once the
    records the page shows are made (their words are the people's, not for translating), then
    `unmarked(response)` for each page."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.data = []

    def start(self):
        self.data = data_words()
        wrap_translations(self.monkeypatch)

    def unmarked(self, response):
        assert response.status_code in (200, 400), response.status_code
        return self.unmarked_words(response.content.decode())

    def unmarked_words(self, text):
        """For text that is not a response: a file's, a PDF's page."""
        return unmarked_words(text, self.data)


@pytest.fixture
def pseudo_locale(monkeypatch):
    return PseudoLocale(monkeypatch)
