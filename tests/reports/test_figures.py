"""Every figure of the commissioner report against the hand-built scheme in conftest.py,
whose right answers are worked out beside each assertion."""

import pytest

from reports.figures import Cell, build_report
from tests.reports.conftest import QUARTER

pytestmark = pytest.mark.usefixtures("report_made_now")


@pytest.fixture
def report(hand_built):
    return build_report(hand_built.scheme, QUARTER)


def figures(report, key, suppress=False):
    """The table as {first column: [its other cells' values]} for easy comparison."""
    rows = report.table(key).export_rows(suppress)
    return {row[0]: row[1:] for row in rows}


def column(report, key, index=0):
    return {label: values[index] for label, values in figures(report, key).items()}


def test_referrals_are_counted_in_the_quarter_received_including_its_last_minutes(report):
    # In: r1 (accepted), r2 (declined), r3 (withdrawn), r4 (23:30 on 31 December, awaiting),
    # r7 and r8 (accepted). Out: r0, r6 (23:59 on 30 September), r5 (00:30 on 1 January).
    assert column(report, "referrals") == {
        "Received": 6,
        "Accepted": 3,
        "Declined": 1,
        "Withdrawn by the ward": 1,
        "Awaiting a decision": 1,
    }
    assert column(report, "decline_reasons")["Out of the scheme's area"] == 1
    assert sum(column(report, "decline_reasons").values()) == 1


def test_referrals_are_broken_down_by_hospital_ward_role_and_month(report):
    assert figures(report, "referrals_by_hospital") == {
        "North Hospital": [4, 2, 1, 1, 0],  # r1, r2, r3, r8
        "South Hospital": [2, 1, 0, 0, 1],  # r4, r7
    }
    wards = {
        (row[0], row[1]): row[2] for row in report.table("referrals_by_ward").export_rows(False)
    }
    assert wards == {
        ("North Hospital", "Ward 1"): 2,
        ("North Hospital", "Ward 2"): 2,
        ("South Hospital", "Ward 3"): 2,
    }
    # "Staff nurse" and "  staff NURSE " are one role.
    roles = column(report, "referrals_by_role")
    assert roles["Staff nurse"] == 4
    assert roles["Discharge coordinator"] == 1
    assert figures(report, "referrals_by_month") == {
        "October 2026": [2, 1, 1, 0, 0],
        "November 2026": [2, 1, 0, 1, 0],
        "December 2026": [2, 1, 0, 0, 1],
    }


def test_the_monthly_chart_splits_each_months_referrals_by_what_became_of_them(report):
    chart = report.table("referrals_by_month").chart_data(suppress=False)
    assert chart["stacked"]
    assert chart["labels"] == ["October 2026", "November 2026", "December 2026"]
    assert {dataset["label"]: dataset["values"] for dataset in chart["datasets"]} == {
        "Accepted": [1, 1, 1],
        "Declined": [1, 0, 0],
        "Withdrawn": [0, 1, 0],
        "Awaiting a decision": [0, 0, 1],
    }
    # Hidden counts are gaps in the chart, not numbers.
    hidden = report.table("referrals_by_month").chart_data(suppress=True)
    assert hidden["datasets"][0]["values"] == [None, None, None]


def test_time_to_triage_decision_median_and_90th_percentile(report):
    # Decided in the quarter: 0.5, 2, 4 and 10 hours. Median 3; 90th percentile
    # (interpolated at 0.9 x 3 = 2.7 places along) 4 + 0.7 x 6 = 8.2.
    everyone = figures(report, "timeliness")["All hospitals"]
    assert everyone[0:3] == [3.0, 8.2, 4]
    north = figures(report, "timeliness")["North Hospital"]
    assert north[0:3] == [2.0, 3.6, 3]  # 0.5, 2 and 4 hours


def test_time_from_discharge_to_first_successful_contact(report):
    # e1: 72.5 hours (midday BST is 11:00 UTC); e7: 3 hours; e8: exactly 72 hours.
    # Median 72; 90th percentile 72 + 0.8 x 0.5 = 72.4. The unanswered call does not count.
    everyone = figures(report, "timeliness")["All hospitals"]
    assert everyone[3:6] == [72.0, 72.4, 3]


