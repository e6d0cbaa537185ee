"""Care-critical rules behind the headline figures, each on a small dataset counted by hand.

- The share contacted within 72 hours rests only on discharges whose 72 hours have passed
  when the figure is worked out: a discharge too recent to have had its whole window is
  neither a success nor a failure yet.
- A readmission dated before the discharge is not a readmission after it.
- A discharge followed by several readmissions is one discharge readmitted, so the
  percentage can never pass 100.

November 2026 is all GMT: a discharge is taken to be at 12:00 on its day (midday, as the
call schedule assumes), and its 72 hours end at 12:00 three days later.
"""

import datetime

import pytest
import time_machine

from reports.figures import (
    build_report,
    compare_headlines,
    headline_figures,
    last_day_with_window_passed,
)
from reports.period import Period
from tests.factories import HospitalFactory, WardFactory
from tests.reports.conftest import SchemeData, at, day
from visits.models import Readmission

NOVEMBER = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
CONTACTED_LABEL = "Contacted within 72 hours of discharge"


@pytest.fixture
def data(db, scheme, coordinator):
    data = SchemeData(scheme, coordinator)
    data.ward = WardFactory(hospital=HospitalFactory(scheme=scheme, name="Only Hospital"))
    return data


def discharge(data, on):
    """An episode for a new client who went home on `on`, referred the day before."""
    referral = data.referral(
        data.ward, at(on.year, on.month, on.day, 9) - datetime.timedelta(days=1),
        decided_at=at(on.year, on.month, on.day, 10) - datetime.timedelta(days=1),
    )  # fmt: skip
    return data.episode(referral, data.client(), on)


def figures(report, key):
    rows = report.table(key).export_rows(False)
    return {row[0]: row[1:] for row in rows}


# --- Contacted within 72 hours: only discharges whose 72 hours have passed --------------


@pytest.fixture
def november_discharges(data, volunteer):
    """Five discharges in November, each with its first answered call (or none):

    | went home | first answered call | hours | 72 hours end        |
    | 10 Nov    | 11 Nov 10:00        | 22    | 13 Nov 12:00        |
    | 12 Nov    | 16 Nov 12:00        | 96    | 15 Nov 12:00 (late) |
    | 27 Nov    | 28 Nov 09:00        | 21    | 30 Nov 12:00        |
    | 28 Nov    | 29 Nov 10:00        | 22    |  1 Dec 12:00        |
    | 29 Nov    | none yet            |       |  2 Dec 12:00        |
    """
    for went_home, called_at in (
        (day(2026, 11, 10), at(2026, 11, 11, 10)),
        (day(2026, 11, 12), at(2026, 11, 16, 12)),
        (day(2026, 11, 27), at(2026, 11, 28, 9)),
        (day(2026, 11, 28), at(2026, 11, 29, 10)),
        (day(2026, 11, 29), None),
    ):
        episode = discharge(data, went_home)
        if called_at:
            data.contact(episode, called_at, by=volunteer, minutes=10)
    return data


def test_a_discharge_whose_72_hours_have_not_passed_is_not_in_the_denominator(
    november_discharges,
):
    # At 18:00 on 30 November (the period's last day, the dashboard's "so far") only the
    # 10, 12 and 27 November windows are over; the 27th's ended at midday. The 28th was
    # called in time and the 29th (one day before the period ends) not yet: neither counts
    # either way. In time: the 10th and the 27th. 2 of 3, not 3 of 5.
    scheme = november_discharges.scheme
    with time_machine.travel(at(2026, 11, 30, 18, 0), tick=False):
        report = build_report(scheme, NOVEMBER)
        headline = headline_figures(scheme, NOVEMBER)[CONTACTED_LABEL]

    assert figures(report, "contacted_within_72_hours")["All hospitals"] == [3, 2, 66.7]
    assert headline.export_value(suppress=False) == 66.7


def test_once_every_72_hours_have_passed_every_discharge_of_the_period_counts(
    november_discharges,
):
    # On 3 December at midday the 29 November window (to 2 December, 12:00) is over too:
    # all 5 count. In time: the 10th, 27th and 28th; not the 12th (96 hours) nor the 29th
    # (never reached). 3 of 5.
    scheme = november_discharges.scheme
    now = at(2026, 12, 3, 12, 0)

    report = build_report(scheme, NOVEMBER, now=now)
    headline = headline_figures(scheme, NOVEMBER, now=now)[CONTACTED_LABEL]

    assert figures(report, "contacted_within_72_hours")["All hospitals"] == [5, 3, 60.0]
    assert headline.export_value(suppress=False) == 60.0


# --- Readmissions -----------------------------------------------------------------------

# Made in March: every 30- and 60-day window of November has passed.
REPORT_MADE_AT = at(2027, 3, 15, 12, 0)


def readmit(episode, on, coordinator):
    return Readmission.objects.create(
        episode=episode, admitted_on=on, source="ward", recorded_by=coordinator
    )


