"""Matching a client with a volunteer in a real browser, from the coordinator's shortlist
to the volunteer's answer on their phone.

The coordinator finds a volunteer for a client who is home and signed off as low risk,
reads why each volunteer is ranked where they are and why others were filtered out, and
offers the client to the top volunteer; the volunteer accepts (or, in the second test,
declines with a reason, and the coordinator offers the client to someone else). Every
distinct page on the way is checked with axe-core and screenshotted.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aligns.accounts.models import User
from clients.models import Client
from clients.presenters import safety_summary
from clients.services import assessment_in_force
from tests.browser.support import DESKTOP, PHONE, assert_accessible, sign_in, sign_out
from visits.models import Assignment, AssignmentStatus
from visits.services import episode_assign_volunteer, episode_shortlist
from volunteers.models import Volunteer

COORDINATOR = "coordinator@example.org"
VOLUNTEER = "volunteer@example.org"

# A demo client who is home, signed off as low risk, with an open episode and no volunteer.
CLIENT_GIVEN_NAME = "Winifred"
CLIENT_FAMILY_NAME = "Osei"
CLIENT = f"{CLIENT_GIVEN_NAME} {CLIENT_FAMILY_NAME}"
# Her referral's needs, as the shortlist words them.
NEEDS_MATCHED = "Offers: shopping; befriending and phone calls"

# The demo volunteer whose account is volunteer@example.org: the closest, offering both needs.
VOLUNTEER_NAME = "Val Volunteer"
# The next best, once Val has declined.
RUNNER_UP_NAME = "Tom Okonkwo"
# Demo volunteers near Winifred who fail a hard filter, and why.
FILTERED_OUT = {
    "Margaret Lowe": "No valid DBS check (lapsed or missing)",
    "Sam Ortiz": "Not active (paused)",
    "Dev Patel": "Mandatory training missing or lapsed",
}

OFFERED = f"Offered to {VOLUNTEER_NAME}. They have been emailed to sign in and answer."
TODAY_POINTER = "You have 1 new client to say yes or no to"
OFFER_HEADING = f"New: would you support {CLIENT_GIVEN_NAME}?"
ACCEPT_BUTTON = f"Yes, I will support {CLIENT_GIVEN_NAME}"
ACCEPTED = f"Thank you. {CLIENT_GIVEN_NAME} is now on your list."
DECLINE_LINK = "I cannot take this on"
DECLINE_LABEL = "Why can you not take this on?"
DECLINE_ERROR = "Say why you cannot take this on"
DECLINE_REASON = "I am away visiting family for the next three weeks."
DECLINED = "Offer declined. The coordinator will find someone else."
ALREADY_DECLINED = "Declined this client already"

# "1. Val Volunteer", then "Strong match 92% of the best possible for this client"
CARD_HEADING = re.compile(r"^(\d+)\. (.+)$")
CARD_SHARE = re.compile(
    r"^(Strong|Good|Possible) match (\d+)% of the best possible for this client$"
)
MILES = re.compile(r"^\d+\.\d miles away$")
CASELOAD = re.compile(r"^Supporting \d+ of up to \d+ clients?$")


def url_path(page):
    return urlsplit(page.url).path


def winifred():
    return Client.objects.get(given_name=CLIENT_GIVEN_NAME, family_name=CLIENT_FAMILY_NAME)


def open_episode(client):
    return client.support_episodes.open().get()


def find_path(episode):
    return reverse("visits:match", args=[episode.pk])


def follow_header_link(page, name):
    """A link in the header's menu, opening "More" first if a narrow screen put it there."""
    menu = page.get_by_role("navigation", name="Menu")
    link = menu.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        menu.get_by_role("button", name=re.compile("More")).click()
    link.click()


