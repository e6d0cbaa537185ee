"""The Today card's words for the last call or visit."""

import datetime

from tests.visits.conftest import at
from visits.models import CallKind
from visits.presenters import done_today, last_contact, plain_day

THURSDAY = datetime.date(2026, 11, 5)


def test_a_day_is_today_yesterday_a_weekday_within_the_week_then_a_date():
    days = [plain_day(at(2026, 11, day, 10, 0), today=THURSDAY) for day in (5, 4, 3)]
    older = [
        plain_day(at(2026, 10, 30, 10, 0), today=THURSDAY),  # 6 days ago
        plain_day(at(2026, 10, 29, 10, 0), today=THURSDAY),  # 7 days ago
        plain_day(at(2026, 10, 3, 10, 0), today=THURSDAY),
    ]

    assert days == ["today", "yesterday", "Tuesday"]
    assert older == ["Friday", "29 October", "3 October"]


def test_a_day_in_another_year_gives_the_year():
    assert plain_day(at(2025, 12, 30, 10, 0), today=datetime.date(2026, 1, 8)) == "30 December 2025"


def test_the_day_is_the_uk_day_not_the_servers():
    after_midnight_in_summer = datetime.datetime(2026, 7, 6, 23, 30, tzinfo=datetime.UTC)

    assert plain_day(after_midnight_in_summer, today=datetime.date(2026, 7, 7)) == "today"
    assert done_today(after_midnight_in_summer, True, today=datetime.date(2026, 7, 7))


def test_the_last_contact_says_how_and_whether_they_answered():
    tuesday = at(2026, 11, 3, 11, 0)

    assert last_contact(CallKind.CALL, True, tuesday, today=THURSDAY) == "Called Tuesday, answered"
    assert (
        last_contact(CallKind.VISIT, False, at(2026, 10, 3, 14, 0), today=THURSDAY)
        == "Visited 3 October, no answer"
    )
    assert last_contact(None, None, None, today=THURSDAY) == "No calls or visits logged yet"


def test_done_today_is_only_a_contact_made_today_that_reached_the_client():
    assert done_today(at(2026, 11, 5, 0, 5), True, today=THURSDAY)
    assert not done_today(at(2026, 11, 5, 0, 5), False, today=THURSDAY)  # nobody answered
    assert not done_today(at(2026, 11, 4, 23, 55), True, today=THURSDAY)
    assert not done_today(None, None, today=THURSDAY)
