"""The database expressions the report relies on give the same answers on SQLite (make run)
as PostgreSQL's own functions (production); CI runs these on both."""

import datetime

import pytest
from django.db.models import Value
from django.utils import timezone

from aligns.accounts.models import Scheme
from aligns.expressions import AssumedDischargeAt, Percentile
from reports.figures import last_day_with_window_passed
from tests.factories import SchemeFactory

LONDON = timezone.get_default_timezone()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([10], 0.5, 10.0),
        ([1, 2, 3, 4], 0.5, 2.5),
        ([0.5, 2, 4, 10], 0.9, 8.2),
        ([5, 1, 3], 0.0, 1.0),
        ([5, 1, 3], 1.0, 5.0),
    ],
)
def test_percentile_interpolates_like_postgresqls_percentile_cont(values, fraction, expected):
    for number, value in enumerate(values):
        SchemeFactory(triage_target_hours=1, first_contact_hours=24 + number, episode_weeks=1,
                      overdue_grace_hours=value * 10)  # fmt: skip
    # overdue_grace_hours holds value x 10 so that halves survive an integer column.
    result = Scheme.objects.aggregate(p=Percentile("overdue_grace_hours", fraction))["p"]
    assert result / 10 == pytest.approx(expected)


@pytest.mark.django_db
def test_percentile_of_nothing_is_none():
    assert Scheme.objects.aggregate(p=Percentile("overdue_grace_hours", 0.5))["p"] is None


def test_percentile_refuses_a_fraction_outside_zero_to_one():
    with pytest.raises(ValueError):
        Percentile("overdue_grace_hours", 1.5)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [(datetime.date(2026, 7, 1), 11), (datetime.date(2026, 12, 1), 12)],
    ids=["summer-time", "winter"],
)
def test_discharge_is_taken_as_local_midday_in_the_database(day, utc_hour):
    SchemeFactory()
    moment = Scheme.objects.annotate(at=AssumedDischargeAt(Value(day))).values_list(
        "at", flat=True
    )[0]
    assert moment.astimezone(datetime.UTC).hour == utc_hour
    assert moment.astimezone(LONDON).hour == 12


@pytest.mark.parametrize(
    ("now", "last_day"),
    [
        # Discharged on the 20th at midday: its 72 hours end at midday on the 23rd.
        (datetime.datetime(2026, 11, 23, 12, 0, tzinfo=LONDON), datetime.date(2026, 11, 20)),
        (datetime.datetime(2026, 11, 23, 11, 59, tzinfo=LONDON), datetime.date(2026, 11, 19)),
    ],
)
def test_the_72_hour_window_has_passed_only_from_midday_three_days_on(now, last_day):
    assert last_day_with_window_passed(now, Scheme(first_contact_hours=72)) == last_day


def test_a_48_hour_window_has_passed_from_midday_two_days_on():
    scheme = Scheme(first_contact_hours=48)
    midday = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)

    assert last_day_with_window_passed(midday, scheme) == datetime.date(2026, 11, 21)
    before = midday - datetime.timedelta(minutes=1)
    assert last_day_with_window_passed(before, scheme) == datetime.date(2026, 11, 20)
