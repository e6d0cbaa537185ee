"""Dates, times and labels written as the NHS.UK content style guide writes them."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from aligns.dates import time_of_day
from aligns.text import lower_first

LONDON = timezone.get_default_timezone()


@pytest.mark.parametrize(
    ("hour", "minute", "written"),
    [
        (0, 0, "midnight"),
        (0, 30, "12:30am"),
        (9, 0, "9am"),
        (9, 5, "9:05am"),
        (11, 59, "11:59am"),
        (12, 0, "midday"),
        (12, 15, "12:15pm"),
        (14, 30, "2:30pm"),
        (23, 0, "11pm"),
    ],
)
def test_times_of_day_are_written_with_am_pm_midday_and_midnight(hour, minute, written):
    assert time_of_day(datetime.time(hour, minute)) == written


def test_a_moment_is_written_in_uk_time_whatever_zone_it_was_stored_in():
    # 13:30 UTC in British Summer Time is 2:30pm in the UK.
    stored = datetime.datetime(2026, 7, 1, 13, 30, tzinfo=datetime.UTC)

    rendered = Template('{{ moment|date_at:"l j F" }}').render(Context({"moment": stored}))

    assert rendered == "Wednesday 1 July at 2:30pm"


def test_a_missing_moment_is_written_as_nothing():
    assert Template("{{ moment|date_at }}|{{ moment|time_of_day }}").render(Context({})) == "|"


@pytest.mark.parametrize(
    ("label", "inside_a_sentence"),
    [
        (
            "To information being shared with NHS partners",
            "to information being shared with NHS partners",
        ),
        ("DBS checked", "DBS checked"),
        ("GP practice", "GP practice"),
        ("A", "a"),
        ("", ""),
    ],
)
def test_a_label_inside_a_sentence_starts_lower_case_but_keeps_its_abbreviations(
    label, inside_a_sentence
):
    assert lower_first(label) == inside_a_sentence
