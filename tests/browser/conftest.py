"""Real-browser tests: Chromium driven by Playwright against pytest-django's live server.

Every test in this folder is marked `browser`. Without Chromium they are skipped, unless
ALIGNS_REQUIRE_BROWSER=true, when they fail instead so that they cannot silently vanish.

Screenshots of the pages visited are saved under test-artifacts/browser/ for people to
look at; nothing asserts on them.
"""

import logging
import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

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

    Fails the test if a static file fails to load, the page throws a JavaScript error or
    the browser refuses something under the Content Security Policy.
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

    def on_console(message):
        # Chromium reports each refusal under the policy as a console error.
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP: {message.text}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("pageerror", on_page_error)
    yield page
    reported = list(problems)  # before closing, which cancels whatever is still loading
    context.close()
    assert not reported, "The browser reported problems:\n" + "\n".join(reported)


# --- What the journey logged ------------------------------------------------------------

# The apps holding people's details, and the fields that name them.
PERSONAL_APPS = ("referrals", "clients", "visits", "volunteers")
NAME_FIELDS = ("given_name", "family_name", "nhs_number")


def _personal_values():
    """Names, NHS numbers and free-text notes in the database now (the demo's and the test's)."""
    values = set()
    for label in PERSONAL_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if field.name in NAME_FIELDS or isinstance(field, models.TextField)
            ]
            for row in model.objects.values_list(*fields) if fields else ():
                values.update(value for value in row if value and len(value) >= 4)
    return values


class _Collector(logging.Handler):
    def __init__(self, filters):
        super().__init__(level=logging.DEBUG)
        self.lines = []
        for log_filter in filters:
            self.addFilter(log_filter)

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture(autouse=True)
def logs_name_nobody(transactional_db):
    """Whatever the app logs during a journey, through the filters of the configured console
    handler, holds none of the names, NHS numbers or notes the journey left in the database.

    The live server runs in this process, so its requests, services and tasks all log here.
    """
    root, django_logger = logging.getLogger(), logging.getLogger("django")
    configured = [log_filter for handler in root.handlers for log_filter in handler.filters]
    collector = _Collector(configured)
    for logger in (root, django_logger):
        logger.addHandler(collector)
    yield
    for logger in (root, django_logger):
        logger.removeHandler(collector)
    logged = "\n".join(collector.lines).lower()
    leaked = sorted(value for value in _personal_values() if value.lower() in logged)
    assert not leaked, f"The logs hold personal details: {leaked}\n{logged[:2000]}"


# --- Demo data ---------------------------------------------------------------------------


@pytest.fixture
def demo_users(transactional_db, settings):
    """The demo scheme's users, seeded into the database the live server reads.

    A fast password hasher keeps seeding and signing in quick; the live server runs in
    this process, so it sees the same settings.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from aligns.accounts.demo import DEMO_USERS
    from records.demo import seed_demo

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
