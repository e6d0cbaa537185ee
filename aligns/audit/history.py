"""A person-readable change history for any model with simple-history: who, when, what.

`history_entries(instance)` is the history shown on a page about one record. The managers'
change-history page (records/kinds.py) builds on the same `entries_from_records`, giving
it the names of linked records and asking for the values each record was created with.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import ForeignKey, Q
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from aligns.audit.field_names import field_label
from aligns.dates import date_at

KIND = {
    "+": pgettext_lazy("change history", "Created"),
    "~": pgettext_lazy("change history", "Changed"),
    "-": pgettext_lazy("change history", "Deleted"),
}

# Fields never shown, whatever the model: secrets, and values only a machine can read. (A
# model's history should exclude them in the first place, as User's does its password.)
SECRET_FIELD = re.compile(r"password|secret|token|otp|hash|(^|_)key($|_)", re.IGNORECASE)

# A linked record that no longer exists, or is outside the viewer's scheme.
NOT_AVAILABLE = gettext_lazy("(not available)")

# In place of an old value: the value a record was created with.
CREATED = object()
# What an empty value reads as: "Reviewed by: Sam Jones → not set".
BLANK = gettext_lazy("not set")


@dataclass
class Change:
    label: str
    old: str | None  # None: the value the record was created with, so nothing came before
    new: str

    @property
    def first_set(self):
        """Nothing came before: shown as the value alone ("Decided at: 4 December 2026 at
        2:30pm"), not as a change from nothing."""
        return self.old is None or self.old == BLANK


@dataclass
class HistoryEntry:
    when: object
    who: object
    kind: str
    reason: str
    changes: list = field(default_factory=list)


def _display(model_field, value):
    if value in (None, ""):
        return str(BLANK)
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return date_at(value)
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)


def _is_blank(value):
    return value is None or value == "" or value == {} or value == [] or value == frozenset()


@dataclass(frozen=True)
class Namer:
    """How to name records of one model: `name(obj)`, read with `related` joined, and
    `scheme`, the lookup from the record to its scheme's id ("" for lists every scheme shares).
    """

    name: object
    scheme: str
    related: tuple = ()


class Names:
    """Names for linked records: ask for each with `want`, then `load` reads them with one
    query per model, and only records of `scheme_id` (or of no scheme, for shared lists)."""

    def __init__(self, namers, scheme_id):
        self.namers = namers
        self.scheme_id = scheme_id
        self._wanted = defaultdict(set)
        self._names = {}

    def knows(self, model):
        return model in self.namers

    def want(self, model, pk):
        if pk is not None and self.knows(model):
            self._wanted[model].add(pk)

    def load(self):
        for model, pks in self._wanted.items():
            namer = self.namers[model]
            found = model._base_manager.filter(pk__in=pks).select_related(*namer.related)
            if namer.scheme:
                found = found.filter(Q(**{namer.scheme: self.scheme_id}))
            for obj in found:
                self._names[model, obj.pk] = str(namer.name(obj))
        self._wanted.clear()

    def name(self, model, pk):
        if pk is None:
            return str(BLANK)
        return self._names.get((model, pk)) or str(NOT_AVAILABLE)


def _fields(record, hidden_fields, names):
    """The tracked fields a reader is shown: not secret, not hidden; a link only if nameable."""
    shown = []
    for model_field in record.tracked_fields:
        if (
            not model_field.editable
            or model_field.primary_key
            or model_field.name in hidden_fields
            or SECRET_FIELD.search(model_field.name)
        ):
            continue
        if isinstance(model_field, ForeignKey) and (
            names is None or not names.knows(model_field.related_model)
        ):
            continue  # an id means nothing to a reader
        shown.append(model_field)
    return shown


def _m2m_values(records, hidden_fields, names):
    """{many-to-many field: {history id: the related ids then}}, one query per field.

    (simple-history's own diff reads them with two queries per pair of rows.)
    """
    values = {}
    history_model = type(records[0])
    for m2m_field in history_model._history_m2m_fields:
        target = m2m_field.related_model
        if m2m_field.name in hidden_fields or names is None or not names.knows(target):
            continue
        through = getattr(history_model, m2m_field.name).model
        column = through._meta.get_field(m2m_field.m2m_reverse_field_name()).attname
        rows = through.objects.filter(history_id__in=[r.history_id for r in records])
        by_record = defaultdict(frozenset)
        for history_id, related_id in rows.values_list("history_id", column):
            by_record[history_id] |= {related_id}
        values[m2m_field] = by_record
    return values


def _value(record, model_field, m2m):
    if model_field in m2m:
        return m2m[model_field][record.history_id]
    return getattr(record, model_field.attname)


def _want(names, model_field, value, m2m):
    if value is CREATED:
        return
    if model_field in m2m:
        for pk in value:
            names.want(model_field.related_model, pk)
    elif isinstance(model_field, ForeignKey):
        names.want(model_field.related_model, value)


def _show(model_field, value, names, m2m):
    if model_field in m2m:
        shown = sorted(names.name(model_field.related_model, pk) for pk in value)
        return ", ".join(shown) or gettext("(none)")
    if isinstance(model_field, ForeignKey):
        return names.name(model_field.related_model, value)
    return _display(model_field, value)


def history_entries(instance, hidden_fields=()):
    """Newest first. `hidden_fields` are left out of the changes shown (but stay recorded)."""
    records = list(
        instance.history.select_related("history_user").order_by("history_date", "history_id")
    )
    return entries_from_records(records, hidden_fields=hidden_fields)


def entries_from_records(
    records, *, hidden_fields=(), names=None, expanders=None, show_created=False
):
    """Entries (newest first) from one record's history rows, given oldest first with
    history_user selected. A fixed number of queries, however many rows.

    `names` (a Names) names linked records: without it, changes of links are left out.
    `expanders`: {field name: function(label, old, new) -> [Change]}, for a value that is more
    than one thing to a reader (the answers of an assessment, a weekly grid); old is None for
    the value the record was created with. `show_created`: list the values it was created with.
    """
    if not records:
        return []
    expanders = expanders or {}
    fields = _fields(records[0], hidden_fields, names)
    m2m = _m2m_values(records, hidden_fields, names)

    raw = []  # per row: [(field, old, new)], old CREATED for a value it was created with
    for previous, record in zip([None, *records], records, strict=False):
        changes = []
        for model_field in [*fields, *m2m]:
            new = _value(record, model_field, m2m)
            if previous is None:
                if show_created and not _is_blank(new):
                    changes.append((model_field, CREATED, new))
                continue
            old = _value(previous, model_field, m2m)
            if old != new:
                changes.append((model_field, old, new))
        raw.append(changes)
        if names is not None:
            for model_field, old, new in changes:
                for value in (old, new):
                    _want(names, model_field, value, m2m)
    if names is not None:
        names.load()

    entries = []
    for record, changes in zip(records, raw, strict=True):
        shown = []
        for model_field, old, new in changes:
            label = field_label(model_field)
            if model_field.name in expanders:
                old = None if old is CREATED else old
                shown.extend(expanders[model_field.name](label, old, new))
                continue
            old_text = None if old is CREATED else _show(model_field, old, names, m2m)
            shown.append(Change(label, old_text, _show(model_field, new, names, m2m)))
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                kind=KIND.get(record.history_type, record.history_type),
                # Reasons the code gives are stored in English, marked for translating
                # (gettext_noop) where they are given, and read here in the reader's language.
                reason=gettext(record.history_change_reason)
                if record.history_change_reason
                else "",
                changes=shown,
            )
        )
    return entries[::-1]