def test_contacted_within_72_hours_counts_exactly_72_hours_and_not_72_and_a_half(report):
    assert figures(report, "contacted_within_72_hours") == {
        "All hospitals": [3, 2, 66.7],  # e7 and e8 in time; e1 not
        "North Hospital": [2, 1, 50.0],
        "South Hospital": [1, 1, 100.0],
    }
    assert column(report, "time_to_first_contact") == {
        "Within 24 hours": 1,
        "24 to 48 hours": 0,
        "48 to 72 hours": 1,
        "More than 72 hours": 1,
        "No successful contact yet": 0,
    }


def test_people_supported_counts_a_client_with_two_episodes_once(report):
    # e6 (from September), e1, e7, e8; e0 ended in September. Client A had e1 and e8.
    assert column(report, "people_supported") == {
        "Episodes of support": 4,
        "Unique clients": 3,
        "New episodes": 3,
        "Continuing episodes": 1,
    }


def test_demographics_are_of_unique_clients_supported(report):
    # A turns 85 on 31 December; B is 84; C is 46. D (not supported) is not counted.
    assert column(report, "age_bands") == {
        "Under 50": 1,
        "50 to 64": 0,
        "65 to 74": 0,
        "75 to 84": 1,
        "85 and over": 1,
    }
    genders = column(report, "gender")
    assert (genders["Female"], genders["Male"], genders["Not asked yet"]) == (1, 1, 1)
    ethnicity = {row[0]: row[2] for row in report.table("ethnicity").export_rows(False)}
    assert (ethnicity["A"], ethnicity["Z"], ethnicity[""]) == (1, 1, 1)
    assert sum(ethnicity.values()) == 3
    assert column(report, "postcode_districts") == {"RV1": 2, "RV10": 1}


def test_calls_visits_and_hours(report):
    assert figures(report, "activity") == {
        "Phone calls": [4, 2, round(50 / 60, 1)],
        "Home visits": [2, 1, 1.0],
        "All calls and visits": [6, 3, round(110 / 60, 1)],
    }
    # Volunteers 1 and 2 logged calls; the coordinator's visit is not volunteer time.
    assert column(report, "volunteers") == {
        "Active volunteers": 2,
        "Volunteer hours": round(50 / 60, 1),
    }
    activities = column(report, "activity_types")
    assert (activities["Shopping"], activities["Collecting prescriptions"]) == (2, 2)
    assert sum(activities.values()) == 4


def test_episodes_closed_by_outcome_with_median_length_and_extensions(report):
    outcomes = column(report, "episodes_closed")
    assert (outcomes["Goals met"], outcomes["Readmitted"]) == (1, 1)
    assert sum(outcomes.values()) == 2  # e0 closed in September
    assert column(report, "episode_length") == {
        "Episodes closed": 2,
        "Median length of support (days)": 32.5,  # 23 and 42 days
        "Extensions agreed": 1,  # e6's was agreed in September
        "Episodes extended": 1,
        "Weeks added by extensions": 2,
    }


def test_readmission_on_day_30_counts_within_30_days_and_day_31_only_within_60(report):
    assert figures(report, "readmissions") == {
        "30 days": [3, 1, 33.3, 12.5],
        "60 days": [3, 2, 66.7, ""],  # no 60-day comparison figure set
    }


def test_outcome_change_uses_pairs_with_both_scores_and_never_counts_missing_as_zero(report):
    outcomes = figures(report, "outcomes")
    # Columns: better, pairs, mean baseline, mean end, mean change, improved, % improved.
    assert outcomes["UCLA three-item loneliness scale: total"] == [
        "Lower", 1, 7.0, 4.0, -3.0, 1, 100.0,
    ]  # fmt: skip
    assert outcomes["ONS4 personal wellbeing: Life satisfaction"] == [
        "Higher", 2, 4.5, 6.5, 2.0, 2, 100.0,
    ]  # fmt: skip
    assert outcomes["ONS4 personal wellbeing: Worthwhile"] == [
        "Higher", 2, 5.0, 5.0, 0.0, 1, 50.0,
    ]  # fmt: skip
    assert outcomes["ONS4 personal wellbeing: Happiness"][1:6] == [2, 4.0, 4.0, 0.0, 0]
    assert outcomes["ONS4 personal wellbeing: Anxiety"] == [
        "Lower", 1, 5.0, 2.0, -3.0, 1, 100.0,
    ]  # fmt: skip


