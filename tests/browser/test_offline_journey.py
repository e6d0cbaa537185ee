"""A volunteer logs a call and raises a concern without signal, on a 390 × 844 phone.

Today is loaded with signal, so the phone keeps Today and the log forms of the volunteer's
clients. Without signal, the log form opens from what was kept, says so, and a call and a
concern are kept on the phone ("Waiting to send (2)"), the concern with the plain advice to
phone the coordinator or 999. With signal again both are sent ("Sent"), and the coordinator
sees each once. With every page closed, the worker's Background Sync sends a call on its own,
once. Signing out leaves nothing of the client in Cache Storage or IndexedDB; a coordinator's
pages are never kept. A volunteer who chose Welsh reads the queue in Welsh (its words come
from the page, templates/visits/_offline.html).
"""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import expect

from aligns.accounts.demo import DEMO_PASSWORD
from aligns.accounts.models import User
from tests.browser.support import PHONE, assert_accessible, sign_in, sign_out
from tests.browser.test_concern_journey import (
    COORDINATOR,
    GIVEN_NAME,
    VOLUNTEER,
    client_card,
    doreen,
    radio,
    url_path,
)
from visits.models import Assignment, AssignmentStatus, Concern, ConcernCategory, Contact
from visits.views import OFFLINE_SCOPE

CALL_NOTE = "Rang from the lane: no signal at her house. All well."
CONCERN_NOTE = "Visited; she had not eaten since yesterday."
WHAT_HAPPENED = "The fridge was empty and she seemed confused about the day."
SAVED_ON_PHONE = "Saved on this phone. It will be sent when you have signal."
# Back online, the queue sends when the browser says so, then waits for the server's answer:
# on a busy machine (CI) that can take longer than expect's 5 seconds, and on one shared with a
# mutation run beside CI, longer than 20 (seen twice); "Sent" must still come.
SENT_WITHIN_MS = 60_000
OFFLINE_NOTICE = re.compile(
    r"Offline: showing what you saw at (\d{1,2}(:\d\d)?(am|pm)|midday|midnight)"
)
WELSH_OFFLINE_NOTICE = re.compile(
    r"All-lein: yn dangos yr hyn a welsoch am (\d{1,2}(:\d\d)?(yb|yp)|hanner dydd|hanner nos)"
)

# What the phone keeps: the names of its caches and of its IndexedDB databases.
KEPT = """async () => ({
    caches: await caches.keys(),
    databases: (await indexedDB.databases()).map((database) => database.name),
})"""
CACHED_URLS = """async () => {
    const urls = [];
    for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return urls;
}"""


def wait_for(page, script, arg=None, timeout=10):
    """Wait until the script's promise gives true (wait_for_function takes a promise as true)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"Still not true after {timeout}s: {script}"
        page.wait_for_timeout(100)


def wait_until(page, check, timeout, what):
    """Wait until check() is true, letting Playwright deliver its events meanwhile (time.sleep
    would hold them back)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"Still not true after {timeout}s: {what}"
        page.wait_for_timeout(100)


def wait_until_kept(page, *paths):
    wait_for(
        page,
        """async (paths) => {
            const cache = await caches.open("aligns-pages");
            const urls = (await cache.keys()).map((request) => new URL(request.url).pathname);
            return paths.every((path) => urls.includes(path));
        }""",
        list(paths),
    )


def signed_in_with_the_log_form_kept(page, live_server):
    """The volunteer signs in with signal; the phone keeps Today and Doreen's log form.
    (Doreen's open episode, Today's path, the log form's path.)"""
    episode = doreen().support_episodes.open().get()
    today_path = reverse("visits:today")
    log_path = reverse("visits:log", args=[episode.pk])
    sign_in(page, live_server, VOLUNTEER, today_path)
    wait_until_kept(page, today_path, log_path)
    return episode, today_path, log_path


def kept(page):
    return page.evaluate(KEPT)


def log_a_worry(page, *, minutes, notes=None):
    """On the log form: spoke with them, for `minutes`, worried they are not coping (urgent)."""
    radio(page, "Did you speak with them?", "Yes").check()
    page.get_by_label("How long, in minutes?").fill(minutes)
    if notes:
        page.get_by_label("Notes (optional)", exact=True).fill(notes)
    worried = page.get_by_label("I am worried about them: raise a concern")
    if not worried.is_checked():
        worried.check()
    page.get_by_label("What kind of worry?").select_option(label="Not coping at home")
    radio(page, "How urgent?", "Needs action today").check()
    page.get_by_label("What happened?").fill(WHAT_HAPPENED)
    page.get_by_role("button", name="Save").click()


