"""The commissioner report of all an organisation's schemes together, for its organisation
manager: every table, each scheme's discharges judged by its own first-contact window, small
numbers always hidden, no files, and nothing of another organisation's schemes.

The right answers are counted by hand from `provider`, in tests/reports/conftest.py with the
quarter and the day the report is made (every window of the quarter has passed).
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aligns.accounts.models import Role
from aligns.audit.models import AccessLogEntry
from reports.figures import ORGANISATION_CONTACTED_LABEL, build_report
from tests.factories import (
    OrganisationFactory,
    OrganisationManagerFactory,
    ReferralFactory,
    SchemeFactory,
    UserFactory,
)
from tests.reports.conftest import ASHFORD, BEXLEY, QUARTER, at


def _report_page(client, user):
    client.force_login(user)
    return client.get(reverse("reports:organisation_report"), {"quarter": QUARTER.key})


def _values(report, key):
    """A table's rows with its figures as counted (not as shown)."""
    return [[getattr(cell, "value", cell) for cell in row] for row in report.table(key).rows]


def test_referrals_received_are_both_schemes_added_up_and_never_another_providers(client, provider):
    *_, manager = provider

    page = _report_page(client, manager)

    report = page.context["result"]
    assert _values(report, "referrals") == [
        ["Received", 13],
        ["Accepted", 10],
        ["Declined", 3],
        ["Withdrawn by the ward", 0],
        ["Awaiting a decision", 0],
    ]
    assert _values(report, "people_supported")[:2] == [
        ["Episodes of support", 10],
        ["Unique clients", 10],
    ]
    assert _values(report, "activity")[2][:3] == ["All calls and visits", 10, 10]
    assert "Croydon" not in page.content.decode()


def test_each_schemes_discharges_are_judged_by_its_own_first_contact_window(provider):
    """A first contact 60 hours after discharge is in time for Ashford (72 hours) and late
    for Bexley (48 hours): 5 of the 10 discharges, not 10 (everyone's 72) nor 0 (48)."""
    ashford, bexley, *_ = provider

    report = build_report([ashford, bexley], QUARTER, suppress_small_numbers=True)

    contacted = report.table("contacted_within_72_hours")
    assert contacted.title == str(ORGANISATION_CONTACTED_LABEL)
    assert _values(report, "contacted_within_72_hours") == [
        ["All hospitals", 10, 5, 50.0],
        [f"General Hospital ({ASHFORD})", 5, 5, 100.0],
        [f"General Hospital ({BEXLEY})", 5, 0, 0.0],
    ]
    assert [report.shown("contacted_within_72_hours", 0, column) for column in (1, 2, 3)] == [
        "10",
        "5",
        "50.0%",
    ]
    # The buckets stay the same for every scheme: 60 hours is 48 to 72.
    assert _values(report, "time_to_first_contact")[2] == ["48 to 72 hours", 10]


def test_a_discharge_counts_once_its_own_schemes_window_has_passed_not_another_schemes(provider):
    """Made between the two windows' ends (10 November's discharges: Bexley's 48 hours end at
    noon on the 12th, Ashford's 72 at noon on the 13th), the report counts Bexley's five
    discharges as judged and none of Ashford's yet."""
    ashford, bexley, *_ = provider

    report = build_report([ashford, bexley], QUARTER, now=at(2026, 11, 12, 20, 0))

    rows = {row[0]: row[1:3] for row in _values(report, "contacted_within_72_hours")}
    assert rows == {
        "All hospitals": [5, 0],
        f"General Hospital ({ASHFORD})": [0, 0],
        f"General Hospital ({BEXLEY})": [5, 0],
    }


def test_with_one_window_for_all_the_table_is_called_by_its_hours(provider):
    ashford, bexley, *_ = provider
    bexley.first_contact_hours = 72
    bexley.save()

    report = build_report([ashford, bexley], QUARTER)

    assert report.table("contacted_within_72_hours").title == (
        "Contacted within 72 hours of discharge"
    )
    assert _values(report, "contacted_within_72_hours")[0] == ["All hospitals", 10, 10, 100.0]


def test_hospitals_of_the_same_name_in_two_schemes_stay_two_rows(provider):
    ashford, bexley, *_ = provider

    report = build_report([ashford, bexley], QUARTER)

    hospitals = [f"General Hospital ({ASHFORD})", f"General Hospital ({BEXLEY})"]
    assert _values(report, "referrals_by_hospital") == [
        [hospitals[0], 7, 5, 2, 0, 0],
        [hospitals[1], 6, 5, 1, 0, 0],
    ]
    assert _values(report, "referrals_by_ward") == [
        [hospitals[0], "Ward 1", 7, 5, 2, 0, 0],
        [hospitals[1], "Ward 1", 6, 5, 1, 0, 0],
    ]
    assert [row[:3] for row in _values(report, "people_by_ward")] == [
        [hospitals[0], "Ward 1", 5],
        [hospitals[1], "Ward 1", 5],
    ]
    assert [row[0] for row in _values(report, "timeliness")] == ["All hospitals", *hospitals]


