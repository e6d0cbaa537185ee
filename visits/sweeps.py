"""The periodic sweeps: the database rows are the truth, the sweeps act on what is due.

Each sweep claims its rows with select_for_update(skip_locked=True, of=("self",)) (on
PostgreSQL; SQLite serialises writes anyway), which locks the claimed rows alone, never the
episodes or schemes read with them, and marks them in the same transaction, so two workers
running at once never act on the same row, a sweep run twice does nothing the second time,
and a sweep after an outage catches up with everything that fell due meanwhile.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from aligns.mail import queue_email
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
from visits.services import call_move, episode_move, visit_refusal
from visits.tasks import call_reminder_task, notify_coordinators_task

BATCH = 200


def _claim(queryset):
    return list(queryset.select_for_update(skip_locked=True, of=("self",))[:BATCH])


def sweep_reminders(now=None):
    """Remind volunteers of calls and visits due today, once each."""
    now = now or timezone.now()
    end_of_today = timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(now), timezone.datetime.max.time())
    )
    sent = 0
    with transaction.atomic():
        due = _claim(
            ScheduledCall.objects.filter(
                status=CallStatus.PENDING,
                reminded_at__isnull=True,
                due_at__lte=end_of_today,
                due_at__gte=now - timedelta(days=1),
                episode__status__in=RUNNING_STATUSES,
            ).order_by("due_at", "pk")
        )
        for call in due:
            if call.kind == CallKind.VISIT and visit_refusal(call.episode):
                continue  # on hold: reminded if the hold lifts while it is still due today
            call.reminded_at = now
            call.save(update_fields=["reminded_at"])
            queue_email(call_reminder_task, call_id=call.pk)
            sent += 1
    return sent


def sweep_overdue(now=None):
    """A call not logged by its due time plus the scheme's grace becomes overdue, and the
    coordinators get an alert (one per call)."""
    now = now or timezone.now()
    flagged = 0
    with transaction.atomic():
        calls = _claim(
            ScheduledCall.objects.filter(
                status=CallStatus.PENDING, due_at__lt=now, episode__status__in=RUNNING_STATUSES
            )
            .select_related("episode__scheme", "episode__client")
            .order_by("due_at", "pk")  # oldest first: the overdue before those in their grace
        )
        for call in calls:
            grace = timedelta(hours=call.episode.scheme.overdue_grace_hours)
            if call.due_at + grace > now:
                continue
            if call.kind == CallKind.VISIT and visit_refusal(call.episode):
                continue  # on hold: nobody may make it, so it is not missed
            call_move(call, CallStatus.OVERDUE, by=None, reason="Not logged in time")
            call.overdue_at = now
            call.save(update_fields=["status", "overdue_at"])
            try:
                with transaction.atomic():
                    Alert.objects.create(
                        scheme_id=call.episode.scheme_id,
                        kind=AlertKind.OVERDUE_CALL,
                        episode=call.episode,
                        scheduled_call=call,
                        message=f"{call.get_kind_display()} to {call.episode.client} is overdue "
                        f"(due {timezone.localtime(call.due_at):%-d %b %H:%M})",
                    )
            except IntegrityError:
                continue
            queue_email(notify_coordinators_task, call_id=call.pk)
            flagged += 1
    return flagged


def sweep_reviews(now=None):
    """Episodes reaching week 6 go into review, with an alert to the coordinators."""
    now = now or timezone.now()
    review_from = timezone.localdate(now) - REVIEW_AFTER
    prompted = 0
    with transaction.atomic():
        # Filtered and ordered in the database, so a batch never fills with episodes not due.
        episodes = _claim(
            SupportEpisode.objects.filter(
                status=EpisodeStatus.ACTIVE,
                review_prompted_at__isnull=True,
                start_date__lte=review_from,
            )
            .select_related("client")
            .order_by("start_date", "pk")
        )
        for episode in episodes:
            episode_move(episode, EpisodeStatus.IN_REVIEW, by=None, reason="Week-6 review due")
            episode.review_prompted_at = now
            episode.save()
            Alert.objects.create(
                scheme_id=episode.scheme_id,
                kind=AlertKind.REVIEW_DUE,
                episode=episode,
                message=f"Review the support of {episode.client}: extend it or plan to close",
            )
            queue_email(notify_coordinators_task, episode_id=episode.pk)
            prompted += 1
    return prompted


def sweep_concerns(now=None):
    """Concerns nobody has acknowledged in time are sent to the coordinators again."""
    now = now or timezone.now()
    overdue = Q()
    for urgency, wait in REALERT_AFTER.items():
        overdue |= Q(urgency=urgency, last_alerted_at__lte=now - wait)
    again = 0
    with transaction.atomic():
        concerns = _claim(
            Concern.objects.filter(overdue, status=ConcernStatus.OPEN).order_by("last_alerted_at")
        )
        for concern in concerns:
            concern.last_alerted_at = now
            concern.save(update_fields=["last_alerted_at"])
            queue_email(notify_coordinators_task, concern_id=concern.pk, again=True)
            again += 1
    return again


def sweep_unanswered_offers(now=None):
    """An offer the volunteer has not answered in the scheme's offer_answer_hours, or whose
    client's first call falls due within them, is an alert to the coordinators (once each):
    a volunteer who has not said yes cannot make the first call."""
    now = now or timezone.now()
    first_call = ScheduledCall.objects.filter(
        episode=OuterRef("episode"), is_first=True, status__in=OUTSTANDING_CALL_STATUSES
    ).values("due_at")[:1]
    alerted = 0
    with transaction.atomic():
        offers = _claim(
            Assignment.objects.filter(status=AssignmentStatus.OFFERED)
            .exclude(alerts__kind=AlertKind.OFFER_UNANSWERED)
            .annotate(first_call_due=Subquery(first_call))
            .select_related("episode__scheme", "episode__client", "volunteer")
            .order_by("offered_at", "pk")
        )
        for offer in offers:
            wait = timedelta(hours=offer.episode.scheme.offer_answer_hours)
            alert_at = offer.offered_at + wait
            if offer.first_call_due is not None:
                alert_at = min(alert_at, offer.first_call_due - wait)
            if alert_at > now:
                continue
            Alert.objects.create(
                scheme_id=offer.episode.scheme_id,
                kind=AlertKind.OFFER_UNANSWERED,
                episode=offer.episode,
                assignment=offer,
                message=f"{offer.volunteer} has not answered the offer to support "
                f"{offer.episode.client}",
            )
            queue_email(notify_coordinators_task, assignment_id=offer.pk)
            alerted += 1
    return alerted


def run_sweeps(now=None):
    return {
        "reminders": sweep_reminders(now),
        "overdue": sweep_overdue(now),
        "reviews": sweep_reviews(now),
        "concerns": sweep_concerns(now),
        "offers": sweep_unanswered_offers(now),
    }