def log_a_call_kept_on_the_phone(page, live_server, today_path):
    """Without signal, log a ten-minute call with the client from Today: kept on the phone."""
    client_card(page, GIVEN_NAME).get_by_role(
        "link", name=f"Log a call or visit with {GIVEN_NAME}", exact=True
    ).click()
    radio(page, "Did you speak with them?", "Yes").check()
    page.get_by_label("How long, in minutes?").fill("10")
    page.get_by_label("Notes (optional)", exact=True).fill(CALL_NOTE)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(re.escape(live_server.url + today_path)))
    status = page.locator("[data-offline-status]")
    expect(status.get_by_role("heading")).to_have_text("Waiting to send (1)")
    return status


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_volunteer_logs_a_call_and_a_concern_without_signal_and_both_arrive_once(
    page, live_server, demo_users, screenshot
):
    episode = doreen().support_episodes.open().get()
    today_path = reverse("visits:today")
    log_path = reverse("visits:log", args=[episode.pk])
    contacts_before = Contact.objects.filter(episode=episode).count()
    concerns_before = Concern.objects.filter(episode=episode).count()

    sign_in(page, live_server, VOLUNTEER, today_path)
    wait_until_kept(page, today_path, log_path)

    # --- No signal: the log form from what the phone kept -----------------------------------
    page.context.set_offline(True)
    card = client_card(page, GIVEN_NAME)
    card.get_by_role("link", name=f"Log a call or visit with {GIVEN_NAME}", exact=True).click()
    page.wait_for_url(live_server.url + log_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a call or visit")
    expect(page.get_by_text(OFFLINE_NOTICE)).to_be_visible()
    radio(page, "What was it?", "Phone call").check()
    radio(page, "Did you speak with them?", "Yes").check()
    page.get_by_label("How long, in minutes?").fill("10")
    page.get_by_label("Notes (optional)", exact=True).fill(CALL_NOTE)
    page.get_by_role("button", name="Save").click()

    # --- Back on Today, as kept: the call waits ----------------------------------------------
    page.wait_for_url(re.compile(re.escape(live_server.url + today_path)))
    expect(page.get_by_text(SAVED_ON_PHONE)).to_be_visible()
    status = page.locator("[data-offline-status]")
    expect(status.get_by_role("heading")).to_have_text("Waiting to send (1)")
    expect(status).to_contain_text(f"Call with {GIVEN_NAME}")
    screenshot(page, "1-today-offline-one-waiting")
    assert_accessible(page)

    # --- A concern, without signal ------------------------------------------------------------
    card = client_card(page, GIVEN_NAME)
    card.get_by_role("link", name=f"Raise a concern about {GIVEN_NAME}", exact=True).click()
    expect(page.get_by_text(OFFLINE_NOTICE)).to_be_visible()
    radio(page, "What was it?", "Home visit").check()
    log_a_worry(page, minutes="45", notes=CONCERN_NOTE)

    page.wait_for_url(re.compile(re.escape(live_server.url + today_path)))
    urgent = page.locator("[data-offline-saved=concern]")
    expect(urgent.get_by_role("heading")).to_contain_text("Your concern has not been sent yet")
    expect(urgent).to_contain_text("If it is urgent, phone your coordinator now on 01632 960001.")
    expect(urgent.get_by_role("link", name="01632 960001")).to_have_attribute(
        "href", "tel:01632960001"
    )
    expect(urgent).to_contain_text("If someone is in danger, call 999.")
    expect(status.get_by_role("heading")).to_have_text("Waiting to send (2)")
    expect(status).to_contain_text(f"Visit and concern with {GIVEN_NAME}")
    screenshot(page, "2-today-offline-two-waiting")
    assert_accessible(page)
    assert Contact.objects.filter(episode=episode).count() == contacts_before

    # --- Signal again: both are sent, once ------------------------------------------------------
    page.context.set_offline(False)
    expect(status.get_by_role("heading")).to_have_text("Sent", timeout=SENT_WITHIN_MS)
    screenshot(page, "3-today-sent")
    page.reload()  # a later load sends nothing again
    page.wait_for_load_state("networkidle")
    contacts = Contact.objects.filter(episode=episode).order_by("pk")
    assert contacts.count() == contacts_before + 2
    assert [contact.notes for contact in contacts][-2:] == [CALL_NOTE, CONCERN_NOTE]
    concern = Concern.objects.filter(episode=episode).order_by("pk").last()
    assert Concern.objects.filter(episode=episode).count() == concerns_before + 1
    assert concern.category == ConcernCategory.NOT_COPING
    assert concern.description == WHAT_HAPPENED

    # --- Signing out leaves nothing on the phone ----------------------------------------------
    sign_out(page, live_server)
    wait_for(
        page,
        """async () => (await caches.keys()).length === 0
            && (await indexedDB.databases()).length === 0""",
    )
    assert kept(page) == {"caches": [], "databases": []}

    # --- The coordinator sees the concern once -----------------------------------------------
    sign_in(page, live_server, COORDINATOR, reverse("referrals:queue"))
    page.goto(live_server.url + reverse("visits:work_queue"))
    alerts = page.get_by_role("main").get_by_role("table")
    concern_link = alerts.get_by_role("link", name=re.compile(f"concern about {GIVEN_NAME}"))
    expect(concern_link).to_have_count(1)
    page.goto(live_server.url + reverse("visits:episode", args=[episode.pk]))
    expect(page.get_by_role("main").get_by_text(CALL_NOTE)).to_have_count(1)
    expect(page.get_by_role("main").get_by_text(CONCERN_NOTE)).to_have_count(1)


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_coordinators_pages_are_never_kept_even_by_a_running_offline_worker(
    page, live_server, demo_users
):
    episode = doreen().support_episodes.open().get()
    sign_in(page, live_server, COORDINATOR, reverse("referrals:queue"))
    # The worker starts only on a volunteer's pages; here it is started by hand, as if a
    # volunteer had used this phone before, to show what it does with a coordinator's pages.
    page.goto(live_server.url + reverse("visits:board"))
    page.evaluate(
        """async (url) => {
            await navigator.serviceWorker.register(url, {scope: "/visits/"});
            await navigator.serviceWorker.ready;
        }""",
        reverse("visits:offline_worker"),
    )
    for path in (
        reverse("visits:board"),
        reverse("visits:episode", args=[episode.pk]),
        reverse("visits:log", args=[episode.pk]),
        reverse("visits:work_queue"),
    ):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.evaluate("() => Boolean(navigator.serviceWorker.controller)")
    cached = page.evaluate(CACHED_URLS)
    # The worker was at work (it kept the stylesheet) but kept no page.
    assert any("/static/css/" in url for url in cached), cached
    assert not [url for url in cached if "/static/" not in url], cached


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_concern_the_server_refuses_stays_on_the_phone_saying_why_until_dismissed(
    page, live_server, demo_users, screenshot
):
    episode = doreen().support_episodes.open().get()
    today_path = reverse("visits:today")
    log_path = reverse("visits:log", args=[episode.pk])
    concerns_before = Concern.objects.count()
    sign_in(page, live_server, VOLUNTEER, today_path)
    wait_until_kept(page, today_path, log_path)

    page.context.set_offline(True)
    card = client_card(page, GIVEN_NAME)
    card.get_by_role("link", name=f"Raise a concern about {GIVEN_NAME}", exact=True).click()
    log_a_worry(page, minutes="5")
    page.wait_for_url(re.compile(re.escape(live_server.url + today_path)))
    status = page.locator("[data-offline-status]")
    expect(status.get_by_role("heading")).to_have_text("Waiting to send (1)")

    # While the phone has no signal, the volunteer's support for Doreen ends.
    Assignment.objects.filter(episode=episode, volunteer__user__email=VOLUNTEER).update(
        status=AssignmentStatus.ENDED
    )
    page.context.set_offline(False)
    expect(status.get_by_role("heading")).to_have_text("Not sent (1)")
    expect(status).to_contain_text("not sent. This client is no longer on your list")
    expect(status).to_contain_text("Phone your coordinator and tell them what you logged")
    expect(status).to_contain_text("If it is urgent, phone your coordinator now.")
    screenshot(page, "refused")
    assert_accessible(page)

    # Still there on the next load, which no longer lists Doreen nor keeps her log form.
    page.reload()
    expect(client_card(page, GIVEN_NAME)).to_have_count(0)
    expect(status.get_by_role("heading")).to_have_text("Not sent (1)")
    wait_for(
        page,
        """async (path) => !(await (await caches.open("aligns-pages")).keys())
            .some((request) => new URL(request.url).pathname === path)""",
        log_path,
    )

    # Signing out would delete it: the first press says so and stays.
    page.get_by_role("button", name="Sign out").click()
    expect(status).to_contain_text("If you sign out now, what has not been sent is deleted")
    assert url_path(page) == today_path

    status.get_by_role("button", name="I have dealt with this").click()
    expect(status).to_be_hidden()
    assert Concern.objects.count() == concerns_before
    sign_out(page, live_server)  # with nothing waiting, at the first press


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_call_whose_sign_in_ended_before_it_was_sent_is_sent_once_they_sign_in_again(
    page, live_server, demo_users
):
    episode = doreen().support_episodes.open().get()
    today_path = reverse("visits:today")
    log_path = reverse("visits:log", args=[episode.pk])
    contacts_before = Contact.objects.filter(episode=episode).count()
    sign_in(page, live_server, VOLUNTEER, today_path)
    wait_until_kept(page, today_path, log_path)

    page.context.set_offline(True)
    status = log_a_call_kept_on_the_phone(page, live_server, today_path)

    # A long visit without signal: the sign-in times out.
    Session.objects.all().delete()
    page.context.set_offline(False)
    page.goto(live_server.url + today_path)
    page.wait_for_url(re.compile(re.escape(live_server.url + reverse("login"))))
    held = page.get_by_text("Something you logged without signal has not been sent yet.")
    expect(held).to_be_visible()
    wait_for(page, "async () => (await caches.keys()).length === 0")
    assert kept(page)["databases"] == ["aligns-offline"]
    assert Contact.objects.filter(episode=episode).count() == contacts_before

    page.get_by_label("Email address").fill(VOLUNTEER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(live_server.url + today_path)))
    expect(status.get_by_role("heading")).to_have_text("Sent", timeout=SENT_WITHIN_MS)
    assert [c.notes for c in Contact.objects.filter(episode=episode).order_by("pk")][
        contacts_before:
    ] == [CALL_NOTE]

    sign_out(page, live_server)
    wait_for(page, "async () => (await indexedDB.databases()).length === 0")
    assert kept(page) == {"caches": [], "databases": []}


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_volunteer_who_chose_welsh_sees_what_waits_to_be_sent_in_welsh(
    page, live_server, demo_users
):
    User.objects.filter(email=VOLUNTEER).update(preferred_language="cy")
    episode, today_path, log_path = signed_in_with_the_log_form_kept(page, live_server)

    page.context.set_offline(True)
    client_card(page, GIVEN_NAME).get_by_role(
        "link", name=f"Cofnodi galwad neu ymweliad gyda {GIVEN_NAME}", exact=True
    ).click()
    page.wait_for_url(live_server.url + log_path)
    expect(page.get_by_text(WELSH_OFFLINE_NOTICE)).to_be_visible()
    radio(page, "Wnaethoch chi siarad â nhw?", "Do").check()
    page.get_by_label("Pa mor hir, mewn munudau?").fill("10")
    page.get_by_role("button", name="Cadw").click()

    page.wait_for_url(re.compile(re.escape(live_server.url + today_path)))
    status = page.locator("[data-offline-status]")
    expect(status.get_by_role("heading")).to_have_text("Yn aros i anfon (1)")
    expect(status).to_contain_text(f"Galwad gyda {GIVEN_NAME}, cadwyd ar y ffôn hwn am ")
    expect(status).to_contain_text(": yn aros i anfon.")

    page.context.set_offline(False)
    expect(status.get_by_role("heading")).to_have_text("Wedi anfon", timeout=SENT_WITHIN_MS)


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_call_kept_on_the_phone_is_sent_by_background_sync_once_every_page_is_closed(
    page, live_server, demo_users
):
    """With no ALIGNS page open, no page script can send the call: only the worker's `sync`
    event can, which the test fires itself through the DevTools protocol (as the Application
    panel's "Sync" button does).

    Chromium also fires the sync by itself as soon as the context is online again (Playwright's
    offline reaches the worker, and Background Sync heeds it). So that the call cannot have
    arrived before the test fires the sync, the log form's address stays unreachable for a
    moment while the context comes back online, as when the signal drops again at once: that
    first sync finds no signal and the call waits on. Once the test has seen no call arrive, the
    address is reachable again and the fired sync sends the call, once. Without the worker's
    `sync` handler it never arrives.
    """
    episode = doreen().support_episodes.open().get()
    today_path = reverse("visits:today")
    log_path = reverse("visits:log", args=[episode.pk])
    log_url = live_server.url + log_path

    def calls_arrived():
        return Contact.objects.filter(episode=episode, notes=CALL_NOTE).count()

    sign_in(page, live_server, VOLUNTEER, today_path)
    wait_until_kept(page, today_path, log_path)
    context = page.context

    # --- No signal: the call is kept on the phone ---------------------------------------------
    context.set_offline(True)
    log_a_call_kept_on_the_phone(page, live_server, today_path)

    # --- Every ALIGNS page closed; DevTools watches the worker from a blank page --------------
    blank = context.new_page()
    devtools = context.new_cdp_session(blank)
    registrations = {}
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update(
            (registration["scopeURL"], registration["registrationId"])
            for registration in event["registrations"]
            if not registration["isDeleted"]
        ),
    )
    devtools.send("ServiceWorker.enable")
    scope = live_server.url + OFFLINE_SCOPE
    wait_until(blank, lambda: scope in registrations, 10, "the worker's registration")
    page.close()
    assert [each.url for each in context.pages] == ["about:blank"]

    # --- Online again, but the log form's address not yet reachable: nothing arrives ----------
    tried = []

    def no_signal_yet(route):
        if route.request.method == "POST":
            tried.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.fallback()

    context.route(log_url, no_signal_yet)
    context.set_offline(False)
    # Chromium's own sync, when it fires, tries (and fails) within a moment.
    deadline = time.monotonic() + 3
    while not tried and time.monotonic() < deadline:
        blank.wait_for_timeout(100)
    assert calls_arrived() == 0
    context.unroute(log_url, no_signal_yet)

    # --- The sync event: the worker sends the call, once --------------------------------------
    devtools.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": registrations[scope],
            "tag": "aligns-send",
            "lastChance": False,
        },
    )
    wait_until(blank, calls_arrived, SENT_WITHIN_MS / 1000, "the call sent by the sync event")
    blank.wait_for_timeout(1000)  # nothing sends it a second time
    assert calls_arrived() == 1


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_home_visit_nobody_answered_without_signal_says_to_phone_and_raises_a_concern_once_sent(
    page, live_server, demo_users, screenshot
):
    """Nobody came to the door, and there is no signal on the doorstep: the phone keeps the
    visit and says, as for a concern the volunteer raises, that the coordinators do not know
    yet. Once sent, the concern the code raises reaches them, and the phone says "Sent" (the
    page after it was a page not found, which the phone took for support that had ended)."""
    episode, today_path, log_path = signed_in_with_the_log_form_kept(page, live_server)

    page.context.set_offline(True)
    client_card(page, GIVEN_NAME).get_by_role(
        "link", name=f"Log a call or visit with {GIVEN_NAME}", exact=True
    ).click()
    radio(page, "What was it?", "Home visit").check()
    radio(page, "Did you speak with them?", "No answer").check()
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(re.compile(re.escape(live_server.url + today_path)))
    urgent = page.locator("[data-offline-saved=concern]")
    expect(urgent).to_contain_text("The coordinators do not know about it yet.")
    status = page.locator("[data-offline-status]")
    expect(status).to_contain_text(f"Visit and concern with {GIVEN_NAME}")
    screenshot(page, "nobody-at-the-door-offline")

    page.context.set_offline(False)
    expect(status.get_by_role("heading")).to_have_text("Sent", timeout=SENT_WITHIN_MS)
    concern = Concern.objects.filter(episode=episode).order_by("pk").last()
    assert concern.description == Concern.NO_ANSWER_AT_VISIT
    assert concern.contact.kind == "visit" and not concern.contact.answered
