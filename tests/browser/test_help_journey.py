"""Help and the audit page in a real browser, reached from the header, checked with axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import DESKTOP, PHONE, assert_accessible, sign_in

GUIDES = [
    pytest.param("ward@example.org", "/referrals/", "Help for ward staff", DESKTOP, id="ward"),
    pytest.param(
        "volunteer@example.org", "/visits/today/", "Help for volunteers", PHONE, id="volunteer"
    ),
    pytest.param("manager@example.org", "/reports/", "Help for managers", DESKTOP, id="manager"),
]


@pytest.mark.parametrize(("email", "start_path", "heading", "viewport"), GUIDES)
def test_each_person_opens_help_from_the_header_and_reads_their_own_guide(
    page, live_server, demo_users, screenshot, email, start_path, heading
):
    sign_in(page, live_server, email, start_path)

    page.get_by_role("navigation", name="Account").get_by_role("link", name="Help").click()

    page.wait_for_url(live_server.url + "/help/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text("call 999 first")).to_be_visible()
    screenshot(page, "help")
    assert_accessible(page)


def test_a_manager_opens_the_audit_page_from_the_header_and_each_log_from_it(
    page, live_server, demo_users, screenshot
):
    sign_in(page, live_server, "manager@example.org", "/reports/")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit").click()

    page.wait_for_url(live_server.url + "/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit")
    screenshot(page, "audit")
    assert_accessible(page)
    page.get_by_role("link", name="Information-sharing log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information-sharing log")
