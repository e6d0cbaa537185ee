"""The first-contact window is one rule (Scheme.first_call_due), and the schedule, the triage
queue's flag and the report all follow it when a scheme sets its own window."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import Scheme
from referrals.services import referral_accept
from reports.figures import build_report, headline_figures
from reports.period import Period
from tests.factories import HospitalFactory, ReferralFactory, WardFactory
from visits.models import CallKind
from visits.services import contact_log

LONDON = timezone.get_default_timezone()
WENT_HOME = datetime.date(2026, 11, 2)  # a Monday; discharge is taken as midday


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("hours", "due"),
    [(72, at(2026, 11, 5, 12, 0)), (48, at(2026, 11, 4, 12, 0)), (24, at(2026, 11, 3, 12, 0))],
)
def test_the_first_call_falls_due_the_schemes_window_after_a_midday_discharge(hours, due):
    assert Scheme(first_contact_hours=hours).first_call_due(WENT_HOME) == due


@pytest.fixture
def ward(scheme):
    Scheme.objects.filter(pk=scheme.pk).update(first_contact_hours=48)
    scheme.refresh_from_db()
    return WardFactory(hospital=HospitalFactory(scheme=scheme))


def test_a_48_hour_scheme_flags_patients_going_home_within_48_hours(client, coordinator, ward):
    today = datetime.date(2026, 11, 23)
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        for name, days in (("Twodays", 2), ("Threedays", 3)):
            ReferralFactory(
                ward=ward, given_name=name, family_name="X",
                expected_discharge_date=today + datetime.timedelta(days=days),
            )  # fmt: skip
        client.force_login(coordinator)
        html = client.get(reverse("referrals:queue")).content.decode()

    two, three = html.split("Twodays X")[1], html.split("Threedays X")[1]
    assert "First call due soon" in two.split("</tr>")[0]
    # A 72-hour scheme would flag it; this scheme's window is 48 hours.
    assert "First call due soon" not in three.split("</tr>")[0]


def test_a_48_hour_scheme_plans_and_reports_its_first_call_by_its_own_window(ward, coordinator):
    episodes = []
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        for _ in range(2):
            referral = ReferralFactory(
                ward=ward, actual_discharge_date=WENT_HOME, expected_discharge_date=WENT_HOME
            )
            episodes.append(referral_accept(referral=referral, by=coordinator)[1])
    in_time, late = episodes
    # The schedule: the first call is due 48 hours after the midday discharge.
    assert in_time.calls.get(is_first=True).due_at == at(2026, 11, 4, 12, 0)
    # The report: 47 hours after discharge is in time, 49 hours is not.
    for episode, contacted in ((in_time, at(2026, 11, 4, 11, 0)), (late, at(2026, 11, 4, 13, 0))):
        with time_machine.travel(contacted, tick=False):
            contact_log(
                episode=episode, by=coordinator, kind=CallKind.CALL, happened_at=contacted,
                answered=True, duration_minutes=10,
            )  # fmt: skip

    november = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    made = at(2026, 12, 1, 9, 0)
    report = build_report(ward.hospital.scheme, november, now=made)
    table = report.table("contacted_within_72_hours")
    rows = {row[0]: row[1:] for row in table.export_rows(False)}
    headlines = headline_figures(ward.hospital.scheme, november, now=made)

    assert table.title == "Contacted within 48 hours of discharge"
    assert rows["All hospitals"][:2] == [2, 1]
    assert headlines["Contacted within 48 hours of discharge"].value == 50
