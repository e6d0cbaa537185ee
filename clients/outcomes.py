"""Scores of outcome measures and the change between baseline and end, for one client.

Missing answers stay missing: a SUM instrument with any item unanswered has no total (it is
shown as incomplete, never as if the missing item were zero).
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from clients.instruments import INSTRUMENTS, SUM, item_lower_is_better
from clients.models import Timepoint


@dataclass(frozen=True)
class Score:
    label: str
    value: int | None  # None: not answered, or a total with an item missing
    lower_is_better: bool


def scores(measure):
    """The figures a measure reports: one total (SUM) or one per item (SEPARATE)."""
    definition = measure.definition
    values = {answer.item: answer.value for answer in measure.answers.all()}
    if definition.scoring == SUM:
        answered = [values.get(item.code) for item in definition.items]
        total = None if None in answered else sum(answered)
        return [Score(gettext("Total"), total, definition.lower_is_better)]
    return [
        Score(item.short, values.get(item.code), item_lower_is_better(definition, item.code))
        for item in definition.items
    ]


@dataclass(frozen=True)
class Change:
    label: str
    baseline: int | None
    end: int | None
    lower_is_better: bool

    @property
    def difference(self):
        if self.baseline is None or self.end is None:
            return None
        return self.end - self.baseline

    @property
    def improved(self):
        if self.difference is None:
            return None
        return self.difference < 0 if self.lower_is_better else self.difference > 0


def changes(measures, instrument_code):
    """Baseline against end for one instrument, from the latest measure at each timepoint.

    `measures` is the client's measures with answers prefetched. An empty list when either
    timepoint is missing: there is no pair to compare.
    """
    latest = {}
    for measure in measures:
        if measure.instrument == instrument_code:
            latest[measure.timepoint] = measure  # measures are ordered by date taken
    if Timepoint.BASELINE not in latest or Timepoint.END not in latest:
        return []
    before, after = scores(latest[Timepoint.BASELINE]), scores(latest[Timepoint.END])
    return [
        Change(start.label, start.value, end.value, start.lower_is_better)
        for start, end in zip(before, after, strict=True)
    ]


def all_changes(measures):
    return {code: changes(measures, code) for code in INSTRUMENTS}
