"""Outcome measures: scoring with missing answers, and the change from baseline to end."""

import datetime

import pytest

from clients.models import OutcomeMeasure, Timepoint
from clients.outcomes import changes, scores
from clients.services import ClientActionRefused, measure_record

DAY = datetime.date(2026, 11, 1)


def record(client, by, instrument, timepoint, **values):
    return measure_record(
        client=client, instrument=instrument, timepoint=timepoint, taken_on=DAY, values=values,
        by=by,
    )  # fmt: skip


def measures(client):
    return list(client.measures.prefetch_related("answers").order_by("taken_on", "pk"))


def test_the_ucla_total_adds_the_three_items(client_record, coordinator):
    measure = record(client_record, coordinator, "ucla3", Timepoint.BASELINE,
                     companionship=3, left_out=2, isolated=3)  # fmt: skip

    (total,) = scores(measure)

    assert total.value == 8
    assert measure.instrument_version == "Hughes et al. 2004"


def test_a_ucla_measure_with_an_item_missing_has_no_total_rather_than_a_low_one(
    client_record, coordinator
):
    measure = record(client_record, coordinator, "ucla3", Timepoint.BASELINE,
                     companionship=3, left_out=None, isolated=3)  # fmt: skip

    (total,) = scores(measure)

    assert total.value is None
    assert measure.answers.get(item="left_out").value is None


def test_ons4_items_are_reported_separately_and_never_summed(client_record, coordinator):
    measure = record(client_record, coordinator, "ons4", Timepoint.BASELINE,
                     life_satisfaction=6, worthwhile=7, happiness=5, anxiety=None)  # fmt: skip

    values = [score.value for score in scores(measure)]

    assert values == [6, 7, 5, None]


@pytest.mark.parametrize(
    ("instrument", "values"),
    [("ucla3", {"companionship": 4}), ("ucla3", {"left_out": 0}), ("ons4", {"happiness": 11})],
)
def test_an_answer_outside_the_scale_is_refused_and_nothing_is_saved(
    client_record, coordinator, instrument, values
):
    with pytest.raises(ClientActionRefused, match="is not an answer"):
        record(client_record, coordinator, instrument, Timepoint.BASELINE, **values)

    assert not OutcomeMeasure.objects.exists()


def test_the_change_in_loneliness_is_end_minus_baseline_and_lower_is_better(
    client_record, coordinator
):
    record(
        client_record,
        coordinator,
        "ucla3",
        Timepoint.BASELINE,
        companionship=3,
        left_out=3,
        isolated=2,
    )
    record(client_record, coordinator, "ucla3", Timepoint.END,
           companionship=2, left_out=1, isolated=2)  # fmt: skip

    (change,) = changes(measures(client_record), "ucla3")

    assert (change.baseline, change.end, change.difference) == (8, 5, -3)
    assert change.improved is True


def test_less_anxiety_counts_as_better_while_more_happiness_does(client_record, coordinator):
    record(
        client_record,
        coordinator,
        "ons4",
        Timepoint.BASELINE,
        life_satisfaction=4,
        worthwhile=5,
        happiness=3,
        anxiety=8,
    )
    record(client_record, coordinator, "ons4", Timepoint.END,
           life_satisfaction=4, worthwhile=None, happiness=6, anxiety=4)  # fmt: skip

    by_label = {change.label: change for change in changes(measures(client_record), "ons4")}

    assert by_label["Happiness"].improved is True
    assert by_label["Anxiety"].improved is True
    assert by_label["Life satisfaction"].improved is False
    assert by_label["Worthwhile"].difference is None
    assert by_label["Worthwhile"].improved is None


def test_without_both_baseline_and_end_there_is_no_change_to_report(client_record, coordinator):
    record(client_record, coordinator, "ucla3", Timepoint.BASELINE,
           companionship=3, left_out=3, isolated=2)  # fmt: skip

    assert changes(measures(client_record), "ucla3") == []


def test_answers_are_in_history_with_who_recorded_them(client_record, coordinator):
    measure = record(client_record, coordinator, "ucla3", Timepoint.BASELINE,
                     companionship=1, left_out=1, isolated=1)  # fmt: skip

    answer = measure.answers.first()
    assert answer.history.get().history_user == coordinator
