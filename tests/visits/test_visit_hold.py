"""A required reassessment puts a planned visit on hold, along the whole path a volunteer and a
coordinator live: the Today card and the episode page say so, no reminder is sent (nor one
queued before the hold), the visit is not made overdue, and it cannot be logged; once a new
assessment is signed off, the visit is back."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from aligns.accounts.models import Role
from aligns.outbox.models import Message, MessageStatus
from clients.assessment import RiskLevel
from clients.services import (
    assessment_save_answers,
    assessment_sign_off,
    assessment_start,
    client_require_reassessment,
)
from tests.clients.conftest import answers
from tests.visits.conftest import at, vetted_volunteer
from visits.figures import needs_kept
from visits.models import Assignment, CallKind, CallStatus, ScheduledCall
from visits.services import EpisodeActionRefused, contact_log, visit_plan
from visits.sweeps import sweep_overdue, sweep_reminders

MONDAY = at(2026, 11, 2, 8, 0)
VISIT_AT = at(2026, 11, 6, 14, 0)  # Friday afternoon
REASON = "Fell at home on Tuesday"


def sign_off_low_risk(client, coordinator):
    assessment = assessment_start(client=client, by=coordinator)
    assessment_save_answers(assessment=assessment, answers=answers(), by=coordinator)
    assessment_sign_off(assessment=assessment, level=RiskLevel.LOW, reason="", by=coordinator)


@pytest.fixture
def planned(make_active_episode, coordinator, make_user):
    return visit_planned_for_friday(make_active_episode, coordinator, make_user)


def visit_planned_for_friday(make_active_episode, coordinator, make_user):
    """An episode whose volunteer (signed in as `user`) has a visit planned for Friday."""
    with time_machine.travel(MONDAY, tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
        sign_off_low_risk(episode.client, coordinator)
        user = make_user(Role.VOLUNTEER)
        volunteer = vetted_volunteer(
            scheme=episode.scheme, user=user, given_name="Vera", family_name="Vol",
            email="vera@example.org", postcode="AB1 1AA", recorded_by=coordinator,
        )  # fmt: skip
        Assignment.objects.create(
            episode=episode, volunteer=volunteer, status="accepted", offered_by=coordinator
        )
        visit = visit_plan(episode=episode, due_at=VISIT_AT, by=coordinator)
    return episode, visit, user


def test_a_required_reassessment_holds_a_planned_visit_until_a_new_assessment(
    client, planned, coordinator, django_capture_on_commit_callbacks
):
    episode, visit, volunteer = planned
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        client_require_reassessment(client=episode.client, reason=REASON, by=coordinator)

    # The volunteer's Today card and the coordinator's episode page say the visit is on hold.
    with time_machine.travel(at(2026, 11, 6, 8, 0), tick=False):
        client.force_login(volunteer)
        today = client.get(reverse("visits:today")).content.decode()
        client.force_login(coordinator)
        page = client.get(reverse("visits:episode", args=[episode.pk])).content.decode()
    assert "On hold" in today and REASON in today and "You can still phone" in today
    assert "Home visits are on hold" in page and REASON in page

    # No reminder on the day, no overdue alert after it, and it cannot be logged.
    with django_capture_on_commit_callbacks(execute=True):
        sweep_reminders(at(2026, 11, 6, 7, 0))
        sweep_overdue(at(2026, 11, 7, 9, 0))
    visit.refresh_from_db()
    assert visit.reminded_at is None and visit.status == CallStatus.PENDING
    assert not [m for m in mail.outbox if "visit" in m.body.lower()]
    with pytest.raises(EpisodeActionRefused, match="new risk assessment"):
        contact_log(
            episode=episode, by=volunteer, kind=CallKind.VISIT, happened_at=VISIT_AT,
            answered=True,
        )  # fmt: skip

    # A new assessment signed off: the visit is back, reminded, and can be logged.
    with time_machine.travel(at(2026, 11, 6, 9, 0), tick=False):
        sign_off_low_risk(episode.client, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_reminders(at(2026, 11, 6, 9, 5)) == 1
    contact, _ = contact_log(
        episode=episode, by=volunteer, kind=CallKind.VISIT, happened_at=VISIT_AT, answered=True
    )
    assert contact.scheduled_call == visit


def test_a_reminder_queued_before_the_hold_is_not_sent(planned, coordinator, send_messages):
    episode, visit, _ = planned
    sweep_reminders(at(2026, 11, 6, 7, 0))  # queued in the outbox
    client_require_reassessment(client=episode.client, reason=REASON, by=coordinator)

    send_messages()

    reminders = Message.objects.filter(kind="call_reminder")
    assert visit.pk in {message.ids["call_id"] for message in reminders}  # queued before...
    # ...but only the phone call's reminder went: phone calls are never held.
    assert [m.body.split(" is due")[0].split("Your ")[-1] for m in mail.outbox] == [
        f"phone call with {episode.client.given_name}"
    ]
    assert reminders.get(ids__call_id=visit.pk).status == MessageStatus.NOT_NEEDED


def test_visits_on_hold_are_passed_over_once_whatever_the_batch_size(planned, coordinator):
    """The sweep claims due calls a batch at a time and gives back the visits on hold; those it
    gave back in any earlier batch must stay passed over, or a run with more than one batch of
    held visits claims them again and again and never ends."""
    episode, visit, _ = planned
    with time_machine.travel(MONDAY, tick=False):
        later_visit = visit_plan(
            episode=episode, due_at=VISIT_AT + datetime.timedelta(hours=2), by=coordinator
        )
    client_require_reassessment(client=episode.client, reason=REASON, by=coordinator)

    # On Friday morning: Thursday's phone call (due within the last day) and the two visits.
    assert sweep_reminders(at(2026, 11, 6, 7, 0), batch=1) == 1

    held = episode.calls.filter(pk__in=[visit.pk, later_visit.pk], reminded_at__isnull=True)
    assert held.count() == 2


def test_a_sweep_whose_only_due_calls_are_visits_on_hold_reminds_nobody_and_carries_on(
    planned, coordinator
):
    """Nothing else due: the sweep gives the held visit back and ends, rather than failing on an
    empty batch (and with it every later reminder, since the sweep runs for all schemes)."""
    episode, visit, _ = planned
    episode.calls.exclude(pk=visit.pk).delete()
    needs_kept([episode.pk])
    client_require_reassessment(client=episode.client, reason=REASON, by=coordinator)

    assert sweep_reminders(at(2026, 11, 6, 7, 0)) == 0

    visit.refresh_from_db()
    assert visit.reminded_at is None


def test_the_overdue_sweep_passes_over_held_visits_across_batches_and_counts_every_call(
    planned, coordinator, monkeypatch
):
    """One call or visit a batch: the held visits given back in earlier batches stay passed
    over (or the run would claim them again for ever), and the count is the whole run's."""
    from visits import sweeps

    monkeypatch.setattr(sweeps, "BATCH", 1)
    episode, visit, _ = planned
    with time_machine.travel(MONDAY, tick=False):
        later_visit = visit_plan(
            episode=episode, due_at=VISIT_AT + datetime.timedelta(hours=2), by=coordinator
        )
    client_require_reassessment(client=episode.client, reason=REASON, by=coordinator)

    # A week on: the phone calls of 5 and 12 November are overdue; the two visits are on hold.
    assert sweep_overdue(at(2026, 11, 13, 9, 0)) == 2

    statuses = dict(episode.calls.values_list("pk", "status"))
    assert (statuses[visit.pk], statuses[later_visit.pk]) == (CallStatus.PENDING,) * 2