def open_client_from_the_list(page, live_server, screenshot=None, step=None):
    """Header link 'Clients', search by family name, follow the client's name."""
    follow_header_link(page, "Clients")
    page.wait_for_url(live_server.url + reverse("clients:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    if screenshot:
        screenshot(page, step)
        assert_accessible(page)

    page.get_by_label("Search by name or NHS number").fill(CLIENT_FAMILY_NAME)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("table").get_by_role("link", name=CLIENT, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CLIENT)


def support_section(page):
    """The 'Volunteer' row of the summary under the client page's 'Support' heading."""
    return (
        page.get_by_role("main")
        .get_by_role("heading", name="Support", exact=True)
        .locator("xpath=following-sibling::dl[1]")
        .locator(".nhsuk-summary-list__row", has_text="Volunteer")
    )


def shortlist_cards(page):
    return page.locator("ul.aligns-shortlist > li")


def card_headings(page):
    """(rank, name, share of the best possible) of every card on the shortlist, top first."""
    parsed = []
    for card in shortlist_cards(page).all():
        heading = " ".join(card.get_by_role("heading", level=3).inner_text().split())
        match = CARD_HEADING.match(heading)
        assert match, f"Unexpected shortlist heading: {heading!r}"
        share_text = " ".join(
            card.locator("p", has_text="of the best possible").inner_text().split()
        )
        share = CARD_SHARE.match(share_text)
        assert share, f"Unexpected share of the best possible: {share_text!r}"
        parsed.append((int(match[1]), match[2], int(share[2])))
    return parsed


def reasons_under(card, label):
    """The bullet points after the card's 'Matches:' or 'Does not match:' label."""
    return (
        card.locator("p", has_text=label)
        .locator("xpath=following-sibling::ul[1]")
        .get_by_role("listitem")
    )


def filtered_out_list(page):
    return (
        page.get_by_role("main")
        .get_by_role("heading", name="Volunteers nearby who were filtered out")
        .locator("xpath=following-sibling::ul[1]")
        .get_by_role("listitem")
    )


def message(page):
    """The text of the message shown after an action (without its hidden 'Information: ')."""
    return page.get_by_role("status").get_by_role("paragraph")


def offer_buttons(page):
    return page.get_by_role("main").get_by_role("button", name=re.compile(r"^Offer to "))


def go_to_offers(page, live_server):
    """The pointer on the volunteer's start page, as they would follow it on a phone."""
    page.get_by_role("main").get_by_role("link", name=TODAY_POINTER).click()
    page.wait_for_url(live_server.url + reverse("visits:offers"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New clients offered to you")


def offer_card(page):
    return page.locator(".nhsuk-card").filter(
        has=page.get_by_role("heading", name=OFFER_HEADING, exact=True)
    )


def test_a_coordinator_offers_a_client_to_the_best_match_who_accepts_on_their_phone(
    page, live_server, demo_users, screenshot
):
    client = winifred()
    episode = open_episode(client)
    val = Volunteer.objects.get(user__email=VOLUNTEER)
    assert val.full_name == VOLUNTEER_NAME
    assert not episode.assignments.exists()
    expected_order = [c.volunteer.full_name for c in episode_shortlist(episode).shortlist]
    assert expected_order[0] == VOLUNTEER_NAME, expected_order

    # --- Coordinator: Clients, then Winifred, who has no volunteer yet -------------------
    sign_in(page, live_server, COORDINATOR, reverse("referrals:queue"))
    open_client_from_the_list(page, live_server, screenshot, "1-clients")
    client_url = page.url
    expect(support_section(page)).to_contain_text("No volunteer yet")
    screenshot(page, "2-client-no-volunteer")
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name="Find a volunteer").click()

    # --- The shortlist, ranked and explained --------------------------------------------
    page.wait_for_url(live_server.url + find_path(episode))
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a volunteer")
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"{CLIENT}, {client.postcode}")
    expect(main).to_contain_text("Risk: low.")
    expect(main.get_by_role("heading", name="Shortlist", exact=True)).to_be_visible()

    headings = card_headings(page)
    assert [name for _, name, _ in headings] == expected_order
    assert [rank for rank, _, _ in headings] == list(range(1, len(headings) + 1))
    points = [score for _, _, score in headings]
    assert points == sorted(points, reverse=True), points

    top = shortlist_cards(page).first
    expect(top.get_by_role("heading", level=3)).to_contain_text(f"1. {VOLUNTEER_NAME}")
    matches = reasons_under(top, "Matches:")
    expect(matches.filter(has_text=MILES)).to_have_count(1)
    expect(matches.filter(has_text=NEEDS_MATCHED)).to_have_count(1)
    expect(matches.filter(has_text=CASELOAD)).to_have_count(1)
    # She offers everything Winifred needs, so nothing is listed against her.
    expect(top.get_by_text("Does not match:")).to_have_count(0)
    # Someone lower down misses a need, and the card says which.
    expect(
        shortlist_cards(page)
        .filter(has=page.get_by_text("Does not match:"))
        .filter(has_text=re.compile(r"Does not offer: "))
    ).not_to_have_count(0)
    expect(offer_buttons(page)).to_have_count(len(expected_order))
    expect(top.get_by_role("button", name=f"Offer to {VOLUNTEER_NAME}")).to_be_visible()

    # --- How volunteers are chosen and ranked -------------------------------------------
    details = main.locator("details", has_text="How volunteers are chosen and ranked")
    explanation = details.get_by_text("They are then ranked by points")
    expect(explanation).to_be_hidden()
    details.get_by_text("How volunteers are chosen and ranked").click()
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text("distance (up to 30 points)")
    expect(explanation).to_contain_text("a strong match is 80% or more")
    expect(details).to_contain_text("a valid DBS check")
    screenshot(page, "3-find-shortlist")
    assert_accessible(page)

    # --- Who was filtered out, and why --------------------------------------------------
    main.get_by_role("link", name="Show volunteers nearby who were filtered out, and why").click()

    page.wait_for_url(live_server.url + find_path(episode) + "?ineligible=1")
    filtered = filtered_out_list(page)
    expect(filtered).not_to_have_count(0)
    for name, reason in FILTERED_OUT.items():
        expect(filtered.filter(has_text=f"{name}:")).to_contain_text(reason)
    # Nobody filtered out is on the shortlist.
    shortlisted = {name for _, name, _ in card_headings(page)}
    for name in FILTERED_OUT:
        assert name not in shortlisted, name
    expect(main.get_by_role("link", name=re.compile("filtered out, and why"))).to_have_count(0)
    screenshot(page, "4-find-filtered-out")
    assert_accessible(page)

    # --- Offer Winifred to Val ----------------------------------------------------------
    shortlist_cards(page).first.get_by_role("button", name=f"Offer to {VOLUNTEER_NAME}").click()

    page.wait_for_url(live_server.url + find_path(episode))
    expect(message(page)).to_have_text(OFFERED)
    main = page.get_by_role("main")
    expect(main.locator(".nhsuk-inset-text").filter(has_text="this client")).to_contain_text(
        f"{VOLUNTEER_NAME} has been offered this client and has not answered yet."
    )
    expect(offer_buttons(page)).to_have_count(0)
    offer = Assignment.objects.get(episode=episode)
    assert (offer.volunteer_id, offer.status) == (val.pk, AssignmentStatus.OFFERED)
    screenshot(page, "5-find-offered")
    assert_accessible(page)

    page.get_by_role("link", name="Back to the client").click()
    page.wait_for_url(client_url)
    expect(support_section(page)).to_contain_text(f"Offered to {VOLUNTEER_NAME} on")
    expect(page.get_by_role("main").get_by_role("link", name="Find a volunteer")).to_have_count(0)

    sign_out(page, live_server)

    # --- The volunteer, on a phone: the offer, with what they need to know ---------------
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, VOLUNTEER, reverse("visits:today"))
    # Their start page points to the offer.
    expect(page.get_by_role("main").get_by_role("link", name=TODAY_POINTER)).to_be_visible()
    screenshot(page, "6-volunteer-today-phone")
    assert_accessible(page)
    go_to_offers(page, live_server)

    card = offer_card(page)
    expect(card).to_have_count(1)
    expect(card).to_contain_text(
        f"{CLIENT_GIVEN_NAME} lives near {client.postcode} and would like help with: "
        "shopping, befriending and phone calls."
    )
    # Her family name and address are not part of the offer.
    expect(card).not_to_contain_text(CLIENT_FAMILY_NAME)
    expect(card).not_to_contain_text(client.address_line_1)
    expect(card.get_by_role("heading", name="What you need to know")).to_be_visible()
    rows = safety_summary(client, assessment_in_force(client))
    expect(card.locator("dt")).to_have_text([row.label for row in rows])
    assert [row.label for row in rows][:3] == ["Getting in", "Pets", "Communication"]
    for row in rows:
        value = card.locator("dt", has_text=row.label).locator("xpath=following-sibling::dd[1]")
        for line in row.lines:
            expect(value).to_contain_text(line)
    expect(card.get_by_role("button", name=ACCEPT_BUTTON)).to_be_visible()
    expect(card.get_by_role("link", name=DECLINE_LINK)).to_be_visible()
    # Nothing on a phone is wider than the screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "7-volunteer-offer-phone")
    assert_accessible(page)

    card.get_by_role("button", name=ACCEPT_BUTTON).click()

    # Back on their start page: Winifred is on their list now, nothing waits for an answer.
    page.wait_for_url(live_server.url + reverse("visits:today"))
    expect(message(page)).to_have_text(ACCEPTED)
    expect(page.get_by_role("button", name=ACCEPT_BUTTON)).to_have_count(0)
    offer.refresh_from_db()
    assert offer.status == AssignmentStatus.ACCEPTED
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=CLIENT_GIVEN_NAME, exact=True)).to_be_visible()
    expect(main.get_by_role("link", name=TODAY_POINTER)).to_have_count(0)
    screenshot(page, "8-volunteer-accepted-today-phone")
    assert_accessible(page)

    sign_out(page, live_server)

    # --- The coordinator sees Val has accepted ------------------------------------------
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, COORDINATOR, reverse("referrals:queue"))
    open_client_from_the_list(page, live_server)
    assert page.url == client_url
    expect(support_section(page)).to_have_text(
        re.compile(rf"Volunteer\s+{VOLUNTEER_NAME}\s+See the volunteer match")
    )
    screenshot(page, "10-client-accepted")
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name="See the volunteer match").click()
    page.wait_for_url(live_server.url + find_path(episode))
    expect(page.get_by_role("main").locator(".nhsuk-inset-text")).to_contain_text(VOLUNTEER_NAME)
    expect(offer_buttons(page)).to_have_count(0)
    screenshot(page, "11-find-accepted")
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_volunteer_declines_with_a_reason_and_the_coordinator_offers_to_someone_else(
    page, live_server, demo_users, screenshot
):
    client = winifred()
    episode = open_episode(client)
    val = Volunteer.objects.get(user__email=VOLUNTEER)
    coordinator = User.objects.get(email=COORDINATOR)
    offer = episode_assign_volunteer(episode=episode, volunteer=val, by=coordinator)

    # --- The volunteer, on a phone, says no without a reason ----------------------------
    sign_in(page, live_server, VOLUNTEER, reverse("visits:today"))
    go_to_offers(page, live_server)
    offer_card(page).get_by_role("link", name=DECLINE_LINK).click()

    decline_path = reverse("visits:offer_decline", args=[offer.pk])
    page.wait_for_url(live_server.url + decline_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Say no to this offer")
    reason = page.get_by_label(DECLINE_LABEL)
    expect(reason).to_have_value("")
    screenshot(page, "1-decline-form-phone")
    assert_accessible(page)

    page.get_by_role("button", name="Decline offer").click()

    assert url_path(page) == decline_path
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("listitem")).to_have_text([DECLINE_ERROR])
    expect(page.locator(".nhsuk-error-message")).to_have_text([f"Error: {DECLINE_ERROR}"])
    assert page.title().startswith("Error: "), page.title()
    expect(reason).to_have_accessible_description(
        re.compile(rf"^Your coordinator sees this\.\s+Error:\s+{DECLINE_ERROR}$")
    )
    screenshot(page, "2-decline-form-error-phone")
    assert_accessible(page)
    # Nothing is lost: the offer still stands.
    offer.refresh_from_db()
    assert offer.status == AssignmentStatus.OFFERED

    # --- Follow the summary to the box, give a reason -----------------------------------
    summary.get_by_role("link", name=DECLINE_ERROR).click()
    expect(reason).to_be_focused()
    reason.fill(DECLINE_REASON)
    page.get_by_role("button", name="Decline offer").click()

    page.wait_for_url(live_server.url + reverse("visits:offers"))
    expect(message(page)).to_have_text(DECLINED)
    expect(offer_card(page)).to_have_count(0)
    offer.refresh_from_db()
    assert offer.status == AssignmentStatus.DECLINED
    assert offer.decline_reason == DECLINE_REASON
    screenshot(page, "3-volunteer-declined-phone")
    assert_accessible(page)

    sign_out(page, live_server)

    # --- The coordinator, also on a phone: no volunteer again; Val is filtered out -----
    sign_in(page, live_server, COORDINATOR, reverse("referrals:queue"))
    open_client_from_the_list(page, live_server)
    expect(support_section(page)).to_contain_text("No volunteer yet")
    page.get_by_role("main").get_by_role("link", name="Find a volunteer").click()

    page.wait_for_url(live_server.url + find_path(episode))
    screenshot(page, "4-find-after-decline-phone")
    assert_accessible(page)
    names = [name for _, name, _ in card_headings(page)]
    assert VOLUNTEER_NAME not in names, names
    assert names and names[0] == RUNNER_UP_NAME, names
    expect(offer_buttons(page)).to_have_count(len(names))

    page.get_by_role("link", name="Show volunteers nearby who were filtered out, and why").click()
    page.wait_for_url(live_server.url + find_path(episode) + "?ineligible=1")
    expect(filtered_out_list(page).filter(has_text=f"{VOLUNTEER_NAME}:")).to_have_text(
        f"{VOLUNTEER_NAME}: {ALREADY_DECLINED}"
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "5-find-filtered-out-phone")
    assert_accessible(page)

    # --- Offer Winifred to the next best ------------------------------------------------
    shortlist_cards(page).first.get_by_role("button", name=f"Offer to {RUNNER_UP_NAME}").click()

    page.wait_for_url(live_server.url + find_path(episode))
    expect(message(page)).to_have_text(
        f"Offered to {RUNNER_UP_NAME}. They have been emailed to sign in and answer."
    )
    expect(offer_buttons(page)).to_have_count(0)
    live = Assignment.objects.get(episode=episode, status=AssignmentStatus.OFFERED)
    assert live.volunteer.full_name == RUNNER_UP_NAME
    screenshot(page, "6-find-offered-to-runner-up-phone")
    assert_accessible(page)
