"""Secondary suppression: with small numbers hidden, no hidden count can be worked out from
what the report shows.

The reader here is written apart from reports/suppression.py: it knows that '<5' is 1 to 4
and '[c]' is 0 or 5 or more, and works through every sum the report states, and the percentages
beside their counts, solving any sum with one unknown and narrowing each unknown's range
from the others', until nothing changes. A hidden count it pins down is given away (unless
it is 0: zeros are shown anyway).
"""

from math import inf

import pytest

from referrals.models import DeclineReason, Status
from reports import figures
from reports.figures import Cell, Table, _percent, build_report, rows_add_up, withhold_secondary
from reports.suppression import withhold
from tests.factories import HospitalFactory, ReferralFactory, WardFactory
from tests.reports.conftest import QUARTER, SchemeData, at, day

pytestmark = pytest.mark.usefixtures("report_made_now")

# Sums the reader knows from what the tables say, written out here rather than taken from
# the tables' own declarations: the referral outcomes (received is the four outcomes added
# up, in every row; each column adds up to the referrals table), and the referrals decided.
OUTCOMES = range(4)


def stated_sums(report):
    """Every sum the report's tables declare, and the referral sums written out above."""
    sums = []
    for table in report.tables:
        for total, parts in table.sums:
            sums.append((_placed(table.key, total), [_placed(table.key, p) for p in parts]))
    received = [("referrals", row, 1) for row in range(1, 5)]
    sums.append((("referrals", 0, 1), received))
    for key, first in (("referrals_by_hospital", 1), ("referrals_by_role", 1)):
        rows = range(len(report.table(key).rows))
        for row in rows:
            parts = [(key, row, first + 1 + outcome) for outcome in OUTCOMES]
            sums.append(((key, row, first), parts))
        for offset in range(5):
            sums.append((("referrals", offset, 1), [(key, row, first + offset) for row in rows]))
    # Referrals decided (timeliness) are those accepted and those declined, in all and for
    # each hospital, found by its name.
    sums.append((("timeliness", 0, 3), [("referrals", 1, 1), ("referrals", 2, 1)]))
    by_hospital = report.table("referrals_by_hospital").rows
    hospitals = {row[0]: index for index, row in enumerate(by_hospital)}
    for index, row in enumerate(report.table("timeliness").rows[1:], start=1):
        hospital = hospitals[row[0]]
        sums.append(
            (("timeliness", index, 3),
             [("referrals_by_hospital", hospital, 2), ("referrals_by_hospital", hospital, 3)])
        )  # fmt: skip
    return sums


def _placed(key, position):
    return position if len(position) == 3 else (key, *position)


def what_is_shown(report):
    """{(table, row, column): value or marker} for every count and percentage."""
    shown = {}
    for table in report.tables:
        for row_index, row in enumerate(table.export_rows(True)):
            for column, value in enumerate(row):
                if column in table.figure_columns():
                    shown[(table.key, row_index, column)] = value
    return shown