def test_a_sweep_whose_rows_come_back_unchanged_stops_and_says_so_rather_than_loop(planned, caplog):
    """Hazard H1d: an action that cannot mark what it claimed (a failed write) would have the
    run claim the same rows for ever, holding the worker from every other sweep."""
    from visits import sweeps

    calls = ScheduledCall.objects.filter(episode=planned[0])
    batches = []

    def marks_nothing(rows):
        batches.append(len(rows))
        assert len(batches) < 3, "the run claimed the same rows again and again"
        return rows

    with caplog.at_level("ERROR", logger="visits.sweeps"):
        acted = sweeps._drain(calls, marks_nothing)

    assert (batches, acted) == ([calls.count()], calls.count())
    # What the log says, word for word: which rows, how many and the first few of them.
    ids = sorted(calls.values_list("pk", flat=True))
    assert len(ids) > 5
    assert caplog.messages == [
        f"ScheduledCall: {len(ids)} rows acted on came back unchanged ({ids[:5]}...); "
        "this run stops"
    ]


def test_a_row_acted_on_in_any_earlier_batch_of_the_run_stops_it_when_it_comes_back(
    planned, monkeypatch, caplog
):
    """Hazard H1d, across batches: two at a time, the second batch's action undoes the
    first's marks (a fault). The run stops when the first batch's rows come back, not only
    when the last batch's do: otherwise it would act on them again and again."""
    from visits import sweeps

    monkeypatch.setattr(sweeps, "BATCH", 2)
    pending = ScheduledCall.objects.filter(episode=planned[0], status=CallStatus.PENDING)
    assert pending.count() >= 5
    batches = []

    def marks_then_undoes_the_first_batch(rows):
        batches.append(sorted(row.pk for row in rows))
        ScheduledCall.objects.filter(pk__in=batches[-1]).update(status=CallStatus.CANCELLED)
        if len(batches) == 2:
            ScheduledCall.objects.filter(pk__in=batches[0]).update(status=CallStatus.PENDING)
        needs_kept([planned[0].pk])  # as a sweep that changes calls would
        return rows

    with caplog.at_level("ERROR", logger="visits.sweeps"):
        acted = sweeps._drain(pending.order_by("due_at", "pk"), marks_then_undoes_the_first_batch)

    assert (len(batches), acted) == (2, 4)
    assert "2 rows acted on came back unchanged" in caplog.text
