"""A volunteer logs a call from their phone in a few taps, and the log form stays short.

On a 390 × 844 screen, from Today: "Log a call or visit" on the client's card, "Yes", the
minutes typed, one activity and "Save": four taps and the minutes. The taps are counted in the
page, so a form that needs another answer first fails the test. The form's concern questions
open only when "I am worried about them" is ticked, also from a card's "Raise a concern", and
show without JavaScript; axe finds nothing wrong with them open or closed.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aligns.catalogues.models import Need
from clients.models import Client
from tests.browser.support import PHONE, assert_accessible, sign_in
from tests.browser.test_concern_journey import GIVEN_NAME, VOLUNTEER, client_card, radio
from visits.models import CallKind, Contact

MINUTES = "20"
MOST_TAPS = 4
# The log form (the <form>, Save included), 390 px wide, with the concern's questions closed:
# 1,786 px when measured; 2,160 px when every question showed (the whole page 2,660 px).
FORM_HEIGHT_CEILING = 1_900
WORRIED = "I am worried about them: raise a concern"
CONCERN_QUESTIONS = ("What kind of worry?", "What happened?")

# Counts the person's clicks (taps) in the page, across page loads, in this tab.
COUNT_TAPS = """
document.addEventListener("click", (event) => {
  if (event.isTrusted) {
    sessionStorage.setItem("taps", Number(sessionStorage.getItem("taps") || 0) + 1);
  }
}, true);
"""


def taps(page):
    return page.evaluate("() => Number(sessionStorage.getItem('taps') || 0)")


def form_height(page):
    return page.locator("main form").bounding_box()["height"]


def doreens_episode():
    return Client.objects.get(given_name=GIVEN_NAME).support_episodes.open().get()


def expect_concern_questions(page, *, shown):
    for question in CONCERN_QUESTIONS:
        field = page.get_by_label(question, exact=True)
        expect(field).to_be_visible() if shown else expect(field).to_be_hidden()
    group = page.get_by_role("group", name="How urgent?", exact=True)
    expect(group).to_be_visible() if shown else expect(group).to_be_hidden()


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_volunteer_logs_an_answered_call_with_minutes_and_an_activity_in_four_taps(
    page, live_server, demo_users, screenshot
):
    episode = doreens_episode()
    activity = Need.objects.order_by("position", "pk").first()
    before = set(Contact.objects.values_list("pk", flat=True))
    page.add_init_script(COUNT_TAPS)
    sign_in(page, live_server, VOLUNTEER, reverse("visits:today"))
    page.evaluate("() => sessionStorage.setItem('taps', 0)")

    card = client_card(page, GIVEN_NAME)
    card.get_by_role("link", name=f"Log a call or visit with {GIVEN_NAME}", exact=True).click()
    page.wait_for_url(live_server.url + reverse("visits:log", args=[episode.pk]))
    expect(radio(page, "What was it?", "Phone call")).to_be_checked()
    radio(page, "Did you speak with them?", "Yes").click()
    page.get_by_label("How long, in minutes?").fill(MINUTES)  # typed, not a tap
    page.get_by_role("group", name="What did you do?").get_by_label(
        activity.label, exact=True
    ).click()
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(live_server.url + reverse("visits:today"))
    expect(page.get_by_role("status")).to_contain_text(f"Thank you for supporting {GIVEN_NAME}")
    assert taps(page) <= MOST_TAPS, f"Logging the call took {taps(page)} taps"
    card = client_card(page, GIVEN_NAME)
    expect(card).to_contain_text("Done today")
    expect(card).to_contain_text("Called today, answered.")
    screenshot(page, "today-after-logging")
    (contact,) = Contact.objects.exclude(pk__in=before)
    assert (contact.episode_id, contact.kind, contact.answered) == (episode.pk, CallKind.CALL, True)
    assert contact.duration_minutes == int(MINUTES)
    assert list(contact.activities.all()) == [activity]
    assert timezone.localtime(contact.happened_at).date() == timezone.localdate()


@pytest.mark.parametrize("viewport", [PHONE])
def test_the_log_form_is_short_on_a_phone_and_accessible_with_the_concern_questions_open_or_closed(
    page, live_server, demo_users, screenshot
):
    log_path = reverse("visits:log", args=[doreens_episode().pk])
    sign_in(page, live_server, VOLUNTEER, reverse("visits:today"))
    page.goto(live_server.url + log_path)

    worried = page.get_by_label(WORRIED)
    expect(worried).not_to_be_checked()
    expect(worried).to_have_attribute("aria-expanded", "false")
    expect_concern_questions(page, shown=False)
    height = form_height(page)
    print(f"The log form is {height:.0f} px high at 390 px wide, concern questions closed")
    assert height <= FORM_HEIGHT_CEILING
    screenshot(page, "log-form-closed")
    assert_accessible(page)

    worried.check()
    expect(worried).to_have_attribute("aria-expanded", "true")
    expect_concern_questions(page, shown=True)
    for answer in ("Needs action today", "Needs action within 2 working days"):
        expect(radio(page, "How urgent?", answer)).not_to_be_checked()
    screenshot(page, "log-form-open")
    assert_accessible(page)

    # "Raise a concern" on the Today card opens the form ticked, with the questions showing.
    page.goto(live_server.url + reverse("visits:today"))
    client_card(page, GIVEN_NAME).get_by_role(
        "link", name=f"Raise a concern about {GIVEN_NAME}", exact=True
    ).click()
    page.wait_for_url(live_server.url + log_path + "?worried=1")
    expect(page.get_by_label(WORRIED)).to_be_checked()
    expect_concern_questions(page, shown=True)
    assert_accessible(page)


def test_without_javascript_the_concern_questions_show_so_a_worry_can_still_be_raised(
    browser, live_server, demo_users, screenshot
):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        sign_in(page, live_server, VOLUNTEER, reverse("visits:today"))
        page.goto(live_server.url + reverse("visits:log", args=[doreens_episode().pk]))

        expect(page.get_by_label(WORRIED)).not_to_be_checked()
        expect_concern_questions(page, shown=True)
        screenshot(page, "log-form-without-javascript")
    finally:
        context.close()