def worked_out(shown, sums, rates=()):
    """The hidden counts the reader can pin down: {position: value}. Beside each rate's two
    counts the reader also works on the group no table shows, the whole less the part
    (discharges not contacted in time): given away if it comes out as 1 to 4."""
    shown, sums = dict(shown), list(sums)
    for _, (whole, part) in rates:
        rest = (*whole, "rest")
        shown[rest] = UNSEEN
        sums.append((whole, [part, rest]))
    known = {p: (v, v) for p, v in shown.items() if isinstance(v, int)}
    ranges = dict(known)
    ranges |= {p: (1, 4) for p, v in shown.items() if v == "<5"}
    ranges |= {p: (0, inf) for p, v in shown.items() if v in ("[c]", UNSEEN)}
    changed, rounds = True, 0
    while changed and rounds < 1000:  # sums that do not hold would never settle
        changed, rounds = False, rounds + 1
        for total, parts in sums:
            for unknown in [total, *parts]:
                if unknown in known:
                    continue
                if unknown == total:
                    low = sum(ranges[p][0] for p in parts)
                    high = sum(ranges[p][1] for p in parts)
                else:
                    others = [p for p in parts if p != unknown]
                    low = ranges[total][0] - sum(ranges[p][1] for p in others)
                    high = ranges[total][1] - sum(ranges[p][0] for p in others)
                narrowed = (max(ranges[unknown][0], low), min(ranges[unknown][1], high))
                if shown[unknown] == "[c]":  # not 1 to 4
                    narrowed = (5 if 0 < narrowed[0] < 5 else narrowed[0],
                                0 if 0 < narrowed[1] < 5 else narrowed[1])  # fmt: skip
                if narrowed != ranges[unknown]:
                    ranges[unknown], changed = narrowed, True
                if narrowed[0] == narrowed[1]:
                    known[unknown] = narrowed
        for rate, (whole, part) in rates:
            percent = shown.get(rate)
            if not isinstance(percent, int | float):
                continue
            if whole in known and part not in known and known[whole][0]:
                value = round(percent * known[whole][0] / 100)
                known[part] = ranges[part] = (value, value)
                changed = True
    # A zero is never small: working out that a hidden count is 0 gives nothing away; nor
    # is working out an unseen group of 5 or more.
    return {
        p: low
        for p, (low, _) in known.items()
        if not isinstance(shown[p], int) and low and (shown[p] != UNSEEN or low < 5)
    }


UNSEEN = "no table shows it"


def small_groups(shown, sums):
    """Sums whose shown total leaves hidden counts adding up to 1 to 4."""
    groups = []
    for total, parts in sums:
        hidden = [p for p in parts if not isinstance(shown[p], int)]
        if isinstance(shown[total], int) and len(hidden) > 1:
            left = shown[total] - sum(shown[p] for p in parts if isinstance(shown[p], int))
            if 0 < left < 5:
                groups.append((total, hidden, left))
    return groups


def stated_rates(report):
    return [
        ((table.key, *rate), [(table.key, *count) for count in counts])
        for table in report.tables
        for rate, counts in table.rates
    ]


def given_away(report):
    shown = what_is_shown(report)
    sums = stated_sums(report)
    return worked_out(shown, sums, stated_rates(report)), small_groups(shown, sums)


@pytest.fixture
def fifteen_referrals(db, scheme):
    """Fifteen referrals from one ward: 8 accepted, 1 declined, 1 withdrawn, 5 awaiting."""
    ward = WardFactory(hospital=HospitalFactory(scheme=scheme, name="North Hospital"))
    statuses = [Status.ACCEPTED] * 8 + [Status.DECLINED, Status.WITHDRAWN]
    statuses += [Status.SUBMITTED] * 5
    decided = (Status.ACCEPTED, Status.DECLINED)
    for number, status in enumerate(statuses):
        ReferralFactory(
            ward=ward,
            submitted_at=at(2026, 10, 1 + number, 9),
            decided_at=at(2026, 10, 1 + number, 11) if status in decided else None,
            status=status,
            decline_reason=DeclineReason.OUT_OF_AREA if status == Status.DECLINED else "",
        )
    return scheme


def test_the_reader_works_out_declined_from_the_referrals_decided_without_their_sum(
    fifteen_referrals, monkeypatch
):
    monkeypatch.setattr(figures, "_decisions_add_up", lambda tables: None)
    report = build_report(fifteen_referrals, QUARTER, suppress_small_numbers=True)
    # 9 decided (timeliness) less 8 accepted (referrals): 1 declined.
    assert what_is_shown(report)[("timeliness", 0, 3)] == 9
    pinned, _ = given_away(report)
    assert pinned[("referrals", 2, 1)] == 1


