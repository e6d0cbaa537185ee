"""Everything the scheme holds about one client, for a subject access request (UK GDPR
Article 15): their record, consents, assessments, goals, measures, referrals, episodes with
every call, visit and concern, and the information-sharing log entries about them.

Each record is listed field by field with the field's own label and the value as a person
reads it, in the language of the person making the copy (aligns/audit/field_names.py names
the fields); the same data goes into the JSON file. A risk assessment's answers are listed
question by question, an outcome measure by its name and items, never by their codes.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext, gettext_lazy, ngettext

from aligns.audit.field_names import field_label
from aligns.audit.models import SharingLogEntry
from aligns.text import lower_first
from clients.assessment import QUESTIONS
from clients.instruments import INSTRUMENTS
from clients.models import KEPT_MEASURE_FIGURES, OutcomeAnswer, OutcomeMeasure, RiskAssessment
from records.kinds import kind_for_model, namers
from referrals.models import Referral
from visits.models import (
    BOARD_FIGURES,
    Concern,
    Contact,
    Extension,
    OnwardReferral,
    Readmission,
    SupportEpisode,
)

# Internal bookkeeping, not information about the person.
_SKIPPED = {
    "id", "scheme", "client", "episode", "measure", "preferred_times", "availability",
    # Which record a share was about: "what was shared" says it in words.
    "subject_type", "subject_id",
    # What the episodes board sorts by, counted from the calls and concerns the copy lists;
    # the seconds from discharge to the first contact, both of which it shows.
    *BOARD_FIGURES, "first_contact_seconds",
    # A measure's scores, worked out from the answers the copy lists, and which of the
    # person's baseline measures (each listed) an end measure is compared with in reports.
    *KEPT_MEASURE_FIGURES,
}  # fmt: skip


# What happened during support, each kind in its own section.
EPISODE_PARTS = [
    (gettext_lazy("Calls and visits"), Contact),
    (gettext_lazy("Concerns"), Concern),
    (gettext_lazy("Readmissions"), Readmission),
    (gettext_lazy("Extensions"), Extension),
    (gettext_lazy("Onward referrals"), OnwardReferral),
]


@dataclass
class Section:
    title: str
    records: list  # [(record title, [(label, value), ...]), ...]


def _value(record, field):
    if field.choices:  # a blank value may have a label of its own ("No preference")
        shown = getattr(record, f"get_{field.name}_display")()
        return "" if shown is None else str(shown)
    value = getattr(record, field.attname)
    if value is None or value == "":
        return ""
    if isinstance(field, models.ForeignKey):
        linked = getattr(record, field.name)
        namer = namers().get(field.related_model)
        return str(namer.name(linked) if namer else linked)
    if isinstance(field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    return field.value_to_string(record) if not isinstance(value, str) else value


def _answers(assessment):
    """A risk assessment's answers, question by question, each note after its answer."""
    rows = []
    for code, entry in assessment.answers.items():
        question = QUESTIONS.get(code)
        entry = entry if isinstance(entry, dict) else {}
        answer = question.answer(entry.get("answer")) if question else None
        text = str(question.text) if question else code
        rows.append((text, str(answer.label) if answer else str(entry.get("answer") or "")))
        if entry.get("note"):
            note = gettext("Note on %(question)s") % {"question": lower_first(text)}
            rows.append((note, str(entry["note"])))
    return rows


def _instrument_name(code):
    instrument = INSTRUMENTS.get(code)
    return str(instrument.name) if instrument else code


def _item_name(answer):
    instrument = INSTRUMENTS.get(answer.measure.instrument)
    item = (
        next((i for i in instrument.items if i.code == answer.item), None) if instrument else None
    )
    return str(item.short) if item else answer.item


# Fields read in their own way: {(model, field name): function(record) -> value, or rows}.
_SHOWN_AS = {
    (RiskAssessment, "answers"): _answers,
    (OutcomeMeasure, "instrument"): lambda measure: _instrument_name(measure.instrument),
    (OutcomeAnswer, "item"): _item_name,
}


def _fields(record):
    rows = []
    for field in record._meta.concrete_fields:
        if field.name in _SKIPPED:
            continue
        show = _SHOWN_AS.get((type(record), field.name))
        if show is _answers:
            rows += show(record)
        elif show is not None:
            rows.append((field_label(field), show(record)))
        else:
            rows.append((field_label(field), _value(record, field)))
    return rows


def _title(record):
    """What the record is, as its change history names it."""
    if isinstance(record, OutcomeAnswer):
        return f"{_instrument_name(record.measure.instrument)}: {_item_name(record)}"
    if isinstance(record, Extension):
        return ngettext(
            "Extended by %(count)s week", "Extended by %(count)s weeks", record.weeks
        ) % {"count": record.weeks}
    kind = kind_for_model(type(record))
    return str(kind.describe(record) if kind else record)


def _section(title, records):
    return Section(str(title), [(_title(record), _fields(record)) for record in records])


def subject_access(client):
    episodes = SupportEpisode.objects.filter(client=client).order_by("opened_at")
    return [
        _section(gettext("Client record"), [client]),
        _section(gettext("Consent"), client.consents.order_by("decided_on", "pk")),
        _section(
            gettext("Referrals"),
            Referral.objects.filter(scheme=client.scheme, nhs_number=client.nhs_number).order_by(
                "submitted_at"
            ),
        ),
        _section(gettext("Risk assessments"), client.assessments.order_by("created_at")),
        _section(gettext("Goals"), client.goals.all()),
        _section(gettext("Outcome measures"), client.measures.order_by("taken_on", "pk")),
        _section(
            gettext("Outcome measure answers"),
            [
                answer
                for measure in client.measures.prefetch_related("answers")
                for answer in measure.answers.all()
            ],
        ),  # fmt: skip
        _section(gettext("Support episodes"), episodes),
        *[
            _section(title, model.objects.filter(episode__in=episodes).order_by("pk"))
            for title, model in EPISODE_PARTS
        ],
        _section(
            gettext("Information shared about them"),
            SharingLogEntry.objects.filter(client=client),
        ),
    ]


def as_json(sections):
    return {section.title: [dict(fields) for _, fields in section.records] for section in sections}
