"""The periodic sweeps: the database rows are the truth, the sweeps act on what is due.

Each sweep drains what is due, a batch at a time, each batch in its own short transaction:
claim the rows with SELECT … FOR UPDATE SKIP LOCKED (locking the claimed rows alone, never the
episodes or schemes read with them), mark them in one UPDATE, and write their alerts and
messages in one INSERT each (the outbox: aligns/outbox). So two workers at once never act on
the same row, a sweep run twice does nothing the second time, a sweep killed half way has
saved the batches it finished and leaves the rest due, and a backlog after an outage is
drained in one run. A message's key names what it is about, so it is written once whatever
happens (`call-reminder:<call id>`).
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_update_with_history

from aligns.accounts.models import Scheme
from aligns.claims import claim_and_update
from aligns.outbox.services import outbox_message, queue_messages, queue_messages_from
from visits.emails import (
    call_overdue,
    call_reminder,
    concern_raised,
    dbs_lapsed,
    offer_unanswered,
    review_due,
)
from visits.figures import needs_kept
from visits.models import (
    OUTSTANDING_CALL_STATUSES,
    REALERT_AFTER,
    REVIEW_AFTER,
    RUNNING_STATUSES,
    Alert,
    AlertKind,
    Assignment,
    AssignmentStatus,
    CallKind,
    CallStatus,
    Concern,
    ConcernStatus,
    EpisodeStatus,
    ScheduledCall,
    SupportEpisode,
)
from visits.services import calls_move, episode_move, visit_refusal

# Rows claimed, marked and written per statement.
BATCH = 1000

logger = logging.getLogger(__name__)


def _drain(queryset, act, *, also_lock=()):
    """Claim the rows of `queryset` a batch at a time and pass each batch to `act`, which acts on
    those it should and returns them; until none are left. A row `act` leaves (a visit on hold)
    is not claimed again in this run. Returns how many rows were acted on.

    `also_lock`: the related rows `act` writes to as well (a call's episode), claimed with the
    rows and passed over while a service holds them: a service locks an episode before its
    calls, so a sweep that took the calls first and then waited for the episode would
    deadlock with it, and one of the two would fail.

    A row acted on leaves the selection (it is marked done, alerted, reminded). One that comes
    back means `act` could not mark it (a failed write, a fault): claiming it again would never
    end and would hold the worker, so no other sweep would run for anyone (hazard H1d). The run
    stops there, saying so in the log; the next run tries again."""
    done, left, acted_on = 0, set(), set()
    while True:
        with transaction.atomic():
            rows = list(
                queryset.exclude(pk__in=left).select_for_update(
                    skip_locked=True, of=("self", *also_lock)
                )[:BATCH]
            )
            if not rows:
                return done
            again = {row.pk for row in rows} & acted_on
            if again:
                logger.error(
                    "%s: %s rows acted on came back unchanged (%s...); this run stops",
                    queryset.model.__name__, len(again), sorted(again)[:5],
                )  # fmt: skip
                return done
            acted = act(rows)
        done += len(acted)
        acted_on |= {row.pk for row in acted}
        left |= {row.pk for row in rows} - acted_on


def _visits_on_hold(calls, now):
    """Which of `calls`, given as (pk, kind, episode id), are visits whose home visits are on
    hold on the day of `now` (visits.services.visit_refusal). Read per episode, which is cheap
    because few of the calls due at once are visits."""
    episodes = {episode for _, kind, episode in calls if kind == CallKind.VISIT}
    if not episodes:
        return set()
    today = timezone.localdate(now)
    supporting = {
        assignment.episode_id: assignment
        for assignment in Assignment.objects.supporting(today).filter(episode__in=episodes)
    }
    held = {
        episode.pk
        for episode in SupportEpisode.objects.filter(pk__in=episodes).select_related("client")
        if visit_refusal(episode, supporting=supporting.get(episode.pk))
    }
    return {pk for pk, kind, episode in calls if kind == CallKind.VISIT and episode in held}


def sweep_reminders(now=None, *, batch=BATCH):
    """Remind volunteers of calls and visits due today, once each.

    The sweep at national scale: after an outage tens of thousands fall due at once. Each batch
    is claimed and marked in one UPDATE, and its messages written in one INSERT … SELECT, so no
    call passes through Python but the visits, whose holds are read here (and undone: a visit
    on hold is reminded if the hold lifts while it is still due today)."""
    now = now or timezone.now()
    end_of_today = timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(now), timezone.datetime.max.time())
    )
    due = ScheduledCall.objects.filter(
        status=CallStatus.PENDING,
        reminded_at__isnull=True,
        due_at__lte=end_of_today,
        due_at__gte=now - timedelta(days=1),
        episode__status__in=RUNNING_STATUSES,
    ).order_by("due_at", "pk")
    reminded, held = 0, set()
    while True:
        with transaction.atomic():
            marked = claim_and_update(
                due.exclude(pk__in=held),
                batch=batch,
                returning=("pk", "kind", "episode"),
                reminded_at=now,
            )
            if not marked:
                return reminded
            on_hold = _visits_on_hold(marked, now)
            if on_hold:
                ScheduledCall.objects.filter(pk__in=on_hold).update(reminded_at=None)
                held |= on_hold
            pks = [pk for pk, _, _ in marked if pk not in on_hold]
            queue_messages_from(
                call_reminder,
                ScheduledCall.objects.filter(pk__in=pks),
                # One reminder per call: reminded_at, set in this transaction, already stops a
                # second; the key is the outbox's last word.
                key=Concat(Value("call-reminder:"), Cast("pk", CharField())),
                scheme_id=F("episode__scheme_id"),
                call_id=F("pk"),
            )
        reminded += len(pks)


def _past_grace(now):
    """Calls due longer ago than their scheme's grace: one condition per grace in use."""
    graces = Scheme.objects.order_by().values_list("overdue_grace_hours", flat=True).distinct()
    past = Q(pk__in=[])
    for hours in graces:
        past |= Q(
            episode__scheme__overdue_grace_hours=hours, due_at__lt=now - timedelta(hours=hours)
        )
    return past


def sweep_overdue(now=None):
    """A call not logged by its due time plus the scheme's grace becomes overdue, and the
    coordinators get an alert (one per call)."""
    now = now or timezone.now()
    late = (
        ScheduledCall.objects.filter(
            _past_grace(now), status=CallStatus.PENDING, episode__status__in=RUNNING_STATUSES
        )
        .select_related("episode__client")
        .order_by("due_at", "pk")  # oldest first
    )

    def flag(calls):
        # On hold: nobody may make the visit, so it is not missed.
        on_hold = _visits_on_hold([(call.pk, call.kind, call.episode_id) for call in calls], now)
        calls = [call for call in calls if call.pk not in on_hold]
        calls_move(
            ScheduledCall.objects.filter(pk__in=[call.pk for call in calls]),
            CallStatus.OVERDUE,
            overdue_at=now,
        )
        needs_kept({call.episode_id for call in calls})
        Alert.objects.bulk_create(
            [
                Alert(
                    scheme_id=call.episode.scheme_id,
                    kind=AlertKind.OVERDUE_CALL,
                    episode=call.episode,
                    scheduled_call=call,
                    message=f"{call.get_kind_display()} to {call.episode.client} is overdue "
                    f"(due {timezone.localtime(call.due_at):%-d %b %H:%M})",
                )
                for call in calls
            ],
            ignore_conflicts=True,  # one alert per call (constraint), whatever runs at once
        )
        queue_messages(
            [
                outbox_message(
                    call_overdue,
                    key=f"call-overdue:{call.pk}",
                    scheme_id=call.episode.scheme_id,
                    call_id=call.pk,
                )
                for call in calls
            ]
        )
        return calls

    # The episodes' board figures are kept as their calls become overdue (needs_kept).
    return _drain(late, flag, also_lock=("episode",))


def sweep_reviews(now=None):
    """Episodes reaching week 6 go into review, with an alert to the coordinators. Once each:
    an episode prompted and then readmitted comes home into review, not active again."""
    now = now or timezone.now()
    review_from = timezone.localdate(now) - REVIEW_AFTER
    due = (
        SupportEpisode.objects.filter(status=EpisodeStatus.ACTIVE, start_date__lte=review_from)
        .select_related("client")
        .order_by("start_date", "pk")
    )

    def prompt(episodes):
        for episode in episodes:
            episode_move(
                episode, EpisodeStatus.IN_REVIEW, by=None, reason=gettext_noop("Week-6 review due")
            )
            episode.review_prompted_at = now
        bulk_update_with_history(episodes, SupportEpisode, ["status", "review_prompted_at"])
        Alert.objects.bulk_create(
            [
                Alert(
                    scheme_id=episode.scheme_id,
                    kind=AlertKind.REVIEW_DUE,
                    episode=episode,
                    message=f"Review the support of {episode.client}: extend it or plan to close",
                )
                for episode in episodes
            ]
        )
        queue_messages(
            [
                outbox_message(
                    review_due,
                    key=f"review-due:{episode.pk}",
                    scheme_id=episode.scheme_id,
                    episode_id=episode.pk,
                )
                for episode in episodes
            ]
        )
        return episodes

    return _drain(due, prompt)


def sweep_concerns(now=None):
    """Concerns nobody has acknowledged in time are sent to the coordinators again."""
    now = now or timezone.now()
    overdue = Q()
    for urgency, wait in REALERT_AFTER.items():
        overdue |= Q(urgency=urgency, last_alerted_at__lte=now - wait)
    unacknowledged = (
        Concern.objects.filter(overdue, status=ConcernStatus.OPEN)
        .select_related("episode")
        .order_by("last_alerted_at", "pk")
    )

    def alert_again(concerns):
        for concern in concerns:
            concern.last_alerted_at = now
        bulk_update_with_history(
            concerns,
            Concern,
            ["last_alerted_at"],
            default_change_reason=gettext_noop("Alerted again"),
        )
        queue_messages(
            [
                outbox_message(
                    concern_raised,
                    key=f"concern-again:{concern.pk}:{now.isoformat()}",
                    scheme_id=concern.episode.scheme_id,
                    concern_id=concern.pk,
                    again=True,
                )
                for concern in concerns
            ]
        )
        return concerns

    return _drain(unacknowledged, alert_again)


def sweep_unanswered_offers(now=None):
    """An offer the volunteer has not answered in the scheme's offer_answer_hours, or whose
    client's first call falls due within them, is an alert to the coordinators (once each):
    a volunteer who has not said yes cannot make the first call."""
    now = now or timezone.now()
    first_call = ScheduledCall.objects.filter(
        episode=OuterRef("episode"), is_first=True, status__in=OUTSTANDING_CALL_STATUSES
    ).values("due_at")[:1]
    offers = (
        Assignment.objects.filter(status=AssignmentStatus.OFFERED)
        .exclude(alerts__kind=AlertKind.OFFER_UNANSWERED)
        .annotate(first_call_due=Subquery(first_call))
        .select_related("episode__scheme", "episode__client", "volunteer")
        .order_by("offered_at", "pk")
    )

    def unanswered_for_too_long(offer):
        wait = timedelta(hours=offer.episode.scheme.offer_answer_hours)
        alert_at = offer.offered_at + wait
        if offer.first_call_due is not None:
            alert_at = min(alert_at, offer.first_call_due - wait)
        return alert_at <= now

    def alert(offers):
        offers = [offer for offer in offers if unanswered_for_too_long(offer)]
        Alert.objects.bulk_create(
            [
                Alert(
                    scheme_id=offer.episode.scheme_id,
                    kind=AlertKind.OFFER_UNANSWERED,
                    episode=offer.episode,
                    assignment=offer,
                    message=f"{offer.volunteer} has not answered the offer to support "
                    f"{offer.episode.client}",
                )
                for offer in offers
            ],
            ignore_conflicts=True,
        )
        queue_messages(
            [
                outbox_message(
                    offer_unanswered,
                    key=f"offer-unanswered:{offer.pk}",
                    scheme_id=offer.episode.scheme_id,
                    assignment_id=offer.pk,
                )
                for offer in offers
            ]
        )
        return offers

    return _drain(offers, alert)


def sweep_lapsed_checks(now=None):
    """A volunteer supporting a client whose DBS check has passed its recheck date is an alert
    to the coordinators, once for each client they support (closing an episode ends its
    assignments). Their clients' home visits wait meanwhile (visits.services.visit_refusal),
    until the check is renewed or another volunteer takes over (docs/safety hazard H14)."""
    today = timezone.localdate(now)
    lapsed = (
        Assignment.objects.supporting(today)
        .filter(dbs_current=False)
        .exclude(alerts__kind=AlertKind.DBS_LAPSED)
        .select_related("episode__client")
        .order_by("pk")
    )

    def alert(assignments):
        Alert.objects.bulk_create(
            [
                Alert(
                    scheme_id=assignment.episode.scheme_id,
                    kind=AlertKind.DBS_LAPSED,
                    episode=assignment.episode,
                    assignment=assignment,
                    message=f"The DBS check of {assignment.volunteer}, who supports "
                    f"{assignment.episode.client}, is due for renewal: home visits are on hold",
                )
                for assignment in assignments
            ],
            ignore_conflicts=True,
        )
        queue_messages(
            [
                outbox_message(
                    dbs_lapsed,
                    key=f"dbs-lapsed:{assignment.pk}",
                    scheme_id=assignment.episode.scheme_id,
                    assignment_id=assignment.pk,
                )
                for assignment in assignments
            ]
        )
        return assignments

    return _drain(lapsed, alert)


def run_sweeps(now=None):
    return {
        "reminders": sweep_reminders(now),
        "overdue": sweep_overdue(now),
        "reviews": sweep_reviews(now),
        "concerns": sweep_concerns(now),
        "offers": sweep_unanswered_offers(now),
        "lapsed_checks": sweep_lapsed_checks(now),
    }
