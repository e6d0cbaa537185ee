"""Everything the scheme holds about one client, for a subject access request (UK GDPR
Article 15): their record, consents, assessments, goals, measures, referrals, episodes with
every call, visit and concern, and the information-sharing log entries about them.

Each record is listed field by field with the field's own label and the value as a person
reads it, so nothing needs translating; the same data goes into the JSON file.
"""

from dataclasses import dataclass

from django.db import models

from aligns.audit.models import SharingLogEntry
from referrals.models import Referral
from visits.models import (
    Concern,
    Contact,
    Extension,
    OnwardReferral,
    Readmission,
    SupportEpisode,
)

# Internal bookkeeping, not information about the person.
_SKIPPED = {"id", "scheme", "client", "episode", "measure", "preferred_times", "availability"}


# What happened during support, each kind in its own section.
EPISODE_PARTS = [
    ("Calls and visits", Contact),
    ("Concerns", Concern),
    ("Readmissions", Readmission),
    ("Extensions", Extension),
    ("Onward referrals", OnwardReferral),
]


@dataclass
class Section:
    title: str
    records: list  # [(record title, [(label, value), ...]), ...]


def _value(record, field):
    if field.choices:
        return getattr(record, f"get_{field.name}_display")()
    value = getattr(record, field.name)
    if value is None or value == "":
        return ""
    if isinstance(field, models.ForeignKey):
        return str(value)
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, models.JSONField):
        return value
    return field.value_to_string(record) if not isinstance(value, str) else value


def _fields(record):
    return [
        (str(field.verbose_name).capitalize(), _value(record, field))
        for field in record._meta.concrete_fields
        if field.name not in _SKIPPED
    ]


def _section(title, records):
    return Section(title, [(str(record), _fields(record)) for record in records])


def subject_access(client):
    episodes = SupportEpisode.objects.filter(client=client).order_by("opened_at")
    return [
        _section("Client record", [client]),
        _section("Consent", client.consents.order_by("decided_on", "pk")),
        _section(
            "Referrals",
            Referral.objects.filter(scheme=client.scheme, nhs_number=client.nhs_number).order_by(
                "submitted_at"
            ),
        ),
        _section("Risk assessments", client.assessments.order_by("created_at")),
        _section("Goals", client.goals.all()),
        _section("Outcome measures", client.measures.order_by("taken_on", "pk")),
        _section(
            "Outcome measure answers",
            [
                answer
                for measure in client.measures.prefetch_related("answers")
                for answer in measure.answers.all()
            ],
        ),  # fmt: skip
        _section("Support episodes", episodes),
        *[
            _section(title, model.objects.filter(episode__in=episodes).order_by("pk"))
            for title, model in EPISODE_PARTS
        ],
        _section("Information shared about them", SharingLogEntry.objects.filter(client=client)),
    ]


def as_json(sections):
    return {section.title: [dict(fields) for _, fields in section.records] for section in sections}