def test_a_readmission_dated_before_the_discharge_is_not_a_readmission_within_30_or_60_days(
    data, coordinator
):
    # Went home 10 November; the only readmission on record is dated 5 November (before).
    before = discharge(data, day(2026, 11, 10))
    readmit(before, day(2026, 11, 5), coordinator)
    # Went home 12 November; back in hospital the same day (day 0): a readmission.
    same_day = discharge(data, day(2026, 11, 12))
    readmit(same_day, day(2026, 11, 12), coordinator)
    # Went home 14 November; not readmitted.
    discharge(data, day(2026, 11, 14))

    with time_machine.travel(REPORT_MADE_AT, tick=False):
        report = build_report(data.scheme, NOVEMBER)

    # 3 discharges followed up; readmitted: only the same-day one. 1 of 3.
    assert figures(report, "readmissions") == {
        "30 days": [3, 1, 33.3, ""],
        "60 days": [3, 1, 33.3, ""],
    }


def test_several_readmissions_after_one_discharge_count_once_so_never_above_100_percent(
    data, coordinator
):
    # Went home 10 November; readmitted on days 5, 15 and 22 after (15 Nov, 25 Nov, 2 Dec).
    many = discharge(data, day(2026, 11, 10))
    for on in (day(2026, 11, 15), day(2026, 11, 25), day(2026, 12, 2)):
        readmit(many, on, coordinator)
    # Went home 12 November; not readmitted.
    discharge(data, day(2026, 11, 12))

    with time_machine.travel(REPORT_MADE_AT, tick=False):
        report = build_report(data.scheme, NOVEMBER)
        alone = build_report(data.scheme, Period(day(2026, 11, 10), day(2026, 11, 10)))

    # 2 discharges followed up; 1 of them readmitted (three times): 50%, not 3 of 2.
    assert figures(report, "readmissions") == {
        "30 days": [2, 1, 50.0, ""],
        "60 days": [2, 1, 50.0, ""],
    }
    # The thrice-readmitted discharge alone: 1 of 1 is 100%, the most there can be.
    assert figures(alone, "readmissions") == {
        "30 days": [1, 1, 100.0, ""],
        "60 days": [1, 1, 100.0, ""],
    }


def test_the_first_contacts_counted_are_the_discharges_reached_not_every_discharge(
    november_discharges,
):
    # Of the five discharges, four have had a successful contact (the 29th none yet): the
    # median and 90th percentile of the time to it rest on those four.
    report = build_report(november_discharges.scheme, NOVEMBER, now=at(2026, 12, 3, 12, 0))

    all_hospitals = figures(report, "timeliness")["All hospitals"]

    assert all_hospitals[-1] == 4
    # 22, 96, 21 and 22 hours: the median is 22.
    assert all_hospitals[-3] == 22.0


@pytest.mark.parametrize(
    ("now", "last_day"),
    [
        # A discharge on day d is taken at 12:00; its 72 hours end at 12:00 on d + 3.
        (at(2030, 1, 10, 18, 0), day(2030, 1, 7)),
        (at(2030, 1, 10, 12, 0), day(2030, 1, 7)),  # the 7th's window ends at this moment
        (at(2030, 1, 10, 11, 59), day(2030, 1, 6)),
    ],
    ids=["evening", "on-the-stroke", "a-minute-before"],
)
def test_the_last_discharge_day_whose_72_hours_have_passed_is_worked_out_from_the_time_given(
    data, now, last_day
):
    # Any time given, the future's included: the dashboard and the report are worked out
    # as of `now`, never as of the clock.
    assert last_day_with_window_passed(now, data.scheme) == last_day


def test_the_dashboards_comparison_is_worked_out_as_of_the_time_given(november_discharges):
    # At 18:00 on 30 November only three windows have passed: 2 of 3 in time (66.7%), not
    # the 3 of 5 (60%) the clock, days later, would give.
    october = Period(day(2026, 10, 1), day(2026, 10, 31))

    rows = compare_headlines(
        november_discharges.scheme, NOVEMBER, october, now=at(2026, 11, 30, 18, 0)
    )

    contacted = next(row for row in rows if row.label == CONTACTED_LABEL)
    assert contacted.this_period.export_value(suppress=False) == 66.7


def test_last_periods_figures_on_the_dashboard_are_as_of_the_time_given_too(
    november_discharges,
):
    # At 09:00 on 1 December, November is last month: the 28th's window ends at noon, the
    # 29th's tomorrow. In time: the 10th and the 27th of the three whose windows have passed.
    december = Period(day(2026, 12, 1), day(2026, 12, 1))

    rows = compare_headlines(
        november_discharges.scheme, december, NOVEMBER, now=at(2026, 12, 1, 9, 0)
    )

    contacted = next(row for row in rows if row.label == CONTACTED_LABEL)
    assert contacted.last_period.export_value(suppress=False) == 66.7
