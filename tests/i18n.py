"""Checking that every word a person reads can be translated.

A pseudo-locale wraps each string looked up for translation in markers (⟦…⟧); any English
word left outside them in a rendered page was typed into a template or the code without being
marked, so a translator could never reach it. The people's own words (names, notes,
addresses) are not for translating: `data_words()` collects them from the database.
"""

import html
import re

from django.apps import apps
from django.db import connection, models
from django.utils import translation

OPEN, CLOSE = "⟦", "⟧"

# Words that are not English to translate: the service's name, and the names of the two
# languages, each written in its own language (the switch, the account page's choice).
NOT_TO_TRANSLATE = {"ALIGNS", "Cymraeg", "English", "Language", "Iaith"}


def wrap_translations(monkeypatch):
    """From now on, every string looked up for translation comes back wrapped in markers."""
    trans = translation._trans

    def wrap(function):
        def wrapped(*args, **kwargs):
            return f"{OPEN}{function(*args, **kwargs)}{CLOSE}"

        return wrapped

    for name in ("gettext", "pgettext", "ngettext", "npgettext"):
        monkeypatch.setattr(trans, name, wrap(getattr(trans, name)))


_WORD = r"[A-Za-z][A-Za-z'’-]+"


def unmarked_words(page, data=()):
    """Words of visible text (and of labels a screen reader reads) outside the markers."""
    body = re.split(r"<body[^>]*>", page, maxsplit=1)[-1]
    body = re.sub(r"<(script|style|template)\b.*?</\1>", " ", body, flags=re.S)
    spoken = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', body))
    text = html.unescape(re.sub(r"<[^>]+>", " ", body) + " " + spoken)
    text = _without_marked(text)
    words = re.findall(_WORD, text)
    # A value's words both whole ("Iqbal-Evans") and in parts ("Iqbal", "Evans").
    known = NOT_TO_TRANSLATE | {
        word
        for value in data
        for word in re.findall(_WORD, value) + re.findall(r"[A-Za-z]+", value)
    }
    return sorted({word for word in words if word not in known})


# A marked string with no other marked string inside it. Translations nest (a date's month
# name inside "%(day)s at %(time)s", a label inside a sentence), so the innermost go first.
_INNERMOST = re.compile(re.escape(OPEN) + f"[^{OPEN}{CLOSE}]*" + re.escape(CLOSE))


def _without_marked(text):
    """`text` with every marked string taken out, however deeply nested."""
    while True:
        text, found = _INNERMOST.subn(" ", text)
        if not found:
            return text


# The reasons the code gives for a change are its words, read in the reader's language
# (aligns/audit/history.py), not the people's; and so is an alert's sentence, made again in
# the reader's language where it is shown (Alert.shown).
_CODES_WORDS = {"history_change_reason", "visits.Alert.message"}


def _free_text_fields(model):
    for field in model._meta.concrete_fields:
        code_wrote_it = {field.attname, f"{model._meta.label}.{field.attname}"} & _CODES_WORDS
        if code_wrote_it or field.choices:
            continue
        if isinstance(field, models.CharField | models.TextField | models.JSONField):
            yield field.attname


def _texts(value):
    """The text a value holds: itself, or a JSON value's strings (not its keys, which are
    codes), such as the notes on a risk assessment's answers."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def data_words():
    """Every value people typed or the records hold as free text: names, notes, addresses.
    Fields with choices are left out, and so are the fixed catalogues (needs, known risks):
    their labels are for translating (CatalogueItem.shown)."""
    values = []
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.app_label == "catalogues":
            continue
        fields = list(_free_text_fields(model))
        if fields and model._meta.db_table in tables and not model._meta.proxy:
            for row in model._default_manager.values_list(*fields):
                values += [text for value in row for text in _texts(value) if text]
    return values


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
