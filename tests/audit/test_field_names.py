"""Every field a person reads by name (a record's change history, a subject access copy) can
be translated: its verbose_name is marked, or, if Django made it from the field's name, it is
listed in aligns/audit/field_names.py for `make messages` to gather."""

from django.utils.functional import Promise

from aligns.audit.field_names import FIELD_NAMES, field_label
from aligns.audit.history import SECRET_FIELD
from aligns.audit.models import SharingLogEntry
from clients.models import (
    Client,
    ConsentRecord,
    Goal,
    OutcomeAnswer,
    OutcomeMeasure,
    RiskAssessment,
)
from records.kinds import KINDS, namers
from records.subject_access import _SKIPPED, EPISODE_PARTS
from referrals.models import Referral
from visits.models import SupportEpisode


def _shown_in_history():
    """The fields each kind of record's change history may show (history.py's _fields)."""
    for kind in KINDS.values():
        model = kind.model_class
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if (
                not field.editable
                or field.primary_key
                or field.name in kind.hidden
                or SECRET_FIELD.search(field.name)
                or (field.is_relation and field.related_model not in namers())
            ):
                continue
            yield model, field


def _shown_in_a_subject_access_copy():
    models = [Client, ConsentRecord, Referral, RiskAssessment, Goal, OutcomeMeasure]
    models += [OutcomeAnswer, SupportEpisode, *(model for _, model in EPISODE_PARTS)]
    for model in [*models, SharingLogEntry]:
        for field in model._meta.concrete_fields:
            if field.name not in _SKIPPED:
                yield model, field


def test_every_field_shown_by_name_can_be_translated():
    unreachable = {
        f"{model._meta.label}.{field.name}: {field.verbose_name}"
        for model, field in [*_shown_in_history(), *_shown_in_a_subject_access_copy()]
        if field._verbose_name is None and field.verbose_name not in FIELD_NAMES
    }

    assert not unreachable, "add to aligns/audit/field_names.py"


def test_every_name_listed_is_a_field_shown_without_a_verbose_name_of_its_own():
    made_by_django = {
        field.verbose_name
        for _, field in [*_shown_in_history(), *_shown_in_a_subject_access_copy()]
        if field._verbose_name is None
    }

    assert not FIELD_NAMES - made_by_django, "no longer needed here: remove"


def test_a_field_reads_by_its_marked_name_or_the_one_django_made():
    assert isinstance(Client._meta.get_field("gp_practice").verbose_name, Promise)
    assert field_label(Client._meta.get_field("gp_practice")) == "GP practice"
    assert field_label(Client._meta.get_field("date_of_birth")) == "Date of birth"
