"""Managing the team in a real browser: an invitation, and a request for an account, with axe-core
checking every page."""

import re

from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from aligns.accounts.models import Scheme
from tests.browser.support import assert_accessible, sign_in, sign_out

NEW_PASSWORD = "a-brand-new-long-password"


def test_a_coordinator_invites_a_nurse_who_chooses_a_password_and_signs_in(
    page, live_server, demo_users, screenshot
):
    sign_in(page, live_server, "coordinator@example.org", reverse("referrals:queue"))
    page.goto(live_server.url + reverse("accounts:team_list"))
    assert_accessible(page)
    page.get_by_role("link", name="Invite someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite someone")

    page.get_by_label("Ward staff").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    screenshot(page, "1-errors")
    assert_accessible(page)

    page.get_by_label("Full name").fill("Nadia Newcomer")
    page.get_by_label("Email address").fill("nadia.newcomer@example.org")
    page.get_by_label("Ward 7 (Elderly Care), Riverside General Hospital").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nadia Newcomer")
    expect(page.get_by_text("The invitation is on its way")).to_be_visible()
    screenshot(page, "2-invited")
    assert_accessible(page)
    sign_out(page, live_server)

    link = re.search(r"https?://[^/\s]+(/invitation/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save your password").click()
    expect(page.get_by_text("Your password is set")).to_be_visible()

    sign_in(page, live_server, "nadia.newcomer@example.org", "/referrals/", NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your wards' referrals")


def test_a_nurse_asks_for_an_account_from_the_sign_in_page(
    page, live_server, demo_users, screenshot
):
    Scheme.objects.update(account_request_domains="example.org")
    page.goto(live_server.url + reverse("login"))
    page.get_by_role("link", name="Ask for an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for an account")
    assert_accessible(page)

    page.get_by_label("Full name").fill("Rowan Asking")
    page.get_by_label("Email address").fill("rowan.asking@elsewhere.example.net")
    page.get_by_label("Job title").fill("Staff nurse")
    # The page names no scheme: the address's domain chooses it.
    expect(page.get_by_text("Riverside Home from Hospital")).to_have_count(0)
    page.get_by_label("Your ward and hospital").fill("Ward 7, Riverside General")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Use your work email address")
    screenshot(page, "1-wrong-domain")
    assert_accessible(page)

    page.get_by_label("Email address").fill("rowan.asking@example.org")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    link = re.search(r"https?://[^/\s]+(/ask-for-an-account/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request confirmed")
    screenshot(page, "2-confirmed")
