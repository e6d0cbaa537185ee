"""The volunteer's Today cards: the last contact in words, done today, raising a concern, and the
next phone call (not a planned visit)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from aligns.accounts.models import Role
from aligns.dates import date_at
from tests.aligns.test_nhsuk_forms import parse
from tests.visits.conftest import MONDAY, at, supporting
from tests.visits.test_visit_hold import sign_off_low_risk
from visits.figures import needs_kept
from visits.models import (
    OUTSTANDING_CALL_STATUSES,
    Assignment,
    CallKind,
    Contact,
    ScheduledCall,
)

THURSDAY = at(2026, 11, 5, 9, 0)


@pytest.fixture
def episodes(make_active_episode):
    with time_machine.travel(MONDAY, tick=False):
        return [
            make_active_episode(went_home=datetime.date(2026, 11, 2), given_name=name)
            for name in ("Doreen", "Reginald")
        ]


def signed_in_volunteer(client, make_user, episodes):
    me = make_user(Role.VOLUNTEER)
    volunteer = supporting(episodes[0], me)
    for episode in episodes[1:]:
        Assignment.objects.create(
            episode=episode, volunteer=volunteer, status="accepted", offered_by=episode.opened_by
        )
    client.force_login(me)
    return me


def contact(episode, by, kind, happened_at, answered):
    return Contact.objects.create(
        episode=episode, kind=kind, happened_at=happened_at, answered=answered, logged_by=by
    )


def today_cards(client, when=THURSDAY):
    with time_machine.travel(when, tick=False):
        dom = parse(client.get(reverse("visits:today")).content.decode())
    cards = {}
    for card in dom.find_all("div", class_="nhsuk-card"):
        (heading,) = card.find_all("h2") or (None,)
        if heading is not None:
            cards[heading.text] = card
    return cards


def test_each_card_says_the_last_contact_in_plain_words(client, make_user, episodes):
    me = signed_in_volunteer(client, make_user, episodes)
    doreen, reginald = episodes
    contact(doreen, me, CallKind.CALL, at(2026, 11, 2, 15, 0), answered=False)
    contact(doreen, me, CallKind.CALL, at(2026, 11, 3, 11, 0), answered=True)  # Tuesday

    cards = today_cards(client)

    assert "Called Tuesday, answered." in cards["Doreen"].text
    assert "No calls or visits logged yet." in cards["Reginald"].text


def test_a_card_says_done_today_once_the_client_was_reached_today(client, make_user, episodes):
    me = signed_in_volunteer(client, make_user, episodes)
    doreen, reginald = episodes
    sign_off_low_risk(doreen.client, doreen.opened_by)
    contact(doreen, me, CallKind.CALL, at(2026, 11, 5, 8, 0), answered=True)
    contact(reginald, me, CallKind.CALL, at(2026, 11, 4, 17, 0), answered=True)

    cards = today_cards(client)
    contact(doreen, me, CallKind.VISIT, at(2026, 11, 5, 8, 30), answered=False)
    after_nobody_came_to_the_door = today_cards(client)

    assert "Called today, answered." in cards["Doreen"].text
    assert "Done today" in cards["Doreen"].text
    assert "Called yesterday, answered." in cards["Reginald"].text
    assert "Done today" not in cards["Reginald"].text
    assert "Visited today, no answer." in after_nobody_came_to_the_door["Doreen"].text
    assert "Done today" not in after_nobody_came_to_the_door["Doreen"].text


def test_each_card_raises_a_concern_through_the_log_form_with_the_box_ticked(
    client, make_user, episodes
):
    signed_in_volunteer(client, make_user, episodes)

    cards = today_cards(client)

    for episode in episodes:
        name = episode.client.given_name
        (link,) = [a for a in cards[name].find_all("a") if a.text.startswith("Raise a concern")]
        assert link.text == f"Raise a concern about {name}"
        assert link.attrs["href"] == reverse("visits:log", args=[episode.pk]) + "?worried=1"


def test_next_call_due_is_the_next_phone_call_and_a_sooner_planned_visit_is_listed_apart(
    client, make_user, episodes
):
    signed_in_volunteer(client, make_user, episodes)
    doreen = episodes[0]
    sign_off_low_risk(doreen.client, doreen.opened_by)
    next_call = (
        doreen.calls.filter(kind=CallKind.CALL, status__in=OUTSTANDING_CALL_STATUSES)
        .order_by("due_at")
        .first()
    )
    visit_due = next_call.due_at - datetime.timedelta(hours=1)
    ScheduledCall.objects.create(episode=doreen, kind=CallKind.VISIT, due_at=visit_due)
    needs_kept([doreen.pk])  # as visit_plan would

    text = today_cards(client)["Doreen"].text

    # How a moment is written is tested in tests/aligns/test_dates_and_words.py; here, which.
    call_words = date_at(next_call.due_at, "l j F")
    visit_words = date_at(visit_due, "l j F")
    assert f"Next call due {call_words}." in text
    assert f"Next call due {visit_words}" not in text
    assert f"Visits planned: {visit_words}." in text


def test_a_card_says_the_client_is_back_in_hospital_or_not_home_yet_and_why_not_to_visit(
    client, make_user, episodes, scheme, coordinator
):
    """Readmitted, a client's card says calls are paused (not "No call due"); one still in
    hospital says when they are expected home; neither offers to plan a visit, and a client
    not yet assessed says not to visit, and why, though no visit is planned."""
    from referrals.services import referral_accept
    from tests.factories import ReferralFactory
    from visits.services import episode_readmit

    doreen, reginald = episodes
    with time_machine.travel(MONDAY, tick=False):
        _, waiting = referral_accept(
            referral=ReferralFactory(
                ward__hospital__scheme=scheme, actual_discharge_date=None, given_name="Stan",
                expected_discharge_date=datetime.date(2026, 11, 9),
            ),
            by=coordinator,
        )  # fmt: skip
        sign_off_low_risk(reginald.client, coordinator)
        episode_readmit(
            episode=doreen, admitted_on=datetime.date(2026, 11, 3), source="ward", reason="",
            by=coordinator,
        )  # fmt: skip
    signed_in_volunteer(client, make_user, [*episodes, waiting])

    cards = {name: " ".join(card.text.split()) for name, card in today_cards(client).items()}

    assert "Back in hospital: calls are paused until they are home again." in cards["Doreen"]
    assert "Not home yet: expected home Monday 9 November." in cards["Stan"]
    for name in ("Doreen", "Stan"):
        assert "Plan a home visit" not in cards[name] and "No call due" not in cards[name]
    assert "Do not visit until your coordinator says so." in cards["Stan"]  # not assessed
    assert "Plan a home visit" in cards["Reginald"]
    assert "Do not visit" not in cards["Reginald"]  # assessed, no hold


def test_a_call_already_due_is_not_called_the_next_call_due(client, make_user, episodes):
    """Home on Monday at midday: the first call is due by Thursday midday. On Friday morning,
    not logged, the card says it was due, not that it is next."""
    signed_in_volunteer(client, make_user, episodes)

    text = today_cards(client, when=at(2026, 11, 6, 9, 0))["Doreen"].text

    assert "Call due Thursday 5 November at midday: not logged yet." in text
    assert "Next call due Thursday" not in text
    assert "Overdue" in text
