"""Scores of outcome measures and the change between baseline and end, for one client.

Missing answers stay missing: a SUM instrument with any item unanswered has no total (it is
shown as incomplete, never as if the missing item were zero).
"""

from dataclasses import dataclass
from itertools import groupby

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext

from clients.instruments import INSTRUMENTS, SUM, item_lower_is_better
from clients.models import Timepoint

# The key of a summed instrument's one score; an instrument scored item by item uses the
# items' codes.
TOTAL = "total"


@dataclass(frozen=True)
class Score:
    label: str
    value: int | None  # None: not answered, or a total with an item missing
    lower_is_better: bool


def score_keys(definition):
    """The keys of a measure's scores: the total, or each item's code."""
    if definition.scoring == SUM:
        return [TOTAL]
    return [item.code for item in definition.items]


def scored(definition, values):
    """A measure's scores from its answers ({item code: value, or None if unanswered}):
    {key: score}, a total only when every item was answered. What a measure keeps
    (OutcomeMeasure.scores) and what the client's page shows. A score that cannot be given
    is left out, not kept as null: SQLite reads a JSON null as the text "null", which would
    count as zero."""
    answered = [values.get(item.code) for item in definition.items]
    if definition.scoring == SUM:
        return {} if None in answered else {TOTAL: sum(answered)}
    return {
        item.code: value
        for item, value in zip(definition.items, answered, strict=True)
        if value is not None
    }


def scores(measure):
    """The figures a measure reports: one total (SUM) or one per item (SEPARATE)."""
    definition = measure.definition
    kept = scored(definition, {answer.item: answer.value for answer in measure.answers.all()})
    if definition.scoring == SUM:
        return [Score(gettext("Total"), kept.get(TOTAL), definition.lower_is_better)]
    return [
        Score(item.short, kept.get(item.code), item_lower_is_better(definition, item.code))
        for item in definition.items
    ]


def ends_paired(measures):
    """Each end measure among `measures` paired with the baseline it is compared with: the
    client's latest of the same instrument taken on or before it (of two taken the same day,
    the later recorded). One rule for recording a measure (either timepoint: a baseline
    entered late may become an end's), the migration and the seeds."""
    latest_baseline = (
        measures.model._default_manager.filter(
            client=OuterRef("client"),
            instrument=OuterRef("instrument"),
            timepoint=Timepoint.BASELINE,
            taken_on__lte=OuterRef("taken_on"),
        )
        .order_by("-taken_on", "-pk")
        .values("pk")[:1]
    )
    return measures.filter(timepoint=Timepoint.END).update(baseline=Subquery(latest_baseline))


def scores_rebuilt(measure_model, answer_model, batch_size=2000):
    """Every measure's kept scores worked out again from its answers (the migration that
    began keeping them; a measure's answers never change once recorded)."""
    instruments = dict(measure_model._default_manager.values_list("pk", "instrument"))
    answers = (
        answer_model._default_manager.order_by("measure_id")
        .values_list("measure_id", "item", "value")
        .iterator(chunk_size=batch_size * 4)
    )
    batch = []
    for measure_id, rows in groupby(answers, key=lambda row: row[0]):
        definition = INSTRUMENTS[instruments[measure_id]]
        values = {item: value for _, item, value in rows}
        batch.append(measure_model(pk=measure_id, scores=scored(definition, values)))
        if len(batch) == batch_size:
            measure_model._default_manager.bulk_update(batch, ["scores"])
            batch = []
    measure_model._default_manager.bulk_update(batch, ["scores"])


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
    """Baseline against end for one instrument: the latest end measure, and the baseline it
    is paired with (ends_paired: the latest taken on or before it), as the report compares
    them. A baseline taken since, for a new episode of support, waits for its own end.

    `measures` is the client's measures, in the order taken, with answers prefetched. An
    empty list when there is no end measure with a baseline before it: no pair to compare.
    """
    ends = [
        measure
        for measure in measures
        if (measure.instrument, measure.timepoint) == (instrument_code, Timepoint.END)
    ]
    end = ends[-1] if ends else None
    baseline = next((m for m in measures if end and m.pk == end.baseline_id), None)
    if baseline is None:
        return []
    before, after = scores(baseline), scores(end)
    return [
        Change(start.label, start.value, end.value, start.lower_is_better)
        for start, end in zip(before, after, strict=True)
    ]


def all_changes(measures):
    return {code: changes(measures, code) for code in INSTRUMENTS}