def test_concerns_and_onward_referrals_in_the_quarter(report):
    concerns = column(report, "concerns")
    assert (concerns["Health getting worse"], concerns["Safeguarding"]) == (1, 1)
    assert sum(concerns.values()) == 2
    onward = figures(report, "onward_referrals")
    assert onward["Community transport"] == [1, 1]
    assert onward["Befriending and good neighbours"] == [1, 0]
    assert sum(made for made, _ in onward.values()) == 2


def test_small_numbers_hide_counts_of_one_to_four_and_rates_resting_on_them(report, hand_built):
    shared = build_report(hand_built.scheme, QUARTER, suppress_small_numbers=True)
    hidden = figures(shared, "contacted_within_72_hours", suppress=True)["All hospitals"]
    assert hidden == ["<5", "<5", "n<5"]
    referrals = column(report, "referrals") | {}
    suppressed = {
        label: values[0] for label, values in figures(shared, "referrals", suppress=True).items()
    }
    # 6 is not small, but shown it would give Accepted away: the four outcomes are each at
    # least 1, so Accepted is at most 3, and three months each accepted at least 1.
    assert suppressed["Received"] == "[c]"
    assert suppressed["Accepted"] == "<5"
    assert referrals["Accepted"] == 3
    assert column(report, "age_bands")["50 to 64"] == 0
    assert figures(report, "age_bands", suppress=True)["50 to 64"] == [0]  # zero is shown


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (Cell(4), "<5"),
        (Cell(5), 5),
        (Cell(0), 0),
        (Cell(42.0, "percent", base=4), "n<5"),
        (Cell(42.0, "percent", base=5), 42.0),
        (Cell(None, "hours", base=0), ""),
    ],
)
def test_suppression_boundary(cell, shown):
    assert cell.export_value(suppress=True) == shown


def test_the_report_holds_no_names_or_nhs_numbers(report, hand_built):
    cells = [
        str(value) for table in report.tables for row in table.export_rows(False) for value in row
    ]
    client = hand_built.records["a"]
    text = " ".join(cells)
    assert client.family_name not in text
    assert client.nhs_number not in text


@pytest.mark.parametrize(
    ("part", "whole", "hidden"),
    [
        (1, 5, True), (4, 5, True), (5, 9, True), (5, 10, False), (0, 6, False), (6, 6, False),
        (1, 10, True), (0, 3, True), (0, 0, False),
    ],
    ids=[
        "one-of-five", "four-of-five", "four-not", "five-of-ten", "none", "all",
        "one-of-ten", "none-of-three", "nothing-to-count",
    ],
)  # fmt: skip
def test_a_percentage_is_hidden_when_it_would_give_away_a_small_count(part, whole, hidden):
    # 1 of 10 gives away the one; 0 of 3 gives away the three not reached; 0 of 0 is no
    # figure at all ("No data"), which gives nothing away.
    from reports.figures import _percent

    assert (_percent(part, whole).export_value(suppress=True) == "n<5") is hidden


def test_a_percentage_reads_as_one():
    from reports.figures import _percent

    assert _percent(2, 3).display() == "66.7%"
    assert _percent(0, 0).display() == "No data"


def test_a_discharge_is_followed_up_for_30_days_only_once_day_30_is_over(hand_built, time_machine):
    from datetime import datetime

    from reports.period import Period
    from tests.reports.conftest import LONDON

    episode = hand_built.records["e8"]  # discharged 29 December, not readmitted
    period = Period(episode.start_date, episode.start_date)
    time_machine.move_to(datetime(2027, 1, 28, 23, 30, tzinfo=LONDON))  # day 30
    assert figures(build_report(hand_built.scheme, period), "readmissions")["30 days"][0] == 0
    time_machine.move_to(datetime(2027, 1, 29, 0, 30, tzinfo=LONDON))  # day 31
    assert figures(build_report(hand_built.scheme, period), "readmissions")["30 days"][0] == 1
