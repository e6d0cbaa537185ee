"""The volunteer's pages without signal, server side: the worker and the manifest are served
as browsers need them, and only a volunteer's own Today and log form are marked for the
phone to keep (static/js/offline-worker.js keeps nothing else). The words the page's script
draws (the queue of what waits to be sent) come with the page, in the volunteer's language."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from aligns.accounts.models import Role
from tests.i18n import unmarked_words, wrap_translations
from tests.visits.conftest import supporting
from visits.views import OFFLINE_COUNTS, OFFLINE_HEADER


@pytest.fixture
def episode(make_active_episode):
    return make_active_episode(went_home=datetime.date(2026, 11, 2))


@pytest.fixture
def volunteer(episode, make_user):
    user = make_user(Role.VOLUNTEER)
    supporting(episode, user)
    return user


def test_the_offline_worker_is_served_from_visits_as_a_script_that_is_never_kept_long(client):
    response = client.get(reverse("visits:offline_worker"))

    assert response.status_code == 200  # signed out too: the browser checks it for updates
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert reverse("visits:offline_worker").startswith(response["Service-Worker-Allowed"])
    assert response["Service-Worker-Allowed"] == "/visits/"
    assert reverse("visits:today").startswith(response["Service-Worker-Allowed"])
    assert response["Cache-Control"] == "no-cache"
    assert f'"{OFFLINE_HEADER}"' in response.content.decode()


def test_the_manifest_opens_today_from_the_home_screen_and_is_served_without_cookies(client):
    response = client.get(reverse("visits:manifest"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == reverse("visits:today")
    assert manifest["scope"] == "/visits/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_the_policy_lets_our_own_worker_and_manifest_load_and_nothing_else(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]

    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy


@pytest.mark.parametrize("name", ["visits:today", "visits:log"])
def test_a_volunteers_today_and_log_form_are_marked_for_the_phone_to_keep(
    client, episode, volunteer, name
):
    client.force_login(volunteer)
    url = reverse(name, args=[episode.pk] if name == "visits:log" else [])

    response = client.get(url)

    assert response[OFFLINE_HEADER] == "volunteer"
    page = response.content.decode()
    assert f'data-offline-worker="{reverse("visits:offline_worker")}"' in page
    assert f'<link rel="manifest" href="{reverse("visits:manifest")}">' in page


def test_a_log_form_sent_back_with_errors_is_not_marked_for_keeping(client, episode, volunteer):
    client.force_login(volunteer)

    response = client.post(reverse("visits:log", args=[episode.pk]), {"kind": "call"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert OFFLINE_HEADER not in response


def test_a_volunteers_other_pages_are_not_marked_for_keeping(client, volunteer):
    client.force_login(volunteer)

    response = client.get(reverse("visits:offers"))

    assert response.status_code == 200
    assert OFFLINE_HEADER not in response
    assert "data-offline-worker" not in response.content.decode()


def test_a_coordinators_pages_under_visits_are_never_marked_for_keeping(client, episode, make_user):
    client.force_login(make_user(Role.COORDINATOR))

    for url in (
        reverse("visits:board"),
        reverse("visits:episode", args=[episode.pk]),
        reverse("visits:log", args=[episode.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert OFFLINE_HEADER not in response, url
        assert "data-offline-worker" not in response.content.decode(), url


def test_a_page_shown_to_someone_signed_out_tells_the_phone_to_forget_what_it_kept(client):
    page = client.get(reverse("login")).content.decode()

    assert "data-offline-clear" in page
    assert "js/offline.js" in page


def test_a_signed_in_persons_pages_do_not_tell_the_phone_to_forget(client, volunteer):
    client.force_login(volunteer)

    page = client.get(reverse("visits:offers")).content.decode()

    assert "data-offline-clear" not in page


# --- The queue's words, from the page (static/js/offline.js draws them) ---------------------


def _offline_words(html):
    """The <template> of words the page's script reads, as HTML."""
    return re.search(r"<template data-offline-words>(.*?)</template>", html, re.S).group(1)


def test_the_queues_words_are_in_the_page_each_marked_for_translation(
    client, volunteer, monkeypatch
):
    client.force_login(volunteer)
    wrap_translations(monkeypatch)

    words = _offline_words(client.get(reverse("visits:today")).content.decode())

    assert unmarked_words(f"<body>{words}</body>") == []
    # A count's words for each count up to the last the script uses for larger ones.
    waiting = re.search(r'data-word="waiting">(.*?)</p>', words).group(1)
    assert waiting.count("<span>") == len(OFFLINE_COUNTS)


def test_the_queues_words_are_in_the_language_the_volunteer_chose(client, volunteer):
    volunteer.preferred_language = "cy"
    volunteer.save()
    client.force_login(volunteer)

    words = _offline_words(client.get(reverse("visits:today")).content.decode())

    assert "<span>Yn aros i anfon (%(count)s)</span>" in words
    assert '<p data-word="sent">Wedi anfon</p>' in words
    assert '<p data-word="am">%(clock)syb</p>' in words
