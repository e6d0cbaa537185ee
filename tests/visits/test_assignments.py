"""Offering a client to a volunteer, their answer, withdrawing an offer, and ending it."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from aligns.accounts.models import Role
from visits.models import Alert, AlertKind, AssignmentStatus
from visits.services import (
    EpisodeActionRefused,
    assignment_accept,
    assignment_decline,
    episode_assign_volunteer,
    episode_shortlist,
)
from visits.sweeps import sweep_unanswered_offers
from volunteers.services import dbs_record, volunteer_move


@pytest.fixture
def volunteer_user(make_user):
    return make_user(Role.VOLUNTEER)


def test_a_coordinator_offers_and_the_volunteer_accepts(
    make_volunteer, make_episode, coordinator, volunteer_user
):
    volunteer = make_volunteer(user=volunteer_user)
    episode = make_episode()

    offer = episode_assign_volunteer(episode=episode, volunteer=volunteer, by=coordinator)
    accepted = assignment_accept(assignment=offer, by=volunteer_user)

    assert offer.status == AssignmentStatus.OFFERED
    assert accepted.status == AssignmentStatus.ACCEPTED
    reasons = [row.history_change_reason for row in accepted.history.order_by("history_date")]
    assert reasons == ["Offered to the volunteer", "Accepted by the volunteer"]
    assert accepted.history.latest().history_user == volunteer_user


def test_someone_else_cannot_answer_a_volunteers_offer(
    make_volunteer, make_episode, coordinator, volunteer_user, make_user
):
    offer = episode_assign_volunteer(
        episode=make_episode(), volunteer=make_volunteer(user=volunteer_user), by=coordinator
    )

    with pytest.raises(EpisodeActionRefused) as refused:
        assignment_accept(assignment=offer, by=make_user(Role.VOLUNTEER))

    assert str(refused.value) == "Only the volunteer it was offered to can answer this offer."


def test_an_offer_answered_already_cannot_be_answered_again_and_says_how_it_was_answered(
    make_volunteer, make_episode, coordinator, volunteer_user
):
    offer = episode_assign_volunteer(
        episode=make_episode(), volunteer=make_volunteer(user=volunteer_user), by=coordinator
    )
    assignment_accept(assignment=offer, by=volunteer_user)

    # A second tap of "Accept" (or "Decline" on a stale page) changes nothing.
    with pytest.raises(EpisodeActionRefused) as again:
        assignment_decline(assignment=offer, by=volunteer_user, reason="Changed my mind")

    assert str(again.value) == "This offer was already accepted."
    offer.refresh_from_db()
    assert offer.status == AssignmentStatus.ACCEPTED


def test_declining_needs_a_reason_and_frees_the_episode_for_someone_else(
    make_volunteer, make_episode, coordinator, volunteer_user
):
    first = make_volunteer(user=volunteer_user, given_name="First")
    second = make_volunteer(given_name="Second")
    episode = make_episode()
    offer = episode_assign_volunteer(episode=episode, volunteer=first, by=coordinator)

    with pytest.raises(EpisodeActionRefused, match="Say why"):
        assignment_decline(assignment=offer, by=volunteer_user, reason="  ")
    assignment_decline(assignment=offer, by=volunteer_user, reason="Going away")
    again = episode_assign_volunteer(episode=episode, volunteer=second, by=coordinator)

    assert again.volunteer == second


def test_an_episode_cannot_be_offered_twice_at_once(make_volunteer, make_episode, coordinator):
    episode = make_episode()
    episode_assign_volunteer(episode=episode, volunteer=make_volunteer(), by=coordinator)

    with pytest.raises(EpisodeActionRefused, match="already has a volunteer"):
        episode_assign_volunteer(
            episode=episode, volunteer=make_volunteer(given_name="Other"), by=coordinator
        )


def test_an_ineligible_volunteer_cannot_be_assigned_even_by_a_crafted_request(
    make_volunteer, make_episode, coordinator
):
    volunteer = make_volunteer()
    volunteer_move(volunteer=volunteer, stage="paused", by=coordinator, reason="Unwell")

    with pytest.raises(EpisodeActionRefused, match="Not active"):
        episode_assign_volunteer(episode=make_episode(), volunteer=volunteer, by=coordinator)


def test_an_offer_takes_a_place_in_the_volunteers_caseload(
    make_volunteer, make_episode, coordinator
):
    volunteer = make_volunteer(max_active_clients=1)
    episode_assign_volunteer(episode=make_episode(), volunteer=volunteer, by=coordinator)

    with pytest.raises(EpisodeActionRefused, match="At their limit"):
        episode_assign_volunteer(episode=make_episode(), volunteer=volunteer, by=coordinator)


def test_a_lapsed_check_drops_the_volunteer_out_of_matching_until_renewed(
    make_volunteer, make_episode, coordinator
):
    volunteer = make_volunteer()
    episode = make_episode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1001), tick=False):
        assert episode_shortlist(episode).shortlist == []
        dbs_record(
            volunteer=volunteer,
            by=coordinator,
            level="enhanced",
            certificate_number="001111111111",
            issued_on=timezone.localdate(),
            recheck_due=timezone.localdate() + datetime.timedelta(days=1095),
        )
        # Training lasts 36 months: still current at 1001 days.
        assert [c.volunteer for c in episode_shortlist(episode).shortlist] == [volunteer]


def test_a_coordinator_withdraws_an_unanswered_offer_and_can_offer_again(
    make_volunteer, make_episode, coordinator, client
):
    silent = make_volunteer(given_name="Silent")
    other = make_volunteer(given_name="Other")
    episode = make_episode()
    offer = episode_assign_volunteer(episode=episode, volunteer=silent, by=coordinator)
    client.force_login(coordinator)
    url = reverse("visits:offer_withdraw", args=[episode.pk])

    refused = client.post(url, {"reason": ""})
    client.post(url, {"reason": "No answer for a week"})
    again = episode_assign_volunteer(episode=episode, volunteer=other, by=coordinator)

    assert "Say why" in refused.content.decode()
    offer.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (
        AssignmentStatus.WITHDRAWN,
        "No answer for a week",
    )
    assert again.volunteer == other


# --- The volunteer is told at once; coordinators when nobody answers ------------------------


def test_offering_emails_the_volunteer_at_once_naming_nobody(
    client, make_volunteer, make_episode, coordinator, volunteer_user,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    volunteer = make_volunteer(user=volunteer_user, email="val@example.org")
    episode = make_episode(given_name="Winifred")
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("visits:offer", args=[episode.pk]), {"volunteer": volunteer.pk})

    (message,) = mail.outbox
    assert message.to == ["val@example.org"]
    assert "say yes or no" in message.subject
    text = message.subject + message.body
    for detail in ("Winifred", episode.client.family_name, episode.client.postcode):
        assert detail not in text


def test_an_offer_withdrawn_before_its_email_goes_sends_nothing(
    make_volunteer, make_episode, coordinator, queued_tasks
):
    from aligns.celery import app
    from visits.services import assignment_withdraw

    episode = make_episode()
    offer = episode_assign_volunteer(episode=episode, volunteer=make_volunteer(), by=coordinator)
    assignment_withdraw(assignment=offer, by=coordinator, reason="Offered by mistake")
    for name, kwargs, _options in queued_tasks:
        app.tasks[name].apply(kwargs=kwargs)

    assert mail.outbox == []


@pytest.fixture
def offered_at_nine(make_volunteer, make_episode, coordinator):
    with time_machine.travel(NINE, tick=False):
        episode = make_episode()  # waiting for discharge: no first call yet
        return episode_assign_volunteer(episode=episode, volunteer=make_volunteer(), by=coordinator)


NINE = timezone.make_aware(datetime.datetime(2026, 11, 23, 9, 0))


def test_an_offer_unanswered_for_a_day_alerts_the_coordinators_once(offered_at_nine, send_messages):
    before = sweep_unanswered_offers(NINE + datetime.timedelta(hours=23, minutes=59))
    due = sweep_unanswered_offers(NINE + datetime.timedelta(hours=24))
    again = sweep_unanswered_offers(NINE + datetime.timedelta(hours=30))
    send_messages()

    assert (before, due, again) == (0, 1, 0)
    alert = Alert.objects.get()
    assert (alert.kind, alert.assignment, alert.episode) == (
        AlertKind.OFFER_UNANSWERED,
        offered_at_nine,
        offered_at_nine.episode,
    )
    coordinators_email = [m for m in mail.outbox if "not answered" in m.body]
    assert len(coordinators_email) == 1
    assert offered_at_nine.episode.client.given_name not in coordinators_email[0].body


def test_an_answered_offer_alerts_nobody(offered_at_nine, volunteer_user):
    offered_at_nine.volunteer.user = volunteer_user
    offered_at_nine.volunteer.save()
    assignment_accept(assignment=offered_at_nine, by=volunteer_user)

    assert sweep_unanswered_offers(NINE + datetime.timedelta(days=3)) == 0
    assert not Alert.objects.exists()


def test_an_offer_alerts_sooner_when_the_first_call_falls_due_within_the_wait(
    make_volunteer, make_episode, coordinator, scheme
):
    from aligns.accounts.models import Scheme
    from visits.services import episode_record_discharge

    Scheme.objects.filter(pk=scheme.pk).update(first_contact_hours=24, offer_answer_hours=24)
    with time_machine.travel(NINE, tick=False):
        episode = make_episode()
        # Home yesterday: the first call is due at midday today, within the day's wait.
        episode_record_discharge(
            episode=episode, discharged_on=NINE.date() - datetime.timedelta(days=1),
            by=coordinator,
        )  # fmt: skip
        episode_assign_volunteer(episode=episode, volunteer=make_volunteer(), by=coordinator)

    assert sweep_unanswered_offers(NINE + datetime.timedelta(minutes=5)) == 1


# --- In the volunteer's language (docs/welsh.md) ---------------------------------------------


def test_a_volunteer_who_chose_welsh_is_offered_a_client_in_welsh(
    client, make_volunteer, make_episode, coordinator, make_user,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    welsh = make_user(Role.VOLUNTEER, preferred_language="cy")
    english = make_user(Role.VOLUNTEER)
    offered = {}
    client.force_login(coordinator)
    for person, postcode in ((welsh, "AB1 2AA"), (english, "AB1 3AA")):
        volunteer = make_volunteer(user=person, postcode=postcode)
        episode = make_episode()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("visits:offer", args=[episode.pk]), {"volunteer": volunteer.pk})
        offered[person.pk] = mail.outbox[-1]

    in_welsh, in_english = offered[welsh.pk], offered[english.pk]
    assert "cleient newydd i ddweud ie neu na" in in_welsh.subject
    assert "Mewngofnodwch i ALIGNS" in in_welsh.body
    assert in_welsh.extra_headers["Content-Language"] == "cy"
    assert "a new client to say yes or no to" in in_english.subject
    assert in_english.extra_headers["Content-Language"] == "en-gb"
    # The page the coordinator was on stays in English: the email's language is the reader's.
    assert translation.get_language() == "en-gb"