def test_the_reader_works_out_declined_and_withdrawn_from_the_total_without_secondary_suppression(
    fifteen_referrals, monkeypatch
):
    monkeypatch.setattr(figures, "withhold", lambda *arguments: (set(), set()))
    report = build_report(fifteen_referrals, QUARTER, suppress_small_numbers=True)
    shown = what_is_shown(report)
    # Received 15, Accepted 8, Awaiting 5: Declined and Withdrawn are 2 between them.
    assert [shown[("referrals", row, 1)] for row in range(5)] == [15, 8, "<5", "<5", 5]
    pinned, small = given_away(report)
    assert pinned[("referrals", 2, 1)] == 1
    assert pinned[("referrals", 3, 1)] == 1
    assert (("referrals", 0, 1), [("referrals", 2, 1), ("referrals", 3, 1)], 2) in small


def test_with_secondary_suppression_no_hidden_referral_count_can_be_worked_out(
    fifteen_referrals,
):
    report = build_report(fifteen_referrals, QUARTER, suppress_small_numbers=True)
    assert given_away(report) == ({}, [])
    assert not report.too_small_to_share
    shown = what_is_shown(report)
    # Awaiting, the smallest count beside the small ones, is hidden; so is Accepted, or the 9
    # referrals decided (accepted or declined, in the timeliness table) would give Declined.
    assert [shown[("referrals", row, 1)] for row in range(5)] == [15, "[c]", "<5", "<5", "[c]"]
    assert shown[("timeliness", 0, 3)] == 9


def test_a_report_so_small_that_its_hidden_counts_give_each_other_away_says_so(hand_built):
    report = build_report(hand_built.scheme, QUARTER, suppress_small_numbers=True)
    # Six referrals: some breakdowns are '<5' all through, and '<5' itself says 1 to 4.
    pinned, _ = given_away(report)
    assert pinned
    assert report.too_small_to_share


def test_without_secondary_suppression_the_hand_built_report_gives_small_counts_away(
    hand_built, monkeypatch
):
    monkeypatch.setattr(figures, "withhold", lambda *arguments: (set(), set()))
    report = build_report(hand_built.scheme, QUARTER, suppress_small_numbers=True)
    pinned, _ = given_away(report)
    # Received 6 is four outcomes of at least 1 each, so Accepted is at most 3; and three
    # months each accepted at least 1.
    assert pinned[("referrals", 1, 1)] == 3


@pytest.fixture
def thirteen_of_fifteen_in_time(db, scheme, coordinator):
    """Fifteen clients home on 10 November from one hospital: 13 first reached 60 hours
    later (within 72 hours), 2 reached four days later."""
    scheme.first_contact_hours = 72
    scheme.save()
    data = SchemeData(scheme, coordinator)
    ward = WardFactory(hospital=HospitalFactory(scheme=scheme, name="North Hospital"))
    for number in range(15):
        referral = data.referral(ward, at(2026, 11, 9, 9), decided_at=at(2026, 11, 9, 10))
        episode = data.episode(referral, data.client(), day(2026, 11, 10))
        reached = at(2026, 11, 13, 0) if number < 13 else at(2026, 11, 14, 12)
        data.contact(episode, reached, by=coordinator, minutes=10)
    return scheme


def _without_unseen_groups(values, primary, sums, unseen):
    """The control without the groups no table shows: only the counts shown, as before."""
    return withhold(
        values,
        primary - unseen,
        [(total, parts) for total, parts in sums if not unseen & {total, *parts}],
    )


def test_the_reader_works_out_the_two_not_contacted_in_time_from_the_counts_beside_them(
    thirteen_of_fifteen_in_time, monkeypatch
):
    monkeypatch.setattr(figures, "withhold", _without_unseen_groups)
    report = build_report(thirteen_of_fifteen_in_time, QUARTER, suppress_small_numbers=True)
    shown = what_is_shown(report)
    # 15 discharges, 13 contacted in time: the percentage is hidden, the 2 left are not.
    assert [shown[("contacted_within_72_hours", 0, column)] for column in (1, 2, 3)] == [
        15, 13, "n<5",
    ]  # fmt: skip
    pinned, _ = given_away(report)
    assert pinned == {("contacted_within_72_hours", 0, 1, "rest"): 2,
                      ("contacted_within_72_hours", 1, 1, "rest"): 2}  # fmt: skip


