"""A referral's journey in a real browser: the ward refers, the coordinator accepts.

Every distinct page on the way is checked with axe-core and screenshotted.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aligns.accounts.demo import DEMO_PASSWORD
from aligns.nhs import format_nhs_number, synthetic_nhs_number
from tests.browser.support import PHONE, assert_accessible

WARD_STAFF = "ward@example.org"
COORDINATOR = "coordinator@example.org"
WARD_STAFF_WARDS = ["Ward 7 (Elderly Care)", "Acute Medical Unit"]

# A synthetic patient no demo referral uses (the demo's NHS numbers come from seeds 1000+).
GIVEN_NAME = "Winifred"
FAMILY_NAME = "Ashcombe"
PATIENT = f"{GIVEN_NAME} {FAMILY_NAME}"
BORN = datetime.date(1940, 8, 14)
NHS_NUMBER = format_nhs_number(synthetic_nhs_number(5000))  # "999 xxx xxxx"
# The same number with its Modulus 11 check digit changed: a one-key slip.
WRONG_NHS_NUMBER = NHS_NUMBER[:-1] + str((int(NHS_NUMBER[-1]) + 1) % 10)
POSTCODE = "RV1 4AB"

NHS_NUMBER_ERROR = (
    "This is not a valid NHS number. Check each digit against the patient's wristband or record"
)
SHARE_CONSENT_ERROR = "Confirm the patient agrees to the scheme holding their information"

# The queue's "Discharge" column says when in words; these turn it into days from today.
DISCHARGE_TEXT = [
    (re.compile(r"(?:Went home|Expected) today"), lambda match: 0),
    (re.compile(r"(?:Went home|Expected) (\d+) days? ago"), lambda match: -int(match[1])),
    (re.compile(r"Expected in (\d+) days?"), lambda match: int(match[1])),
]


def url_path(page):
    return urlsplit(page.url).path


def sign_in(page, live_server, email, start_path):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + start_path)


def sign_out(page, live_server):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + reverse("login"))


def date_parts(page, legend):
    """The Day, Month and Year boxes of the date input whose legend is `legend`."""
    group = page.get_by_role("group", name=legend)
    return tuple(group.get_by_label(part, exact=True) for part in ("Day", "Month", "Year"))


def fill_date(page, legend, date):
    for box, value in zip(date_parts(page, legend), (date.day, date.month, date.year), strict=True):
        box.fill(str(value))


def expect_date(page, legend, date):
    for box, value in zip(date_parts(page, legend), (date.day, date.month, date.year), strict=True):
        expect(box).to_have_value(str(value))


def patient_row(page, name):
    """The table row whose patient link is `name`."""
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


def days_to_discharge(cell_text):
    """The queue's discharge words as days from today: -1 'went home 1 day ago', 0 'today'."""
    for pattern, days in DISCHARGE_TEXT:
        match = pattern.search(cell_text)
        if match:
            return days(match)
    raise AssertionError(f"Unrecognised discharge text in the queue: {cell_text!r}")


