"""Outcome measures: scoring with missing answers, and the change from baseline to end."""

import datetime
import threading
from datetime import timedelta

import pytest
from django.db import OperationalError, connection

from clients.models import OutcomeMeasure, Timepoint
from clients.outcomes import changes, scores
from clients.services import ClientActionRefused, measure_record
from reports.figures import build_report
from reports.period import Period
from tests.concurrency import holding, without_waiting
from tests.factories import ClientFactory, CoordinatorFactory

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


# --- The pairs the report compares (each end measure keeps its scores and its baseline) ----

QUARTER = Period.quarter_containing(DAY)


def ucla(client, by, timepoint, taken_on, total_of_three):
    """A UCLA measure whose three items add up to `total_of_three` (3 to 9)."""
    first = min(total_of_three - 2, 3)
    second = min(total_of_three - first - 1, 3)
    return measure_record(
        client=client, instrument="ucla3", timepoint=timepoint, taken_on=taken_on, by=by,
        values={"companionship": first, "left_out": second,
                "isolated": total_of_three - first - second},
    )  # fmt: skip


def loneliness_pairs(scheme):
    """The report's UCLA row: pairs, mean at baseline, mean at end, mean change."""
    rows = build_report(scheme, QUARTER).table("outcomes").export_rows(False)
    (row,) = [row for row in rows if row[0].startswith("UCLA")]
    return row[2:6]


def test_a_baseline_entered_after_the_end_measure_is_the_one_the_report_compares_it_with(
    client_record, coordinator
):
    end = ucla(client_record, coordinator, Timepoint.END, DAY, 5)
    assert end.baseline is None
    assert loneliness_pairs(client_record.scheme)[0] == 0

    baseline = ucla(client_record, coordinator, Timepoint.BASELINE, DAY - timedelta(days=30), 9)

    end.refresh_from_db()
    assert end.baseline == baseline
    assert loneliness_pairs(client_record.scheme) == [1, 9.0, 5.0, -4.0]


def test_a_baseline_taken_after_the_end_measure_does_not_replace_the_one_before_it(
    client_record, coordinator
):
    ucla(client_record, coordinator, Timepoint.BASELINE, DAY - timedelta(days=30), 9)
    ucla(client_record, coordinator, Timepoint.END, DAY, 5)
    # A new episode of support, a month later: its baseline is for the next end measure.
    ucla(client_record, coordinator, Timepoint.BASELINE, DAY + timedelta(days=1), 3)

    assert loneliness_pairs(client_record.scheme) == [1, 9.0, 5.0, -4.0]


def test_of_two_baselines_taken_the_same_day_the_end_is_compared_with_the_later_recorded(
    client_record, coordinator
):
    # Taken the same day as the end measure: on or before it.
    ucla(client_record, coordinator, Timepoint.BASELINE, DAY, 9)
    end = ucla(client_record, coordinator, Timepoint.END, DAY, 5)
    corrected = ucla(client_record, coordinator, Timepoint.BASELINE, DAY, 8)

    end.refresh_from_db()
    assert end.baseline == corrected
    assert loneliness_pairs(client_record.scheme) == [1, 8.0, 5.0, -3.0]


def test_an_end_is_paired_only_with_a_baseline_of_its_own_client_and_instrument(
    client_record, coordinator, scheme
):
    other = ClientFactory(scheme=scheme)
    ucla(other, coordinator, Timepoint.BASELINE, DAY - timedelta(days=30), 9)
    measure_record(
        client=client_record, instrument="ons4", timepoint=Timepoint.BASELINE, by=coordinator,
        taken_on=DAY - timedelta(days=30),
        values={"life_satisfaction": 5, "worthwhile": 5, "happiness": 5, "anxiety": 5},
    )  # fmt: skip

    end = ucla(client_record, coordinator, Timepoint.END, DAY, 5)

    assert end.baseline is None
    assert loneliness_pairs(scheme)[0] == 0


def test_a_score_that_cannot_be_given_is_kept_as_absent_never_as_zero(client_record, coordinator):
    total_missing = record(client_record, coordinator, "ucla3", Timepoint.BASELINE,
                           companionship=3, left_out=None, isolated=3)  # fmt: skip
    item_missing = record(client_record, coordinator, "ons4", Timepoint.BASELINE,
                          life_satisfaction=0, worthwhile=7, happiness=5, anxiety=None)  # fmt: skip

    assert total_missing.scores == {}
    assert item_missing.scores == {"life_satisfaction": 0, "worthwhile": 7, "happiness": 5}


def test_a_baseline_taken_for_new_support_is_not_compared_with_the_end_of_the_last(
    client_record, coordinator
):
    ucla(client_record, coordinator, Timepoint.BASELINE, DAY - timedelta(days=60), 9)
    ucla(client_record, coordinator, Timepoint.END, DAY - timedelta(days=10), 5)
    ucla(client_record, coordinator, Timepoint.BASELINE, DAY, 3)  # readmitted, supported again

    (change,) = changes(measures(client_record), "ucla3")

    # The client's page and the summary shared with the GP compare as the report does.
    assert (change.baseline, change.end, change.difference) == (9, 5, -4)
    assert loneliness_pairs(client_record.scheme) == [1, 9.0, 5.0, -4.0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
def test_an_end_recorded_while_its_baseline_is_still_being_recorded_is_paired_with_it():
    """The end waits for the baseline's transaction (the client's row lock) and pairs with it.
    Without the lock each pairs before the other is committed and the end stays unpaired.
    SQLite serialises the two writes anyway, so this runs on PostgreSQL only (as in CI)."""
    client_record = ClientFactory()
    coordinator = CoordinatorFactory(scheme=client_record.scheme)
    ucla = {"companionship": 3, "left_out": 3, "isolated": 3}
    baselines = []
    release = holding(
        lambda: baselines.append(
            record(client_record, coordinator, "ucla3", Timepoint.BASELINE, **ucla)
        )
    )
    threading.Timer(1.0, release).start()

    end = record(client_record, coordinator, "ucla3", Timepoint.END, **ucla)
    release()

    assert end.baseline_id == baselines[0].pk


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
def test_recording_one_clients_measure_does_not_wait_for_another_clients():
    """Two coordinators recording measures of two clients at once: each pairs only its own
    client's measures, so neither waits for the other's rows."""
    ours, theirs = ClientFactory(), ClientFactory()
    coordinator = CoordinatorFactory(scheme=ours.scheme)
    ucla = {"companionship": 2, "left_out": 2, "isolated": 2}
    record(theirs, coordinator, "ucla3", Timepoint.END, **ucla)
    # Their baseline entered late pairs (and so locks) their end measure, until committed.
    release = holding(lambda: record(theirs, coordinator, "ucla3", Timepoint.BASELINE, **ucla))
    try:
        end = without_waiting(lambda: record(ours, coordinator, "ucla3", Timepoint.END, **ucla))
    except OperationalError as waited:
        pytest.fail(f"Recording one client's measure waited for another's: {waited}")
    finally:
        release()
    assert end.client == ours
