"""Signing in and out in a real browser, checked with axe-core on every page."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aligns.accounts.demo import DEMO_PASSWORD
from tests.browser.support import DESKTOP, PHONE, assert_accessible

# Demo user, the start page they land on, its main heading, and the screen they use.
START_PAGES = [
    pytest.param("ward@example.org", "/referrals/", "Your wards' referrals", DESKTOP, id="ward"),
    pytest.param(
        "coordinator@example.org", "/referrals/queue/", "Triage queue", DESKTOP, id="coordinator"
    ),
    pytest.param("volunteer@example.org", "/visits/today/", "Today", PHONE, id="volunteer-phone"),
    pytest.param("manager@example.org", "/reports/", "Dashboard", DESKTOP, id="manager"),
]


def url_path(page):
    return urlsplit(page.url).path


def open_sign_in(page, live_server):
    page.goto(live_server.url + reverse("login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def sign_in(page, email, password):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize(("email", "start_path", "heading", "viewport"), START_PAGES)
def test_each_demo_user_signs_in_and_lands_on_their_start_page(
    page, live_server, demo_users, screenshot, email, start_path, heading
):
    open_sign_in(page, live_server)
    screenshot(page, "1-sign-in")
    assert_accessible(page)

    sign_in(page, email, DEMO_PASSWORD)

    page.wait_for_url(live_server.url + start_path)
    assert url_path(page) == start_path
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    screenshot(page, "2-start-page")
    assert_accessible(page)


def test_a_blank_sign_in_shows_the_error_summary_which_leads_to_the_field(
    page, live_server, demo_users, screenshot
):
    open_sign_in(page, live_server)

    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # NHS.UK frontend moves focus to the summary once its JavaScript has started.
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: "), page.title()
    screenshot(page, "1-errors")
    assert_accessible(page)

    summary.get_by_role("link").first.click()

    assert page.evaluate("() => document.activeElement.id") == "id_username"
    expect(page.get_by_label("Email address")).to_be_focused()
    screenshot(page, "2-focus-on-email")


def test_a_wrong_password_is_refused_and_keeps_the_email_typed(
    page, live_server, demo_users, screenshot
):
    open_sign_in(page, live_server)

    sign_in(page, "coordinator@example.org", "not-the-password")

    assert url_path(page) == reverse("login")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter a correct email address and password"
    )
    assert page.title().startswith("Error: "), page.title()
    expect(page.get_by_label("Email address")).to_have_value("coordinator@example.org")
    expect(page.get_by_label("Password")).to_have_value("")
    screenshot(page, "1-refused")
    assert_accessible(page)


def test_signing_out_returns_to_sign_in_and_locks_the_start_page(
    page, live_server, demo_users, screenshot
):
    open_sign_in(page, live_server)
    sign_in(page, "coordinator@example.org", DEMO_PASSWORD)
    start_url = live_server.url + "/referrals/queue/"
    page.wait_for_url(start_url)
    screenshot(page, "1-signed-in")

    page.get_by_role("button", name="Sign out").click()

    page.wait_for_url(live_server.url + reverse("login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    screenshot(page, "2-signed-out")
    assert_accessible(page)

    page.goto(start_url)

    assert url_path(page) == reverse("login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("heading", level=1, name="Triage queue")).to_have_count(0)
    screenshot(page, "3-start-page-refused")
