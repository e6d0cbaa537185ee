"""A supporting volunteer's DBS check passing its recheck date (docs/safety hazard H14), along
the path the coordinator and the volunteer live: the coordinators are alerted once; the client's
home visits wait (the Today card and the episode page say so, no reminder, not made overdue,
cannot be planned or logged) while phone calls go on; and a renewed check, or the client handed
to another volunteer, ends the hold."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from aligns.accounts.models import Role
from aligns.outbox.models import Message
from records.timeline import timeline
from tests.visits.conftest import at
from tests.visits.test_visit_hold import sign_off_low_risk
from visits.models import (
    Alert,
    AlertKind,
    Assignment,
    AssignmentStatus,
    CallKind,
    CallStatus,
    SupportEpisode,
)
from visits.services import (
    EpisodeActionRefused,
    assignment_accept,
    assignment_end,
    contact_log,
    episode_assign_volunteer,
    episode_close,
    visit_plan,
    visit_refusal,
)
from visits.sweeps import run_sweeps, sweep_lapsed_checks, sweep_overdue, sweep_reminders
from volunteers.models import DbsLevel, Volunteer
from volunteers.services import dbs_record

MONDAY = at(2026, 11, 2, 8, 0)
RECHECK_DUE = datetime.date(2026, 11, 4)  # Wednesday: the check lapses on Thursday
THURSDAY = at(2026, 11, 5, 9, 0)
VISIT_AT = at(2026, 11, 6, 14, 0)  # Friday afternoon
HELD = "The DBS check of Vera Vol has passed its recheck date"
HELD_TOLD_VERA = "Your DBS check has passed its recheck date: no home visits until it is renewed."


def record_check(volunteer, coordinator, *, issued_on, recheck_due):
    return dbs_record(
        volunteer=volunteer, by=coordinator, level=DbsLevel.ENHANCED_BARRED,
        certificate_number="001234567890", issued_on=issued_on, recheck_due=recheck_due,
    )  # fmt: skip


@pytest.fixture
def planned(make_active_episode, coordinator, make_user):
    """Vera (signed in as `user`) supports a client home on Monday, with a visit planned for
    Friday; her DBS check is due for its recheck on Wednesday."""
    with time_machine.travel(MONDAY, tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
        sign_off_low_risk(episode.client, coordinator)
        user = make_user(Role.VOLUNTEER)
        volunteer = Volunteer.objects.create(
            scheme=episode.scheme, user=user, given_name="Vera", family_name="Vol",
            email="vera@example.org", postcode="AB1 2AA",
        )  # fmt: skip
        record_check(
            volunteer, coordinator, issued_on=datetime.date(2023, 11, 4), recheck_due=RECHECK_DUE
        )
        offer = Assignment.objects.create(
            episode=episode, volunteer=volunteer, offered_by=coordinator
        )
        assignment = assignment_accept(assignment=offer, by=user)
        visit = visit_plan(episode=episode, due_at=VISIT_AT, by=coordinator)
    return episode, visit, assignment, user


def test_a_lapsed_check_alerts_the_coordinators_once_from_the_day_after_its_recheck_date(
    planned, coordinator, send_messages
):
    episode, _, assignment, _ = planned

    on_the_day = sweep_lapsed_checks(at(2026, 11, 4, 23, 59))
    next_day = sweep_lapsed_checks(at(2026, 11, 5, 0, 1))
    again = sweep_lapsed_checks(at(2026, 11, 6, 9, 0))
    send_messages()

    assert (on_the_day, next_day, again) == (0, 1, 0)
    alert = Alert.objects.get()
    assert (alert.kind, alert.assignment, alert.episode) == (
        AlertKind.DBS_LAPSED,
        assignment,
        episode,
    )
    assert alert.shown == (
        f"The DBS check of Vera Vol, who supports {episode.client}, is due for renewal: "
        "home visits are on hold"
    )
    assert alert.message == alert.shown  # the record's words, as they were written
    # The message belongs to the scheme, so a failed one shows on that scheme's dashboard.
    assert Message.objects.get(kind="dbs_lapsed").scheme_id == episode.scheme_id
    (email,) = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert "DBS check due for renewal" in email.body
    assert episode.client.family_name not in email.body  # an email names nobody


def test_home_visits_wait_while_the_check_has_lapsed_and_phone_calls_go_on(
    client, planned, coordinator, django_capture_on_commit_callbacks
):
    episode, visit, _, volunteer = planned

    with time_machine.travel(THURSDAY, tick=False):
        client.force_login(volunteer)
        today = client.get(reverse("visits:today")).content.decode()
        client.force_login(coordinator)
        page = client.get(reverse("visits:episode", args=[episode.pk])).content.decode()
        plan_page = client.get(reverse("visits:visit_new", args=[episode.pk])).content.decode()
        with pytest.raises(EpisodeActionRefused, match=HELD):
            visit_plan(episode=episode, due_at=at(2026, 11, 9, 14, 0), by=coordinator)
    # Vera is told of her own check as hers; her coordinator reads whose it is.
    assert "On hold" in today and HELD_TOLD_VERA in today and "You can still phone" in today
    assert HELD not in today
    assert "Home visits are on hold" in page and HELD in page
    assert visit_refusal(episode, on=datetime.date(2026, 11, 5)) == (
        "The DBS check of Vera Vol has passed its recheck date: no home visits until it is "
        "renewed or another volunteer takes over."
    )
    assert HELD in plan_page  # said before the form is filled in, not only once refused

    with django_capture_on_commit_callbacks(execute=True):
        sweep_reminders(at(2026, 11, 6, 7, 0))
        sweep_overdue(at(2026, 11, 7, 9, 0))
    visit.refresh_from_db()
    assert visit.reminded_at is None and visit.status == CallStatus.PENDING
    assert not [m for m in mail.outbox if "visit" in m.body.lower()]
    with time_machine.travel(THURSDAY, tick=False):
        with pytest.raises(EpisodeActionRefused, match=HELD_TOLD_VERA):
            contact_log(
                episode=episode, by=volunteer, kind=CallKind.VISIT, happened_at=THURSDAY,
                answered=True,
            )  # fmt: skip
        call, _ = contact_log(
            episode=episode, by=volunteer, kind=CallKind.CALL, happened_at=THURSDAY,
            answered=True, duration_minutes=10,
        )  # fmt: skip
    assert call.scheduled_call.kind == CallKind.CALL


def test_a_renewed_check_ends_the_hold_and_the_visit_is_reminded_and_logged(
    planned, coordinator, django_capture_on_commit_callbacks
):
    episode, visit, _, volunteer = planned
    with time_machine.travel(THURSDAY, tick=False):
        assert sweep_lapsed_checks() == 1
        record_check(
            Volunteer.objects.get(user=volunteer), coordinator,
            issued_on=datetime.date(2026, 11, 5), recheck_due=datetime.date(2029, 11, 5),
        )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        sweep_reminders(at(2026, 11, 6, 7, 0))
    visit.refresh_from_db()
    assert visit.reminded_at is not None
    with time_machine.travel(VISIT_AT, tick=False):
        contact, _ = contact_log(
            episode=episode, by=volunteer, kind=CallKind.VISIT, happened_at=VISIT_AT,
            answered=True, duration_minutes=45,
        )  # fmt: skip
    assert contact.scheduled_call == visit
    # The check renewed before the sweep's next run: no alert for a check that is current.
    assert sweep_lapsed_checks(at(2026, 11, 6, 9, 0)) == 0


def test_handing_the_client_to_another_volunteer_ends_the_hold_and_the_old_volunteers_access(
    client,
    planned,
    coordinator,
    make_volunteer,
    make_user,
    django_capture_on_commit_callbacks,
    send_messages,
):
    episode, visit, assignment, old_volunteer = planned
    url = reverse("visits:support_hand_over", args=[episode.pk])
    client.force_login(coordinator)

    with time_machine.travel(THURSDAY, tick=False):
        sweep_lapsed_checks()
        match_page = client.get(reverse("visits:match", args=[episode.pk])).content.decode()
        unexplained = client.post(url, {"reason": "  "})
        handed_over = client.post(url, {"reason": "DBS recheck not yet back"})
        assignment.refresh_from_db()
        after = client.get(reverse("visits:match", args=[episode.pk])).content.decode()
        newcomer = make_user(Role.VOLUNTEER)
        offer = episode_assign_volunteer(
            episode=episode, volunteer=make_volunteer(user=newcomer), by=coordinator
        )
        assignment_accept(assignment=offer, by=newcomer)

    assert "Hand the client to another volunteer" in match_page
    # Asked why, with nothing ended until then.
    assert unexplained.status_code == 200
    assert "There is a problem" in unexplained.content.decode()
    assert "Say why" in unexplained.content.decode()
    assert handed_over.status_code == 302
    assert (assignment.status, assignment.decline_reason) == (
        AssignmentStatus.ENDED,
        "DBS recheck not yet back",
    )
    ended = assignment.history.latest()
    assert (ended.history_user, ended.history_change_reason) == (coordinator, "Support handed over")
    assert not SupportEpisode.objects.visible_to(old_volunteer).exists()
    # The match page lists it among the earlier offers, why it ended, and offers the shortlist.
    assert "Vera Vol: ended on 5 November (DBS recheck not yet back)" in after
    assert "Shortlist" in after
    # The newcomer's check is current: the Friday visit is theirs to make, and reminded.
    with django_capture_on_commit_callbacks(execute=True):
        sweep_reminders(at(2026, 11, 6, 7, 0))
    visit.refresh_from_db()
    assert visit.reminded_at is not None
    send_messages()
    assert [m.to for m in mail.outbox if m.subject.startswith("Your home visit")] == [
        [offer.volunteer.contact_email]
    ]


def test_only_a_volunteer_supporting_an_open_episode_is_alerted(planned, coordinator, make_episode):
    episode, _, assignment, _ = planned
    lapsed = assignment.volunteer
    with time_machine.travel(MONDAY, tick=False):
        Assignment.objects.create(
            episode=make_episode(), volunteer=lapsed, status="offered", offered_by=coordinator
        )  # offered only: not yet visiting
        episode_close(episode=episode, outcome="declined", by=coordinator)

    assert sweep_lapsed_checks(THURSDAY) == 0
    assert not Alert.objects.exists()


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.WARD_STAFF, Role.MANAGER])
def test_only_coordinators_hand_a_client_over(client, planned, make_user, role):
    episode, _, assignment, _ = planned
    client.force_login(make_user(role))

    response = client.post(reverse("visits:support_hand_over", args=[episode.pk]), {"reason": "x"})

    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED


def test_another_schemes_coordinator_cannot_hand_a_client_over(
    client, planned, make_user, other_scheme
):
    episode, _, assignment, _ = planned
    client.force_login(make_user(Role.COORDINATOR, scheme=other_scheme))

    response = client.post(reverse("visits:support_hand_over", args=[episode.pk]), {"reason": "x"})

    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED


def test_a_volunteer_who_chose_welsh_reads_why_visits_wait_in_welsh(client, planned, monkeypatch):
    from tests.aligns.test_welsh import untranslated

    _, _, _, user = planned
    user.preferred_language = "cy"
    user.save(update_fields=["preferred_language"])
    client.force_login(user)
    found = untranslated(monkeypatch)

    with time_machine.travel(THURSDAY, tick=False):
        today = client.get(reverse("visits:today")).content.decode()

    assert "Mae dyddiad ailwirio eich gwiriad DBS wedi mynd heibio" in today
    assert sorted(set(found)) == []


def test_a_visit_made_while_the_check_was_current_is_logged_after_it_lapses(planned):
    """Logged the next morning (or sent late from a phone without signal): the check is judged
    on the day of the visit."""
    episode, visit, _, volunteer = planned
    on_the_recheck_date = at(2026, 11, 4, 15, 0)

    with time_machine.travel(THURSDAY, tick=False):
        contact, _ = contact_log(
            episode=episode, by=volunteer, kind=CallKind.VISIT,
            happened_at=on_the_recheck_date, answered=True, duration_minutes=40,
        )  # fmt: skip

    assert contact.scheduled_call == visit


def test_the_sweeps_judge_the_check_on_the_day_they_are_given_not_the_clocks(planned):
    """A sweep run for Friday (a catch-up after an outage, the demo's simulated days) holds
    the visit even while the clock still says Tuesday, when the check was current."""
    _, visit, _, _ = planned

    with time_machine.travel(at(2026, 11, 3, 9, 0), tick=False):
        done = run_sweeps(at(2026, 11, 7, 9, 0))

    visit.refresh_from_db()
    assert done["lapsed_checks"] == 1
    assert visit.reminded_at is None and visit.status == CallStatus.PENDING


def test_a_check_lapses_at_midnight_in_summer_time_not_at_midnight_utc(planned):
    _, _, assignment, _ = planned
    assignment.volunteer.dbs_checks.update(recheck_due=datetime.date(2027, 7, 1))
    utc = datetime.UTC

    late_on_the_day = sweep_lapsed_checks(datetime.datetime(2027, 7, 1, 22, 30, tzinfo=utc))
    just_after_midnight = sweep_lapsed_checks(datetime.datetime(2027, 7, 1, 23, 30, tzinfo=utc))

    # 23:30 and 00:30 in London (British Summer Time).
    assert (late_on_the_day, just_after_midnight) == (0, 1)


def test_the_coordinators_are_not_emailed_about_a_check_renewed_before_the_email_went(
    planned, coordinator, send_messages
):
    episode, _, assignment, _ = planned
    sweep_lapsed_checks(THURSDAY)  # queued in the outbox
    record_check(
        assignment.volunteer, coordinator,
        issued_on=datetime.date(2026, 11, 5), recheck_due=datetime.date(2029, 11, 5),
    )  # fmt: skip

    send_messages()

    assert not [m for m in mail.outbox if "DBS check" in m.body]
    assert Alert.objects.get().kind == AlertKind.DBS_LAPSED  # the alert stays, for the record


def test_handing_over_posted_twice_says_it_was_done_once(client, planned, coordinator):
    episode, _, assignment, _ = planned
    client.force_login(coordinator)
    url = reverse("visits:support_hand_over", args=[episode.pk])
    token = client.get(url).context["submission"]
    data = {"reason": "Moved away", "submission": token}

    first = client.post(url, data)
    again = client.post(url, data, follow=True)

    assert first.status_code == 302 and again.status_code == 200
    assert "This was saved already" in again.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ENDED


def test_a_hand_over_with_no_reason_is_refused_by_the_service_too(planned, coordinator):
    """The form asks for a reason; the service refuses without one whoever calls it."""
    _, _, assignment, _ = planned

    with pytest.raises(EpisodeActionRefused, match="Say why their support ends."):
        assignment_end(assignment=assignment, by=coordinator, reason="  ")

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED


def alerts_page(client, coordinator):
    client.force_login(coordinator)
    return client.get(reverse("visits:work_queue")).content.decode()


def test_the_alert_says_when_the_check_was_renewed_since(client, planned, coordinator):
    episode, _, assignment, _ = planned
    sweep_lapsed_checks(THURSDAY)

    with time_machine.travel(THURSDAY, tick=False):
        lapsed = alerts_page(client, coordinator)
        record_check(
            assignment.volunteer, coordinator,
            issued_on=datetime.date(2026, 11, 5), recheck_due=datetime.date(2029, 11, 5),
        )  # fmt: skip
        renewed = alerts_page(client, coordinator)

    client_name = str(episode.client)
    assert f"who supports {client_name}, is due for renewal: home visits are on hold" in lapsed
    assert f"who supports {client_name}, was due for renewal and has been renewed since" in renewed
    assert "home visits are on hold" not in renewed


def test_after_a_hand_over_the_alert_and_the_clients_record_say_what_happened_and_who_did_it(
    client, planned, coordinator
):
    episode, _, assignment, _ = planned
    sweep_lapsed_checks(THURSDAY)

    with time_machine.travel(THURSDAY, tick=False):
        assignment_end(assignment=assignment, by=coordinator, reason="DBS recheck not yet back")
        page = alerts_page(client, coordinator)
        record = client.get(reverse("records:volunteer", args=[assignment.volunteer_id]))
    events = {event.title: event for event in timeline(episode.client, coordinator)}

    assert (
        f"The DBS check of Vera Vol was due for renewal: they no longer support {episode.client}"
        in page
    )
    # Her acceptance keeps its own time and her name; the end is the coordinator's, with why.
    accepted = events["Volunteer offer accepted"]
    assert (accepted.when, accepted.who, accepted.detail) == (MONDAY, "Vera Vol", "")
    ended = events["Support from Vera Vol ended"]
    assert (ended.when, ended.who, ended.detail) == (
        THURSDAY,
        str(coordinator),
        "DBS recheck not yet back",
    )
    # The volunteer's record gives both days.
    assert (
        f"{episode.client}: ended 5 November 2026 (accepted 2 November 2026)"
        in record.content.decode()
    )


def test_the_hand_over_page_says_what_happens_and_a_colleague_second_is_told_it_is_done(
    client, planned, coordinator, make_user
):
    episode, _, assignment, _ = planned
    colleague = make_user(Role.COORDINATOR, scheme=episode.scheme)
    url = reverse("visits:support_hand_over", args=[episode.pk])
    client.force_login(colleague)
    page = client.get(url).content.decode()  # both open the page
    assignment_end(assignment=assignment, by=coordinator, reason="Moving away")

    second = client.post(url, {"reason": "Recheck not back"}, follow=True)

    assert "Hand the client to another volunteer" in page
    assert "Vera Vol will no longer see the client" in page
    assert "Vera Vol is not told by email: tell them yourself" in page
    assert second.redirect_chain == [(reverse("visits:match", args=[episode.pk]), 302)]
    assert "No volunteer is supporting the client now" in second.content.decode()
    assignment.refresh_from_db()
    assert assignment.decline_reason == "Moving away"  # the first reason stands


def test_a_hand_over_form_opened_before_the_client_moved_on_does_not_end_the_next_support(
    client, planned, coordinator, make_user, make_volunteer
):
    """A colleague opens the hand-over page for Vera; meanwhile Vera's support ends and the
    client is offered to Quentin, who accepts. The colleague's form, sent now, names Vera's
    support: Quentin's goes on."""
    episode, _, vera, _ = planned
    colleague = make_user(Role.COORDINATOR, scheme=episode.scheme)
    url = reverse("visits:support_hand_over", args=[episode.pk])
    client.force_login(colleague)
    with time_machine.travel(MONDAY, tick=False):
        form = client.get(url).context["form"]
        assignment_end(assignment=vera, by=coordinator, reason="Moving away")
        user = make_user(Role.VOLUNTEER)
        offer = episode_assign_volunteer(
            episode=episode, volunteer=make_volunteer(given_name="Quentin", user=user),
            by=coordinator,
        )  # fmt: skip
        quentin = assignment_accept(assignment=offer, by=user)

        sent = client.post(url, {"reason": "Recheck not back", **form.initial}, follow=True)

    assert form.initial == {"assignment": vera.pk}
    assert "No volunteer is supporting the client now" in sent.content.decode()
    quentin.refresh_from_db()
    assert quentin.status == AssignmentStatus.ACCEPTED
