"""The outcome summary a coordinator shares with the referring ward or the client's GP:
what support was given, what changed, where the client was referred on, and concerns
escalated. Built from the records; nothing here is typed twice."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_noop

from aligns.catalogues.models import Need
from clients.instruments import INSTRUMENTS
from clients.models import Timepoint
from clients.outcomes import all_changes
from visits.models import CallKind

# What the sharing log records as shared, in English (as every entry has been written); the
# page shows it in the reader's language: gettext(FIELDS_SHARED).
FIELDS_SHARED = gettext_noop(
    "Name, date of birth, NHS number; dates of support; calls and visits made and what "
    "they helped with; goals and whether they were met; loneliness and wellbeing scores at "
    "the start and end; onward referrals; concerns escalated to NHS partners, with the "
    "action taken."
)


@dataclass
class OutcomeSummary:
    episode: object
    client: object
    calls: int
    visits: int
    hours: float
    activities: list
    goals: list
    changes: dict
    onward: list
    escalations: list


def outcome_summary(episode):
    client = episode.client
    answered = Q(answered=True)
    counts = episode.contacts.aggregate(
        calls=Count("pk", filter=answered & Q(kind=CallKind.CALL)),
        visits=Count("pk", filter=answered & Q(kind=CallKind.VISIT)),
        minutes=Sum("duration_minutes"),
    )
    activities = (
        Need.objects.filter(contacts__episode=episode)
        .annotate(times=Count("contacts"))
        .order_by("position")
    )
    # The end measures taken for this episode, each with the baseline it is paired with: a
    # summary of an earlier episode, shared after a later one ended, shows its own change.
    measures = client.measures.filter(
        Q(timepoint=Timepoint.BASELINE) | Q(episode=episode)
    ).prefetch_related("answers")
    return OutcomeSummary(
        episode=episode,
        client=client,
        calls=counts["calls"],
        visits=counts["visits"],
        hours=(counts["minutes"] or 0) / 60,
        activities=list(activities),
        goals=list(client.goals.all()),
        changes={
            INSTRUMENTS[code]: rows for code, rows in all_changes(list(measures)).items() if rows
        },
        onward=list(episode.onward_referrals.select_related("service")),
        escalations=list(episode.concerns.exclude(escalated_to="")),
    )
