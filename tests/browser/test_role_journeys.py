"""Each role's everyday journey, measured in steps and fields (tests/browser/journeys.py)
and checked with axe at desktop and phone width on every page it reaches.

The figures each journey may not exceed are what it took when last measured:

| role | journey | steps | fields |
|---|---|---|---|
| ward staff | refer a patient going home today, from their start page | 2 | 18 |
| coordinator | accept the most urgent referral and offer the client to the best match | 5 | 0 |
| volunteer | raise a concern about a client from Today, having spoken with them | 2 | 4 |
| manager | this quarter's report from the dashboard (on a phone, "More" first) | 2 (3) | 0 |
| organisation manager | a scheme's report this quarter from the provider's page | 1 | 0 |

(The volunteer's quickest journey, logging an answered call, is measured tap by tap in
tests/browser/test_log_a_call_journey.py.)
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aligns.nhs import format_nhs_number, synthetic_nhs_number
from tests.browser.journeys import Journey
from tests.browser.support import DESKTOP, PHONE, sign_in


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def viewport(request):
    return request.param


def fill_date(journey, legend, day):
    group = journey.page.get_by_role("group", name=legend)
    for part, value in zip(("Day", "Month", "Year"), (day.day, day.month, day.year), strict=True):
        journey.fill(group.get_by_label(part, exact=True), str(value))


def test_ward_staff_refer_a_patient(page, live_server, demo_users):
    sign_in(page, live_server, "ward@example.org", reverse("referrals:ward_list"))
    journey = Journey(page)

    journey.step(page.get_by_role("main").get_by_role("link", name="Refer a patient"))
    journey.fill(page.get_by_label("First name"), "Winifred")
    journey.fill(page.get_by_label("Last name"), "Ashcombe")
    fill_date(journey, "Date of birth", datetime.date(1940, 8, 14))
    journey.fill(page.get_by_label("NHS number"), format_nhs_number(synthetic_nhs_number(5100)))
    journey.fill(page.get_by_label("Address line 1"), "12 Mill Lane")
    journey.fill(page.get_by_label("Town or city"), "Riverside")
    journey.fill(page.get_by_label("Postcode"), "RV1 4AB")
    journey.fill(page.get_by_label("Patient's phone number"), "07700 900555")
    fill_date(journey, "Expected discharge date", timezone.localdate())
    journey.tick(page.get_by_label("Pathway 1: home, with new or more support"))
    journey.tick(page.get_by_label("Shopping"))
    journey.tick(page.get_by_label("The patient agrees to be referred to the scheme"))
    journey.tick(
        page.get_by_label(
            "The patient agrees to the scheme holding and using their information to support them"
        )
    )
    journey.step(page.get_by_role("button", name="Send referral"))

    expect(page.get_by_role("status")).to_contain_text("Referral sent for Winifred Ashcombe.")
    journey.assert_no_longer_than(steps=2, fields=18)


def test_a_coordinator_accepts_the_most_urgent_referral_and_offers_the_best_match(
    page, live_server, demo_users
):
    sign_in(page, live_server, "coordinator@example.org", reverse("referrals:queue"))
    journey = Journey(page)
    first = page.get_by_role("table").locator("tbody tr").first.get_by_role("link").first
    patient = first.inner_text()

    journey.step(first)
    journey.step(page.get_by_role("button", name="Accept referral"))
    journey.step(page.get_by_role("link", name="Open the client record"))
    journey.step(page.get_by_role("main").get_by_role("link", name="Find a volunteer"))
    best = page.locator("ul.aligns-shortlist > li").first
    volunteer = best.get_by_role("heading", level=3).inner_text().split(". ", 1)[1]
    journey.step(best.get_by_role("button", name=f"Offer to {volunteer.split()[0]}"))

    expect(page.get_by_role("status")).to_contain_text(f"Offered to {volunteer}.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a volunteer")
    assert patient in page.get_by_role("main").inner_text()
    journey.assert_no_longer_than(steps=5, fields=0)


def test_a_volunteer_raises_a_concern_from_today(page, live_server, demo_users):
    sign_in(page, live_server, "volunteer@example.org", reverse("visits:today"))
    journey = Journey(page)

    journey.step(page.get_by_role("link", name="Raise a concern about Doreen"))
    journey.tick(page.get_by_role("group", name="Did you speak with them?").get_by_label("Yes"))
    journey.choose(page.get_by_label("What kind of worry?"), label="Not coping at home")
    journey.tick(page.get_by_label("Needs action within 2 working days"))
    journey.fill(page.get_by_label("What happened?"), "Has not eaten since Sunday.")
    journey.step(page.get_by_role("button", name="Save"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Your concern has been sent")
    journey.assert_no_longer_than(steps=2, fields=4)


def test_a_manager_opens_this_quarters_report_from_the_dashboard(
    page, live_server, demo_users, viewport
):
    sign_in(page, live_server, "manager@example.org", reverse("reports:dashboard"))
    journey = Journey(page)

    journey.menu("Reports")
    journey.step(page.get_by_role("button", name="Show the report"))

    expect(page.get_by_role("main")).to_contain_text("At a glance")
    journey.assert_no_longer_than(steps=3 if viewport == PHONE else 2, fields=0)


def test_an_organisation_manager_opens_a_schemes_commissioner_report(page, live_server, demo_users):
    sign_in(page, live_server, "organisation@example.org", reverse("reports:organisation"))
    journey = Journey(page)

    journey.step(page.get_by_role("table").get_by_role("link").first)

    expect(page.get_by_role("heading", level=1)).to_contain_text("report")
    expect(page.get_by_role("main")).to_contain_text("At a glance")
    journey.assert_no_longer_than(steps=1, fields=0)
