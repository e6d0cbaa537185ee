"""One client's story on one page, newest first: a fixed number of queries, whatever its length.

Each source is read once (with the people involved joined in) and the events are merged
in Python. Later parts of the journey (calls, concerns, onward referrals, sharing) add a
source here.
"""

from dataclasses import dataclass, replace
from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral


@dataclass(frozen=True)
class Event:
    when: datetime
    title: str
    who: str = ""
    detail: str = ""
    url: str = ""
    # The permission needed to follow `url`; without it the event shows without a link.
    permission: str = ""


def _at(value):
    """Dates become the start of their day, so they sort among times."""
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def _name(user):
    return str(user) if user else "the system"


def _referral_events(client):
    referrals = Referral.objects.filter(
        scheme_id=client.scheme_id, nhs_number=client.nhs_number
    ).select_related("ward__hospital", "decided_by")
    for referral in referrals:
        url = reverse("referrals:detail", args=[referral.pk])
        link = {"url": url, "permission": "referrals.view_referral"}
        yield Event(
            referral.submitted_at, f"Referred from {referral.ward}", referral.referrer_name, **link
        )
        if referral.decided_at:
            yield Event(
                referral.decided_at,
                f"Referral {referral.get_status_display().lower()}",
                _name(referral.decided_by),
                referral.get_decline_reason_display(),
                **link,
            )


def _episode_events(client):
    for episode in client.support_episodes.select_related("opened_by"):
        yield Event(episode.opened_at, "Support episode opened", _name(episode.opened_by))
        if episode.start_date:
            yield Event(_at(episode.start_date), "Went home: support started")


def _assessment_events(client):
    assessments = client.assessments.select_related(
        "created_by", "signed_off_by", "second_signed_off_by"
    )
    for assessment in assessments:
        url = reverse("clients:assessment", args=[client.pk, assessment.pk])
        yield Event(
            assessment.created_at, "Risk assessment started", _name(assessment.created_by), url=url
        )
        if assessment.signed_off_at:
            yield Event(
                assessment.signed_off_at,
                "Risk assessment signed off",
                _name(assessment.signed_off_by),
                f"{assessment.get_level_display()} risk",
                url,
            )
        if assessment.second_signed_off_at:
            yield Event(
                assessment.second_signed_off_at,
                "Second sign-off of the risk assessment",
                _name(assessment.second_signed_off_by),
                url=url,
            )


def _consent_events(client):
    for record in client.consents.select_related("recorded_by"):
        verb = "given" if record.given else "withdrawn"
        yield Event(
            _at(record.decided_on),
            f"Consent {verb}: {record.get_kind_display().lower()}",
            record.obtained_by,
            record.note,
        )


def _goal_events(client):
    for goal in client.goals.select_related("set_by", "reviewed_by"):
        yield Event(
            goal.set_at,
            f"Goal set: {goal.get_category_display()}",
            _name(goal.set_by),
            goal.description,
        )
        if goal.reviewed_at:
            yield Event(
                goal.reviewed_at,
                f"Goal reviewed: {goal.get_outcome_display()}",
                _name(goal.reviewed_by),
                goal.description,
            )


def _measure_events(client):
    for measure in client.measures.select_related("recorded_by"):
        yield Event(_at(measure.taken_on), f"{measure} recorded", _name(measure.recorded_by))


def _volunteer_events(client):
    from visits.models import Assignment

    offers = Assignment.objects.filter(episode__client=client).select_related(
        "volunteer", "offered_by"
    )
    for offer in offers:
        yield Event(offer.offered_at, f"Offered to {offer.volunteer}", _name(offer.offered_by))
        if offer.responded_at:
            yield Event(
                offer.responded_at,
                f"Volunteer offer {offer.get_status_display().lower()}",
                str(offer.volunteer),
                offer.decline_reason,
            )


SOURCES = [
    _referral_events,
    _episode_events,
    _assessment_events,
    _consent_events,
    _goal_events,
    _measure_events,
    _volunteer_events,
]


def timeline(client, user):
    events = [event for source in SOURCES for event in source(client)]
    events = [
        replace(event, url="")
        if event.permission and not user.has_perm(event.permission)
        else event
        for event in events
    ]
    return sorted(events, key=lambda event: event.when, reverse=True)
