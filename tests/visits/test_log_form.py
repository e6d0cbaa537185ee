"""The log form: a concern's questions show only once "I am worried about them" is ticked."""

import datetime

import time_machine
from django.urls import reverse

from aligns.accounts.models import Role
from tests.aligns.test_nhsuk_forms import parse
from tests.visits.conftest import at, supporting
from tests.visits.test_episode_pages import log_data
from visits.models import Concern

THURSDAY = at(2026, 11, 5, 9, 0)
CONCERN_FIELDS = ("id_concern_category", "id_concern_urgency_0", "id_concern_description")


def as_volunteer(client, episode, make_user):
    me = make_user(Role.VOLUNTEER)
    supporting(episode, me)
    client.force_login(me)
    return reverse("visits:log", args=[episode.pk])


def reveal(dom):
    box = dom.by_id("id_raise_concern")
    return box, dom.by_id(box.attrs["data-aria-controls"])


def inside(element, dom, element_id):
    return dom.by_id(element_id) in list(element.iter())


def test_the_concern_questions_are_revealed_by_the_worried_box_and_start_closed(
    client, episode, make_user
):
    url = as_volunteer(client, episode, make_user)

    with time_machine.travel(THURSDAY, tick=False):
        dom = parse(client.get(url).content.decode())

    box, conditional = reveal(dom)
    assert "checked" not in box.attrs
    assert conditional.classes == [
        "nhsuk-checkboxes__conditional",
        "nhsuk-checkboxes__conditional--hidden",
    ]
    assert conditional.parent.classes == ["nhsuk-checkboxes"]
    assert all(inside(conditional, dom, field) for field in CONCERN_FIELDS)
    assert not inside(conditional, dom, "id_notes")


def test_nothing_urgent_is_chosen_for_the_volunteer(client, episode, make_user):
    url = as_volunteer(client, episode, make_user)

    with time_machine.travel(THURSDAY, tick=False):
        dom = parse(client.get(url + "?worried=1").content.decode())

    urgencies = dom.find_all("input", name="concern_urgency")
    assert len(urgencies) == 2
    assert not [radio for radio in urgencies if "checked" in radio.attrs]


def test_raise_a_concern_opens_the_form_with_the_box_ticked_and_the_questions_showing(
    client, episode, make_user
):
    url = as_volunteer(client, episode, make_user)

    with time_machine.travel(THURSDAY, tick=False):
        dom = parse(client.get(url + "?worried=1").content.decode())

    box, conditional = reveal(dom)
    assert "checked" in box.attrs
    assert conditional.classes == ["nhsuk-checkboxes__conditional"]


def test_a_ticked_box_without_a_kind_or_urgency_says_so_at_each_and_keeps_what_was_typed(
    client, episode, make_user
):
    url = as_volunteer(client, episode, make_user)

    with time_machine.travel(THURSDAY, tick=False):
        response = client.post(
            url,
            log_data(raise_concern="on", notes="Kept note", concern_description="Fell last night"),
        )

    assert response.status_code == 200
    dom = parse(response.content.decode())
    summary = dom.find_all("div", class_="nhsuk-error-summary")[0]
    assert [(link.attrs["href"], link.text) for link in summary.find_all("a")] == [
        ("#id_concern_category", "Choose what kind of worry it is"),
        ("#id_concern_urgency_0", "Choose how urgent it is"),
    ]
    assert dom.by_id("id_concern_category-error").text == "Error: Choose what kind of worry it is"
    assert dom.by_id("id_concern_urgency-error").text == "Error: Choose how urgent it is"
    box, conditional = reveal(dom)
    assert "checked" in box.attrs
    assert conditional.classes == ["nhsuk-checkboxes__conditional"]
    assert dom.by_id("id_concern_description").text == "Fell last night"
    assert dom.by_id("id_notes").text == "Kept note"
    assert not Concern.objects.exists() and not episode.contacts.exists()


def test_a_day_before_the_support_began_is_refused_beside_the_date_and_nothing_is_lost(
    client, episode, make_user
):
    """The episode's referral was accepted on Monday 2 November 2026: a call logged as made
    the day before cannot belong to it (it would count as the first contact, before the
    discharge, in the commissioners' figures)."""
    url = as_volunteer(client, episode, make_user)

    with time_machine.travel(THURSDAY, tick=False):
        response = client.post(url, log_data(happened_on_day="1", notes="Kept note"))
        on_the_day = client.post(url, log_data(happened_on_day="2"))

    dom = parse(response.content.decode())
    message = "The referral was received on 2 November 2026: the date must be that day or later."
    summary = dom.find_all("div", class_="nhsuk-error-summary")[0]
    assert [link.text for link in summary.find_all("a")] == [message]
    assert dom.by_id("id_happened_on-error").text == f"Error: {message}"
    assert dom.by_id("id_notes").text == "Kept note"
    assert on_the_day.status_code == 302
    assert episode.contacts.count() == 1
    assert episode.contacts.get().happened_at.date() == datetime.date(2026, 11, 2)


def test_the_volunteer_is_thanked_for_a_call_and_a_coordinator_told_it_is_logged(
    client, episode, coordinator, make_user
):
    volunteer = make_user(Role.VOLUNTEER)
    supporting(episode, volunteer)
    url = reverse("visits:log", args=[episode.pk])
    said = {}
    with time_machine.travel(at(2026, 11, 4, 15, 0), tick=False):
        for person in (volunteer, coordinator):
            client.force_login(person)
            page = client.post(url, log_data(), follow=True).content.decode()
            said[person.role] = " ".join(page.split())

    given_name = episode.client.given_name
    assert f"Thank you for supporting {given_name}" in said[Role.VOLUNTEER]
    assert "Call or visit logged." in said[Role.COORDINATOR]
    assert "Thank you for supporting" not in said[Role.COORDINATOR]


def test_raise_a_concern_from_today_opens_a_page_headed_so_that_says_what_to_fill_in(
    client, episode, make_user
):
    volunteer = make_user(Role.VOLUNTEER)
    supporting(episode, volunteer)
    client.force_login(volunteer)
    url = reverse("visits:log", args=[episode.pk])

    worried = parse(client.get(url + "?worried=1").content.decode())
    logging = parse(client.get(url).content.decode())

    assert worried.find_all("h1")[0].text == "Raise a concern"
    assert "then, below, what worries you" in worried.text
    assert logging.find_all("h1")[0].text == "Log a call or visit"


def test_how_the_client_seemed_is_kept_and_shown_to_the_coordinator_on_the_episode(
    client, episode, coordinator, make_user
):
    """The volunteer's answer to "How did they seem?" is what a coordinator reads when
    deciding whether someone is struggling: it must reach the episode page, and "Did not say"
    must not be shown as a mood."""
    url = as_volunteer(client, episode, make_user)
    with time_machine.travel(at(2026, 11, 4, 15, 0), tick=False):
        client.post(url, log_data(wellbeing="2", notes="Said the nights are long"))
        client.post(url, log_data(happened_on_day="3", wellbeing="", notes="Bright today"))
    client.force_login(coordinator)

    page = client.get(reverse("visits:episode", args=[episode.pk])).content.decode()

    lines = [" ".join(item.text.split()) for item in parse(page).find_all("li")]
    low = next(line for line in lines if "Said the nights are long" in line)
    bright = next(line for line in lines if "Bright today" in line)
    assert "; seemed low" in low
    assert "seemed" not in bright
    assert sorted(episode.contacts.values_list("wellbeing", flat=True), key=str) == [2, None]
