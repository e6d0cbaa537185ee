"""A volunteer's concern in a real browser, from their phone to a coordinator closing it.

The volunteer signs in on a phone, logs a call with Doreen and ticks "I am worried about
them", at first without saying what kind of worry, how urgent or what happened; once the form is put
right the concern is sent. A coordinator, at a desk, finds it among the alerts,
acknowledges it and closes it, after which it is no longer an alert. Every distinct page
on the way is checked with axe-core and screenshotted.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Client
from tests.browser.support import DESKTOP, PHONE, assert_accessible, sign_in, sign_out
from visits.models import Alert, Concern, ConcernCategory, ConcernStatus, Urgency

VOLUNTEER = "volunteer@example.org"
VOLUNTEER_NAME = "Val Volunteer"
COORDINATOR = "coordinator@example.org"
COORDINATOR_NAME = "Colin Coordinator"

# Val's two demo clients; she raises the concern about Doreen.
GIVEN_NAME = "Doreen"
FAMILY_NAME = "Achterberg"
CLIENT = f"{GIVEN_NAME} {FAMILY_NAME}"
OTHER_CLIENT = "Reginald"

MINUTES = "15"
NOTE = "Sounded low. Has not been out since Tuesday."
CATEGORY = "Not coping at home"
WHAT_HAPPENED = "The kitchen is piled with unwashed dishes and there is little food in."
ACTION_TAKEN = "Called her daughter, who is going round tonight; referred to adult social care."
ESCALATED_TO = "Riverside adult social care"

CATEGORY_ERROR = "Choose what kind of worry it is"
URGENCY_ERROR = "Choose how urgent it is"
DESCRIPTION_ERROR = "Say what happened"
ALERT_MESSAGE = f"{CATEGORY} concern about {CLIENT}"


def url_path(page):
    return urlsplit(page.url).path


def doreen():
    return Client.objects.get(given_name=GIVEN_NAME, family_name=FAMILY_NAME)


def client_card(page, given_name):
    """The Today page's card whose heading is the client's first name."""
    return page.locator(".nhsuk-card").filter(
        has=page.get_by_role("heading", level=2, name=given_name, exact=True)
    )


def radio(page, question, answer):
    return page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True)


def follow_header_link(page, name):
    """A link in the header's menu, opening "More" first if a narrow screen put it there."""
    menu = page.get_by_role("navigation", name="Menu")
    link = menu.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        menu.get_by_role("button", name=re.compile("More")).click()
    link.click()