def test_no_group_left_out_of_the_tables_can_be_worked_out_as_1_to_4(thirteen_of_fifteen_in_time):
    report = build_report(thirteen_of_fifteen_in_time, QUARTER, suppress_small_numbers=True)
    assert given_away(report) == ({}, [])
    assert not report.too_small_to_share
    shown = what_is_shown(report)
    # The discharges are still shown; those contacted in time are not, in any row.
    assert [shown[("contacted_within_72_hours", row, 1)] for row in (0, 1)] == [15, 15]
    assert [shown[("contacted_within_72_hours", row, 2)] for row in (0, 1)] == ["[c]", "[c]"]


def test_a_percentage_is_hidden_with_a_count_it_was_worked_out_from():
    contacted = Table(
        "contacted", "Contacted", "", ["Hospital", "Discharges", "Contacted", "Percentage"],
        [
            ["All hospitals", Cell(20), Cell(15), _percent(15, 20)],
            ["North", Cell(16), Cell(11), _percent(11, 16)],
            ["South", Cell(4), Cell(4), _percent(4, 4)],
        ],
        sums=rows_add_up(0, [1, 2], [1, 2]),
        rates=[((row, 3), [(row, 1), (row, 2)]) for row in range(3)],
    )  # fmt: skip
    withhold_secondary([contacted])
    # North's 16 and 11 are hidden (20 - 16 would give South's 4 away), so is its 68.8%.
    assert contacted.export_rows(True) == [
        ["All hospitals", 20, 15, 75.0],
        ["North", "[c]", "[c]", "n<5"],
        ["South", "<5", "<5", "n<5"],
    ]


def test_shown_small_numbers_leave_every_count_shown(hand_built):
    report = build_report(hand_built.scheme, QUARTER)
    assert report.table("referrals").export_rows(False)[0][1] == 6
    assert not any("[c]" in row for t in report.tables for row in t.export_rows(False))


@pytest.mark.parametrize(
    ("values", "primary", "sums", "hidden"),
    [
        # One hidden part beside a shown total: the next smallest part goes too.
        ({"t": 20, "a": 3, "b": 9, "c": 8}, {"a"}, [("t", ["a", "b", "c"])], {"c"}),
        # Two hidden parts adding up to 2: both 1, so another goes.
        ({"t": 20, "a": 1, "b": 1, "c": 18}, {"a", "b"}, [("t", ["a", "b", "c"])], {"c"}),
        # Two hidden parts adding up to 3 (1 and 2, or 2 and 1): a small group, so another goes.
        ({"t": 20, "a": 1, "b": 2, "c": 17}, {"a", "b"}, [("t", ["a", "b", "c"])], {"c"}),
        # A small total equal to its one non-zero part: both hidden, neither pinned down.
        ({"t": 3, "a": 0, "b": 3}, {"t", "b"}, [("t", ["a", "b"])], set()),
        # Two sums sharing a part: hiding in one exposes nothing through the other.
        ({"t": 30, "a": 2, "b": 8, "c": 20, "u": 12, "d": 10},
         {"a"}, [("t", ["a", "b", "c"]), ("u", ["a", "d"])], {"b", "d"}),
        # Nothing hidden, nothing more to hide.
        ({"t": 20, "a": 10, "b": 10}, set(), [("t", ["a", "b"])], set()),
        # The ages of 50 clients: hiding the 0 and the 5 beside the '<5' would leave 6 between
        # '[c]', '<5' and '[c]', where only 5 + 1 + 0 or 0 + 1 + 5 fit, so the '<5' would be
        # 1; the 13 goes too.
        ({"t": 50, "a": 0, "b": 1, "c": 5, "d": 31, "e": 13}, {"b"},
         [("t", ["a", "b", "c", "d", "e"])], {"a", "c", "e"}),
    ],
)  # fmt: skip
def test_withhold_hides_the_next_smallest_count_until_none_can_be_worked_out(
    values, primary, sums, hidden
):
    assert withhold(values, primary, sums) == (hidden, set())