def test_ward_refers_a_patient_fixing_two_mistakes_and_the_coordinator_accepts(
    page, live_server, demo_users, screenshot
):
    # The app's "today" is in Europe/London, which the machine's clock need not be.
    today = timezone.localdate()

    # --- Ward staff: start page, then the referral form --------------------------------
    sign_in(page, live_server, WARD_STAFF, reverse("referrals:ward_list"))
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your wards' referrals")
    expect(patient_row(page, PATIENT)).to_have_count(0)
    screenshot(page, "1-ward-list")
    assert_accessible(page)

    main.get_by_role("link", name="Refer a patient").click()

    page.wait_for_url(live_server.url + reverse("referrals:create"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer a patient")
    # What the form fills in for the person referring.
    chosen_ward = page.get_by_label("Ward", exact=True).locator("option:checked")
    expect(chosen_ward).to_have_text(
        re.compile("|".join(re.escape(ward) for ward in WARD_STAFF_WARDS))
    )
    expect(page.get_by_label("Main language")).to_have_value("English")
    expect(page.get_by_label("Your name")).to_have_value("Priya Ward-Nurse")
    expect_date(page, "Date consent was given", today)
    screenshot(page, "2-form")
    assert_accessible(page)

    # --- Fill it in with two mistakes: a mistyped NHS number, one consent box missed ----
    page.get_by_label("First name").fill(GIVEN_NAME)
    page.get_by_label("Last name").fill(FAMILY_NAME)
    fill_date(page, "Date of birth", BORN)
    page.get_by_label("NHS number").fill(WRONG_NHS_NUMBER)
    page.get_by_label("Address line 1").fill("12 Mill Lane")
    page.get_by_label("Town or city").fill("Riverside")
    page.get_by_label("Postcode").fill(POSTCODE)
    page.get_by_label("Patient's phone number").fill("07700 900555")
    # Going home today, so the coordinator sees it among the most urgent.
    fill_date(page, "Expected discharge date", today)
    page.get_by_label("Pathway 1: home, with new or more support").check()
    page.get_by_label("Shopping").check()
    page.get_by_label("Lives alone").check()
    page.get_by_label("The patient agrees to be referred to the scheme").check()
    share_consent = page.get_by_label(
        "The patient agrees to the scheme holding and using their information to support them"
    )
    expect(share_consent).not_to_be_checked()

    page.get_by_role("button", name="Send referral").click()

    # --- The form comes back with exactly those two problems --------------------------
    assert url_path(page) == reverse("referrals:create")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("listitem")).to_have_text([NHS_NUMBER_ERROR, SHARE_CONSENT_ERROR])
    assert page.title().startswith("Error: "), page.title()
    # Each message is also by its field.
    expect(page.locator(".nhsuk-error-message")).to_have_text(
        [f"Error: {NHS_NUMBER_ERROR}", f"Error: {SHARE_CONSENT_ERROR}"]
    )
    screenshot(page, "3-form-with-errors")
    assert_accessible(page)

    # Nothing typed is lost.
    expect(page.get_by_label("First name")).to_have_value(GIVEN_NAME)
    expect(page.get_by_label("Last name")).to_have_value(FAMILY_NAME)
    expect_date(page, "Date of birth", BORN)
    expect(page.get_by_label("NHS number")).to_have_value(WRONG_NHS_NUMBER)
    expect(page.get_by_label("Address line 1")).to_have_value("12 Mill Lane")
    expect(page.get_by_label("Town or city")).to_have_value("Riverside")
    expect(page.get_by_label("Postcode")).to_have_value(POSTCODE)
    expect(page.get_by_label("Patient's phone number")).to_have_value("07700 900555")
    expect_date(page, "Expected discharge date", today)
    expect(page.get_by_label("Pathway 1: home, with new or more support")).to_be_checked()
    expect(page.get_by_label("Shopping")).to_be_checked()
    expect(page.get_by_label("Lives alone")).to_be_checked()
    expect(page.get_by_label("The patient agrees to be referred to the scheme")).to_be_checked()
    expect(share_consent).not_to_be_checked()

    # --- Fix just the two mistakes, starting from the summary's link ------------------
    summary.get_by_role("link", name=NHS_NUMBER_ERROR).click()
    expect(page.get_by_label("NHS number")).to_be_focused()
    page.get_by_label("NHS number").fill(NHS_NUMBER)
    share_consent.check()

    page.get_by_role("button", name="Send referral").click()

    # --- Back on the ward's list, the referral is there, submitted --------------------
    page.wait_for_url(live_server.url + reverse("referrals:ward_list"))
    expect(page.get_by_role("status")).to_contain_text(f"Referral sent for {PATIENT}.")
    row = patient_row(page, PATIENT)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(NHS_NUMBER)
    expect(row.locator(".nhsuk-tag")).to_have_text("Submitted")
    screenshot(page, "4-ward-list-sent")
    assert_accessible(page)

    sign_out(page, live_server)

    # --- Coordinator: the queue, most urgent first ------------------------------------
    sign_in(page, live_server, COORDINATOR, reverse("referrals:queue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    rows = page.get_by_role("table").locator("tbody").get_by_role("row")
    names = rows.locator("td:first-child a").all_inner_texts()
    days = [days_to_discharge(text) for text in rows.locator("td:nth-child(3)").all_inner_texts()]
    assert PATIENT in names, names
    position = names.index(PATIENT)
    # Sorted by discharge: those already home (the demo's Harold Bright) and others due
    # today, who have waited longer, come before it; everyone due later comes after it.
    assert days == sorted(days), list(zip(names, days, strict=True))
    assert days[position] == 0
    assert all(day <= 0 for day in days[:position]), list(zip(names, days, strict=True))
    assert all(day > 0 for day in days[position + 1 :]), list(zip(names, days, strict=True))
    expect(patient_row(page, PATIENT)).to_contain_text("Expected today")
    screenshot(page, "5-queue")
    assert_accessible(page)

    # --- The referral: accept it --------------------------------------------------------
    page.get_by_role("link", name=PATIENT, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(PATIENT)
    main = page.get_by_role("main")
    expect(main.locator(".nhsuk-tag").first).to_have_text("Submitted")
    expect(main).to_contain_text(NHS_NUMBER)
    expect(main).to_contain_text(BORN.strftime("%-d %B %Y"))
    expect(main).to_contain_text(POSTCODE)
    screenshot(page, "6-referral")
    assert_accessible(page)

    page.get_by_role("button", name="Accept referral").click()

    expect(page.get_by_role("status")).to_contain_text("Referral accepted.")
    expect(page.get_by_role("heading", level=1)).to_have_text(PATIENT)
    expect(main.locator(".nhsuk-tag").first).to_have_text("Accepted")
    expect(page.get_by_role("button", name="Accept referral")).to_have_count(0)
    screenshot(page, "7-referral-accepted")
    assert_accessible(page)

    # The queue, which shows referrals waiting for a decision, no longer lists it.
    page.get_by_role("link", name="Back to the triage queue").click()
    page.wait_for_url(live_server.url + reverse("referrals:queue"))
    expect(patient_row(page, PATIENT)).to_have_count(0)

    sign_out(page, live_server)

    # --- Ward staff see the decision --------------------------------------------------
    sign_in(page, live_server, WARD_STAFF, reverse("referrals:ward_list"))
    row = patient_row(page, PATIENT)
    expect(row.locator(".nhsuk-tag")).to_have_text("Accepted")
    screenshot(page, "8-ward-list-accepted")


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_blank_referral_on_a_phone_links_each_problem_to_its_field(
    page, live_server, demo_users, screenshot
):
    sign_in(page, live_server, WARD_STAFF, reverse("referrals:ward_list"))
    page.goto(live_server.url + reverse("referrals:create"))

    page.get_by_role("button", name="Send referral").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links.first).to_have_text("Enter the patient's first name")
    screenshot(page, "1-blank-form-errors")
    assert_accessible(page)

    targets = [
        href.removeprefix("#")
        for href in links.evaluate_all("links => links.map(link => link.getAttribute('href'))")
    ]
    assert len(targets) == page.locator(".nhsuk-error-message").count(), targets
    for index, target in enumerate(targets):
        links.nth(index).click()
        assert page.evaluate("() => document.activeElement.id") == target, target
        expect(page.locator(f"#{target}")).to_be_in_viewport()