def alerts_table(page):
    return page.get_by_role("main").get_by_role("table")


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_volunteer_raises_a_concern_and_a_coordinator_deals_with_it(
    page, live_server, demo_users, screenshot
):
    client = doreen()
    episode = client.support_episodes.open().get()
    log_path = reverse("visits:log", args=[episode.pk])
    today = timezone.localdate()
    concerns_before = set(Concern.objects.values_list("pk", flat=True))

    # --- Volunteer, on a phone: Today, with both clients ---------------------------------
    sign_in(page, live_server, VOLUNTEER, reverse("visits:today"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2)).to_contain_text(
        [OTHER_CLIENT, GIVEN_NAME, "If someone is in danger"]
    )
    card = client_card(page, GIVEN_NAME)
    expect(card).to_have_count(1)
    expect(client_card(page, OTHER_CLIENT)).to_have_count(1)
    call = card.get_by_role("link", name=f"Call {GIVEN_NAME}: {client.phone}", exact=True)
    expect(call).to_have_attribute("href", "tel:" + client.phone.replace(" ", ""))
    expect(card.get_by_text(f"What you need to know about {GIVEN_NAME}")).to_be_visible()
    emergency = page.locator(".nhsuk-card--care--emergency")
    expect(emergency).to_contain_text("If someone is in danger")
    expect(emergency).to_contain_text("Call 999 first")
    screenshot(page, "1-today-phone")
    assert_accessible(page)

    # --- The log form for Doreen -----------------------------------------------------------
    card.get_by_role("link", name=f"Log a call or visit with {GIVEN_NAME}", exact=True).click()
    page.wait_for_url(live_server.url + log_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a call or visit")
    expect(page.locator(".nhsuk-caption-l")).to_have_text(GIVEN_NAME)
    # The date is today's unless changed.
    when = page.get_by_role("group", name="When?")
    expect(when.get_by_label("Day", exact=True)).to_have_value(str(today.day))
    expect(when.get_by_label("Month", exact=True)).to_have_value(str(today.month))
    expect(when.get_by_label("Year", exact=True)).to_have_value(str(today.year))
    screenshot(page, "2-log-form-phone")
    assert_accessible(page)

    # --- A phone call, answered, with a concern but nothing about it ---------------------
    radio(page, "What was it?", "Phone call").check()
    radio(page, "Did you speak with them?", "Yes").check()
    page.get_by_label("How long, in minutes?").fill(MINUTES)
    page.get_by_label("Notes (optional)", exact=True).fill(NOTE)
    page.get_by_label("I am worried about them: raise a concern").check()
    page.get_by_role("button", name="Save").click()

    # --- Back with both problems, and nothing typed lost ---------------------------------
    assert url_path(page) == log_path
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("listitem")).to_have_text(
        [CATEGORY_ERROR, URGENCY_ERROR, DESCRIPTION_ERROR]
    )
    expect(page.locator(".nhsuk-error-message")).to_have_text(
        [f"Error: {CATEGORY_ERROR}", f"Error: {URGENCY_ERROR}", f"Error: {DESCRIPTION_ERROR}"]
    )
    assert page.title().startswith("Error: "), page.title()
    expect(page.get_by_label("What kind of worry?")).to_have_accessible_description(
        f"Error: {CATEGORY_ERROR}"
    )
    expect(page.get_by_label("What happened?")).to_have_accessible_description(
        f"Error: {DESCRIPTION_ERROR}"
    )
    expect(radio(page, "What was it?", "Phone call")).to_be_checked()
    expect(radio(page, "Did you speak with them?", "Yes")).to_be_checked()
    expect(page.get_by_label("How long, in minutes?")).to_have_value(MINUTES)
    expect(page.get_by_label("Notes (optional)", exact=True)).to_have_value(NOTE)
    expect(page.get_by_label("I am worried about them: raise a concern")).to_be_checked()
    expect(when.get_by_label("Day", exact=True)).to_have_value(str(today.day))
    # Nothing urgent was chosen for them: how urgent a worry is, is theirs to say.
    expect(radio(page, "How urgent?", "Needs action today")).not_to_be_checked()
    expect(radio(page, "How urgent?", "Needs action within 2 working days")).not_to_be_checked()
    screenshot(page, "3-log-form-with-errors-phone")
    assert_accessible(page)
    assert set(Concern.objects.values_list("pk", flat=True)) == concerns_before

    # --- Follow the summary to the select, put it right and save -------------------------
    summary.get_by_role("link", name=CATEGORY_ERROR).click()
    expect(page.get_by_label("What kind of worry?")).to_be_focused()
    page.get_by_label("What kind of worry?").select_option(label=CATEGORY)
    radio(page, "How urgent?", "Needs action today").check()
    page.get_by_label("What happened?").fill(WHAT_HAPPENED)
    page.get_by_role("button", name="Save").click()

    # --- The concern has been sent ---------------------------------------------------------
    expect(page.get_by_role("heading", level=1)).to_have_text("Your concern has been sent")
    main = page.get_by_role("main")
    expect(main).to_contain_text("The coordinators have been told")
    danger = page.locator(".nhsuk-card--care--emergency")
    expect(danger.get_by_role("heading", level=2)).to_have_text(
        f"Immediate action required: If {GIVEN_NAME} is in danger now"
    )
    expect(danger).to_contain_text("Call 999. Do not wait for the coordinator.")
    expect(main.get_by_role("link", name="Back to Today")).to_have_attribute(
        "href", reverse("visits:today")
    )
    screenshot(page, "4-concern-sent-phone")
    assert_accessible(page)

    concern = Concern.objects.exclude(pk__in=concerns_before).get()
    assert concern.episode_id == episode.pk
    assert concern.category == ConcernCategory.NOT_COPING
    assert concern.urgency == Urgency.TODAY
    assert concern.description == WHAT_HAPPENED
    assert concern.status == ConcernStatus.OPEN
    assert concern.contact.notes == NOTE
    assert concern.contact.duration_minutes == int(MINUTES)
    assert concern.contact.answered
    alert = Alert.objects.get(concern=concern)
    assert alert.message == ALERT_MESSAGE

    sign_out(page, live_server)

    # --- Coordinator, at a desk: the alert -------------------------------------------------
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, COORDINATOR, reverse("referrals:queue"))
    follow_header_link(page, "Alerts")
    page.wait_for_url(live_server.url + reverse("visits:work_queue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    table = alerts_table(page)
    row = table.get_by_role("row").filter(
        has=page.get_by_role("link", name=ALERT_MESSAGE, exact=True)
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Concern raised")
    # (Chromium puts a space before the visually hidden ": <message>".)
    acknowledge = re.compile(rf"^Acknowledge\s?– {re.escape(ALERT_MESSAGE)}$")
    expect(row.get_by_role("button", name=acknowledge)).to_be_visible()
    # Newest first.
    expect(table.get_by_role("row").nth(1)).to_contain_text(ALERT_MESSAGE)
    screenshot(page, "5-alerts")
    assert_accessible(page)

    # --- The concern -----------------------------------------------------------------------
    row.get_by_role("link", name=ALERT_MESSAGE, exact=True).click()
    concern_path = reverse("visits:concern", args=[concern.pk])
    page.wait_for_url(live_server.url + concern_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{CATEGORY} concern")
    main = page.get_by_role("main")
    expect(main.locator(".nhsuk-caption-l")).to_have_text(CLIENT)
    expect(main.locator(".nhsuk-tag").first).to_have_text("Open")
    expect(main).to_contain_text("Needs action today")
    expect(main).to_contain_text(f"by {VOLUNTEER_NAME}")
    expect(main).to_contain_text(WHAT_HAPPENED)
    expect(main.get_by_role("heading", level=2, name="Close the concern")).to_be_visible()
    screenshot(page, "6-concern-open")
    assert_accessible(page)

    # --- Acknowledge it --------------------------------------------------------------------
    main.get_by_role("button", name="Acknowledge: I am dealing with this").click()
    expect(page.get_by_role("status")).to_contain_text("Acknowledged.")
    assert url_path(page) == concern_path
    main = page.get_by_role("main")
    expect(main.locator(".nhsuk-tag").first).to_have_text("Acknowledged")
    expect(main).to_contain_text(f"Acknowledged by {COORDINATOR_NAME}")
    expect(main.get_by_role("button", name="Acknowledge: I am dealing with this")).to_have_count(0)
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    screenshot(page, "7-concern-acknowledged")
    assert_accessible(page)

    # --- Close it, with what was done ------------------------------------------------------
    page.get_by_label("What was done?").fill(ACTION_TAKEN)
    page.get_by_label("Escalated to an NHS partner (who)").fill(ESCALATED_TO)
    main.get_by_role("button", name="Close the concern").click()
    expect(page.get_by_role("status")).to_contain_text("Concern closed.")
    assert url_path(page) == concern_path
    main = page.get_by_role("main")
    expect(main.locator(".nhsuk-tag").first).to_have_text("Closed")
    expect(main).to_contain_text(f"Closed: {ACTION_TAKEN}")
    expect(main).to_contain_text(f"Escalated to {ESCALATED_TO}.")
    expect(main.get_by_role("button", name="Close the concern")).to_have_count(0)
    screenshot(page, "8-concern-closed")
    assert_accessible(page)

    # --- Back on Alerts, it is gone --------------------------------------------------------
    page.get_by_role("link", name="Back to alerts").click()
    page.wait_for_url(live_server.url + reverse("visits:work_queue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    expect(page.get_by_role("main").get_by_text(ALERT_MESSAGE)).to_have_count(0)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED
    assert concern.action_taken == ACTION_TAKEN
    assert concern.escalated_to == ESCALATED_TO
    screenshot(page, "9-alerts-after")
    assert_accessible(page)
