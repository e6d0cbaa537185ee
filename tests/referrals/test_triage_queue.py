"""The triage queue: most urgent first, against the clock, in a bounded number of queries."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aligns.working_time import working_hours_between
from referrals.models import Status
from tests.factories import CoordinatorFactory, HospitalFactory, ReferralFactory, WardFactory

LONDON = timezone.get_default_timezone()
# Monday 23 November 2026, 14:00.
NOW = datetime.datetime(2026, 11, 23, 14, 0, tzinfo=LONDON)
TODAY = NOW.date()


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def coordinator(scheme):
    return CoordinatorFactory(scheme=scheme)


@pytest.fixture
def ward(scheme):
    return WardFactory(hospital=HospitalFactory(scheme=scheme))


def queue_names(client, query=""):
    html = client.get(reverse("referrals:queue") + query).content.decode()
    return re.findall(r'<a href="/referrals/\d+/">([^<]+)</a>', html), html


def test_referrals_are_ordered_discharge_soonest_first_then_longest_waiting(
    client, coordinator, ward
):
    with time_machine.travel(NOW, tick=False):
        ReferralFactory(
            ward=ward,
            given_name="Later",
            family_name="X",
            expected_discharge_date=TODAY + datetime.timedelta(days=5),
        )
        ReferralFactory(
            ward=ward,
            given_name="Home",
            family_name="X",
            expected_discharge_date=TODAY + datetime.timedelta(days=5),
            actual_discharge_date=TODAY - datetime.timedelta(days=1),
        )
        ReferralFactory(
            ward=ward,
            given_name="Soon",
            family_name="New",
            submitted_at=NOW,
            expected_discharge_date=TODAY + datetime.timedelta(days=1),
        )
        ReferralFactory(ward=ward, given_name="Soon", family_name="Old",
                        submitted_at=NOW - datetime.timedelta(hours=3),
                        expected_discharge_date=TODAY + datetime.timedelta(days=1))  # fmt: skip
        client.force_login(coordinator)

        names, _ = queue_names(client)

    assert names == ["Home X", "Soon Old", "Soon New", "Later X"]


def test_decided_referrals_leave_the_default_queue_but_can_be_filtered_in(
    client, coordinator, ward
):
    ReferralFactory(ward=ward, given_name="Waiting", family_name="X")
    ReferralFactory(ward=ward, given_name="Done", family_name="X", status=Status.ACCEPTED)
    client.force_login(coordinator)

    assert queue_names(client)[0] == ["Waiting X"]
    assert queue_names(client, "?status=accepted")[0] == ["Done X"]
    assert set(queue_names(client, "?status=all")[0]) == {"Waiting X", "Done X"}


def test_the_queue_filters_by_hospital_and_ward(client, coordinator, ward, scheme):
    other_ward = WardFactory(hospital=HospitalFactory(scheme=scheme))
    ReferralFactory(ward=ward, given_name="Here", family_name="X")
    ReferralFactory(ward=other_ward, given_name="There", family_name="X")
    client.force_login(coordinator)

    assert queue_names(client, f"?ward={ward.pk}")[0] == ["Here X"]
    assert queue_names(client, f"?hospital={other_ward.hospital.pk}")[0] == ["There X"]


def test_nonsense_filters_are_ignored_not_an_error(client, coordinator, ward):
    ReferralFactory(ward=ward, given_name="Still", family_name="Shown")
    client.force_login(coordinator)

    names, html = queue_names(client, "?status=bogus&ward=abc&hospital=999999&page=-4")

    assert names == ["Still Shown"]


def test_another_schemes_referrals_never_appear(client, coordinator, ward, other_scheme):
    ReferralFactory(ward=WardFactory(hospital=HospitalFactory(scheme=other_scheme)),
                    given_name="Foreign", family_name="Patient")  # fmt: skip
    client.force_login(coordinator)

    names, html = queue_names(client, "?status=all")

    assert names == []
    assert "Foreign" not in html


def test_a_referral_waiting_past_the_target_is_flagged_over_target(client, coordinator, ward):
    # Target 4 working hours. Submitted Friday 16:00: by Monday 14:00 that is 6 working hours.
    ReferralFactory(ward=ward, submitted_at=at(2026, 11, 20, 16, 0),
                    expected_discharge_date=TODAY + datetime.timedelta(days=10))  # fmt: skip
    client.force_login(coordinator)

    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("referrals:queue")).content.decode()

    assert "Over target" in html
    assert "(6.0 working hours)" in html


def test_hours_over_a_weekend_do_not_count_against_the_target(client, coordinator, ward):
    # Friday 16:30 to Monday 10:00 is one and a half working hours.
    ReferralFactory(ward=ward, submitted_at=at(2026, 11, 20, 16, 30),
                    expected_discharge_date=TODAY + datetime.timedelta(days=10))  # fmt: skip
    client.force_login(coordinator)

    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        html = client.get(reverse("referrals:queue")).content.decode()

    assert "Over target" not in html
    assert "(1.5 working hours)" in html


def test_a_referral_sent_at_the_weekend_has_waited_none_of_its_time_in_working_hours(
    client, coordinator, ward
):
    # Saturday 10:00 to Monday 08:00: 46 hours, none of them working hours (09:00 to 17:00).
    ReferralFactory(ward=ward, submitted_at=at(2026, 11, 21, 10, 0),
                    expected_discharge_date=TODAY + datetime.timedelta(days=10))  # fmt: skip
    client.force_login(coordinator)

    with time_machine.travel(at(2026, 11, 23, 8, 0), tick=False):
        html = client.get(reverse("referrals:queue")).content.decode()

    assert "46 hours (none of it in working hours)" in html
    assert "0.0 working hours" not in html


def test_a_patient_going_home_within_72_hours_is_flagged(client, coordinator, ward):
    with time_machine.travel(NOW, tick=False):
        ReferralFactory(
            ward=ward,
            given_name="Soon",
            family_name="X",
            submitted_at=NOW,
            expected_discharge_date=TODAY + datetime.timedelta(days=3),
        )
        ReferralFactory(ward=ward, given_name="Later", family_name="X", submitted_at=NOW,
                        expected_discharge_date=TODAY + datetime.timedelta(days=4))  # fmt: skip
        client.force_login(coordinator)
        html = client.get(reverse("referrals:queue")).content.decode()

    soon_row, later_row = html.split("Soon X")[1], html.split("Later X")[1]
    assert "First call due soon" in soon_row.split("</tr>")[0]
    assert "First call due soon" not in later_row.split("</tr>")[0]


def test_the_queue_is_paginated(client, coordinator, ward):
    for _ in range(30):
        ReferralFactory(ward=ward)
    client.force_login(coordinator)

    first, _ = queue_names(client)
    second, _ = queue_names(client, "?page=2")

    assert (len(first), len(second)) == (25, 5)
    assert not set(first) & set(second)


def test_the_queue_needs_the_same_number_of_queries_however_long_it_is(
    client, coordinator, ward, scheme, django_assert_max_num_queries
):
    ReferralFactory(ward=ward)
    client.force_login(coordinator)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("referrals:queue"))
    for _ in range(40):
        ReferralFactory(ward=WardFactory(hospital=HospitalFactory(scheme=scheme)))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("referrals:queue"))

    assert len(response.context["rows"]) == 25


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at(2026, 11, 23, 9, 0), at(2026, 11, 23, 17, 0), 8.0),
        (at(2026, 11, 23, 8, 0), at(2026, 11, 23, 10, 30), 1.5),
        (at(2026, 11, 20, 16, 0), at(2026, 11, 23, 10, 0), 2.0),
        (at(2026, 11, 21, 10, 0), at(2026, 11, 22, 18, 0), 0.0),
        # Christmas Day and Boxing Day (observed Monday 28th) are not working days.
        (at(2026, 12, 24, 16, 0), at(2026, 12, 29, 10, 0), 2.0),
        (at(2026, 11, 23, 12, 0), at(2026, 11, 23, 11, 0), 0.0),
    ],
)
def test_working_hours_count_only_weekday_office_hours_outside_bank_holidays(start, end, hours):
    assert working_hours_between(start, end) == pytest.approx(hours)
