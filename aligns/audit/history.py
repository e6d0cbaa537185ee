"""A person-readable change history for any model with simple-history: who, when, what."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format

KIND = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: object
    kind: str
    reason: str
    changes: list = field(default_factory=list)


def _display(model_field, value):
    if value in (None, ""):
        return "(blank)"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(value, list):  # many-to-many: a list of through rows as dicts
        return ", ".join(str(list(row.values())[-1]) for row in value) or "(none)"
    return str(value)


def _label(model, name):
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return name.replace("_", " ").capitalize(), None
    return str(model_field.verbose_name).capitalize(), model_field


def history_entries(instance, hidden_fields=()):
    """Newest first. `hidden_fields` are left out of the changes shown (but stay recorded)."""
    model = type(instance)
    records = list(
        instance.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries = []
    for previous, record in zip([None, *records], records, strict=False):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                if change.field in hidden_fields:
                    continue
                label, model_field = _label(model, change.field)
                if model_field is not None and model_field.many_to_one:
                    continue  # an id means nothing to a reader; who acted is shown anyway
                changes.append(
                    Change(
                        label, _display(model_field, change.old), _display(model_field, change.new)
                    )
                )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                kind=KIND.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries[::-1]