def test_one_schemes_report_names_its_hospitals_as_before(provider):
    ashford, *_ = provider

    report = build_report(ashford, QUARTER)

    assert _values(report, "referrals_by_hospital") == [["General Hospital", 7, 5, 2, 0, 0]]
    assert report.table("contacted_within_72_hours").title == (
        "Contacted within 72 hours of discharge"
    )


def test_small_numbers_are_always_hidden_and_there_are_no_files(client, provider):
    *_, manager = provider

    page = _report_page(client, manager)

    report = page.context["result"]
    assert report.suppress_small_numbers
    assert report.shown("referrals", 0, 1) == "13"
    assert report.shown("referrals", 2, 1) == "<5"  # 3 declined
    assert report.shown("referrals_by_hospital", 0, 3) == "<5"  # Ashford's 2
    assert report.shown("referrals_by_hospital", 1, 3) == "<5"  # Bexley's 1
    html = page.content.decode()
    assert "Download" not in html and "small_numbers" not in html
    assert "Home Help Nationwide: All schemes" in html


def test_schemes_setting_different_readmission_comparisons_show_none_together(provider):
    ashford, bexley, *_ = provider
    ashford.readmission_comparison_30 = 12
    ashford.save()

    report = build_report([ashford, bexley], QUARTER)

    assert [row[4] for row in _values(report, "readmissions")] == [None, None]
    assert "each scheme sets its own" in report.table("readmissions").definition


def test_the_report_is_logged_as_seen_for_each_of_the_schemes(client, provider):
    ashford, bexley, _, manager = provider

    _report_page(client, manager)

    logged = AccessLogEntry.objects.filter(user=manager, page="reports:organisation_report")
    assert sorted(logged.values_list("subject_id", flat=True)) == sorted(
        [str(ashford.pk), str(bexley.pk)]
    )


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER])
def test_a_schemes_coordinator_or_manager_is_refused(client, provider, role):
    ashford, *_ = provider

    page = _report_page(client, UserFactory(scheme=ashford, role=role))

    assert page.status_code == 403


def test_another_organisations_manager_sees_only_their_own_schemes(client, provider):
    *_, croydon, _ = provider
    theirs = OrganisationManagerFactory(organisation=croydon.organisation)

    page = _report_page(client, theirs)

    report = page.context["result"]
    assert report.shown("referrals", 0, 1) == "6"
    assert _values(report, "referrals_by_hospital") == [["General Hospital", 6, 6, 0, 0, 0]]
    html = page.content.decode()
    assert ASHFORD not in html and BEXLEY not in html


def test_the_organisation_page_links_to_it_for_the_same_period(client, provider):
    *_, manager = provider
    client.force_login(manager)

    page = client.get(reverse("reports:organisation"), {"quarter": QUARTER.key})

    link = f"{reverse('reports:organisation_report')}?quarter={QUARTER.key}"
    assert link in page.content.decode()
    assert "Full report for all schemes together" in page.content.decode()


def test_an_organisation_without_schemes_yet_gets_the_page_not_an_error(client, db):
    page = _report_page(client, OrganisationManagerFactory(organisation__name="New Provider"))

    assert page.status_code == 200
    assert "result" not in page.context
    assert "No schemes belong to New Provider yet" in page.content.decode()


def test_an_organisation_of_one_scheme_is_not_told_of_several(client, db):
    """Pages written for a provider of many schemes, read by one with a single scheme: no
    "1 scheme" nor hospitals "named with their scheme" that are not."""
    manager = OrganisationManagerFactory(organisation__name="Solo Trust")
    SchemeFactory(organisation=manager.organisation)
    client.force_login(manager)

    landing = " ".join(client.get(reverse("reports:organisation")).content.decode().split())
    report = _report_page(client, manager).content.decode()

    assert "The headline figures of Solo Trust's one scheme" in landing
    assert "1 scheme" not in landing
    assert "named with its scheme" not in report


def _organisation_of(windows):
    """An organisation with a scheme for each first-contact window, each with a referral."""
    organisation = OrganisationFactory()
    schemes = [
        SchemeFactory(organisation=organisation, first_contact_hours=hours) for hours in windows
    ]
    for scheme in schemes:
        ReferralFactory(ward__hospital__scheme=scheme)
    return schemes


def test_the_report_costs_the_same_queries_for_two_schemes_as_for_six(db, report_made_now):
    """However many schemes, and however many first-contact windows among them. (Each page
    is asked for twice, by its own browser, and the second answer counted: the first also
    looks up what Django keeps for the rest of the process.)"""
    counted = {}
    for windows in ([72, 48], [24, 36, 48, 60, 72, 72]):
        schemes = _organisation_of(windows)
        with CaptureQueriesContext(connection) as report:
            build_report(schemes, QUARTER, suppress_small_numbers=True)
        # Counted now: the queries are read back from the connection's log, which the next
        # request clears.
        report_queries = len(report)
        browser = Client()
        browser.force_login(OrganisationManagerFactory(organisation=schemes[0].organisation))
        url = reverse("reports:organisation_report")
        browser.get(url, {"quarter": QUARTER.key})
        with CaptureQueriesContext(connection) as page:
            response = browser.get(url, {"quarter": QUARTER.key})
        assert "result" in response.context
        counted[len(schemes)] = (report_queries, len(page))

    assert counted[6] == counted[2]
