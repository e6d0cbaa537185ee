"""Two-factor sign-in in a real browser, checked with axe-core on every page.

A manager signs in for the first time with ALIGNS_REQUIRE_TWO_FACTOR on, sets up an
authenticator app from the key typed off the page (the code is worked out here, as the app
would), saves the backup codes, signs out, and signs in again with a code.
"""

import base64
import time
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from playwright.sync_api import expect

from aligns.accounts.demo import DEMO_PASSWORD
from tests.browser.support import assert_accessible, sign_out


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    # The live server runs in this process, so it sees this too.
    settings.ALIGNS_REQUIRE_TWO_FACTOR = True


def url_path(page):
    return urlsplit(page.url).path


def app_code(key, *, steps_ahead=0):
    """What an authenticator app with this key shows now (or `steps_ahead` 30 s later)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def password_step(page, live_server, email):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_manager_sets_up_an_app_saves_backup_codes_and_signs_in_with_a_code(
    page, live_server, demo_users, screenshot
):
    password_step(page, live_server, "manager@example.org")

    # 1. Sent to set up an app: a QR code, and the key as text for typing.
    page.wait_for_url(live_server.url + reverse("accounts:two_factor_setup"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    code_box = page.get_by_label("Code from the app")
    expect(code_box).to_have_attribute("autocomplete", "one-time-code")
    expect(code_box).to_have_attribute("inputmode", "numeric")
    screenshot(page, "1-set-up")
    assert_accessible(page)
    typed_key = page.locator("#secret-key").inner_text()
    key = base64.b32decode(
        typed_key.replace(" ", "") + "=" * (-len(typed_key.replace(" ", "")) % 8)
    )

    # Nothing else opens until the app is set up.
    page.goto(live_server.url + "/reports/")
    assert url_path(page) == reverse("login")
    page.go_back()
    page.wait_for_url(live_server.url + reverse("accounts:two_factor_setup"))

    # 2. A wrong code is refused, in the summary and beside the box.
    wrong = f"{(int(app_code(key)) + 1) % 1_000_000:06d}"
    page.get_by_label("Code from the app").fill(wrong)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("This code is not right")
    expect(page.locator("#id_code-error")).to_contain_text("This code is not right")
    assert page.title().startswith("Error: "), page.title()
    screenshot(page, "2-wrong-code")
    assert_accessible(page)

    # 3. The right code (after django-otp's one-second pause that follows a wrong one).
    page.wait_for_timeout(1_100)
    page.get_by_label("Code from the app").fill(app_code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    # 4. Ten backup codes, shown once.
    page.wait_for_url(live_server.url + reverse("accounts:backup_codes"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your backup codes")
    expect(page.locator("#backup-codes li")).to_have_count(10)
    screenshot(page, "3-backup-codes")
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my backup codes").click()
    page.wait_for_url(live_server.url + "/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    # 5. Sign out, then in again: the password, then a code.
    sign_out(page, live_server)
    password_step(page, live_server, "manager@example.org")
    page.wait_for_url(live_server.url + reverse("accounts:sign_in_code"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    expect(page.get_by_label("Security code")).to_have_attribute("autocomplete", "one-time-code")
    screenshot(page, "4-code-step")
    assert_accessible(page)
    # The code of the next 30 seconds: the one used to set up cannot be used again.
    page.get_by_label("Security code").fill(app_code(key, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(live_server.url + "/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    screenshot(page, "5-signed-in")


def test_five_wrong_passwords_show_when_signing_in_may_be_tried_again(
    page, live_server, demo_users, screenshot
):
    for _ in range(5):
        page.goto(live_server.url + reverse("login"))
        page.get_by_label("Email address").fill("coordinator@example.org")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Signing in is paused for 15 minutes")
    expect(page.locator("main")).to_contain_text("You can try again after")
    screenshot(page, "1-paused")
    assert_accessible(page)
