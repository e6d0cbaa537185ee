"""Real-browser tests: Chromium driven by Playwright against pytest-django's live server.

Every test in this folder is marked `browser`. Without Chromium they are skipped, unless
ALIGNS_REQUIRE_BROWSER=true, when they fail instead so that they cannot silently vanish.

Screenshots of the pages visited are saved under test-artifacts/browser/ for people to
look at; nothing asserts on them.
"""

import os
import re
from pathlib import Path

import pytest

from tests.browser.support import DESKTOP

# Playwright's sync API runs an event loop in the main thread; without this, Django
# refuses database access from that thread (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
ARTIFACTS_DIR = HERE.parent.parent / "test-artifacts" / "browser"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (
    f"Chromium not found at {CHROMIUM}: install Debian's chromium to run browser tests"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _browser_required():
    return os.environ.get("ALIGNS_REQUIRE_BROWSER", "").strip().lower() == "true"


def _chromium_available():
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def _in_this_folder(item):
    return HERE in Path(str(item.path)).resolve().parents


# --- Collection: mark, and skip (or fail) without Chromium -------------------------------


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items, so touch only the ones in this folder.
    missing = not _chromium_available()
    for item in items:
        if not _in_this_folder(item):
            continue
        item.add_marker(pytest.mark.browser)
        if missing and not _browser_required():
            item.add_marker(pytest.mark.skip(reason=CHROMIUM_MISSING))


def pytest_runtest_setup(item):
    # Hooks that take an item are only called for items under this conftest's folder.
    if _browser_required() and not _chromium_available():
        pytest.fail(f"{CHROMIUM_MISSING} (ALIGNS_REQUIRE_BROWSER=true)", pytrace=False)


# --- Browser, context and page ---------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def viewport():
    """The page's viewport. Override with `@pytest.mark.parametrize("viewport", [PHONE])`."""
    return DESKTOP


@pytest.fixture
def page(browser, viewport):
    """A page in a fresh browser context (no cookies shared between tests).

    Fails the test if a static file fails to load or the page throws a JavaScript error.
    """
    context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []

    def on_response(response):
        if "/static/" in response.url and response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    def on_request_failed(request):
        # A navigation cancels the previous page's loads; that is not a fault.
        if "ERR_ABORTED" not in (request.failure or ""):
            problems.append(f"{request.failure} {request.url}")

    def on_page_error(error):
        problems.append(f"JavaScript error: {error}")

    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("pageerror", on_page_error)
    yield page
    reported = list(problems)  # before closing, which cancels whatever is still loading
    context.close()
    assert not reported, "The browser reported problems:\n" + "\n".join(reported)


# --- Demo data ---------------------------------------------------------------------------


@pytest.fixture
def demo_users(transactional_db, settings):
    """The demo scheme's users, seeded into the database the live server reads.

    A fast password hasher keeps seeding and signing in quick; the live server runs in
    this process, so it sees the same settings.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from aligns.accounts.demo import DEMO_USERS, seed_demo

    seed_demo()
    return DEMO_USERS


# --- Helpers -----------------------------------------------------------------------------


@pytest.fixture
def screenshot(request):
    """screenshot(page, step): save a full-page PNG as test-artifacts/browser/<test>-<step>.png."""
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")

    def save(page, step):
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS_DIR / f"{test_name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
