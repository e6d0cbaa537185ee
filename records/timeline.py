"""One client's story on one page, newest first: a fixed number of queries, whatever its length.

Every kind of event of the client: referrals and their decisions, consent, risk assessments,
goals, outcome measures, support episodes (opened, started, extended, readmissions, home
again, closed), volunteers offered, calls and visits, concerns, onward referrals, and what
was shared with NHS partners. Each source is read once (with the people involved joined in)
and the events are merged in Python.

What the timeline shows is for the scheme's staff who may open the client's record. It
names what happened and its outcome, never what a volunteer wrote in a note: a call shows
whether it was answered, how long it took and what was done, and a concern its category and
urgency, with a link to the page that holds the rest for those allowed to open it.
"""

from dataclasses import dataclass, replace
from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from aligns.audit.models import SharingLogEntry
from aligns.permissions import Permission
from aligns.text import lower_first
from clients.assessment import RiskLevel
from referrals.models import Referral
from visits.models import (
    Assignment,
    AssignmentStatus,
    Concern,
    Contact,
    Extension,
    OnwardReferral,
    Readmission,
)

# A signed-off assessment's level, as the timeline says it.
RISK = {
    RiskLevel.LOW: gettext_lazy("Low risk"),
    RiskLevel.MEDIUM: gettext_lazy("Medium risk"),
    RiskLevel.HIGH: gettext_lazy("High risk"),
}


@dataclass(frozen=True)
class Event:
    when: datetime
    title: str
    who: str = ""
    detail: str = ""
    url: str = ""
    # The permission needed to follow `url`; without it the event shows without a link.
    permission: str = ""
    # Only the day is known (a discharge, a readmission, consent): shown without a time.
    date_only: bool = False


def _day_event(day, *args, at=time.min, **kwargs):
    """An event known only by its day, placed at the start of that day (or `at`) so it sorts
    among the timed ones."""
    return Event(timezone.make_aware(datetime.combine(day, at)), *args, date_only=True, **kwargs)


def _name(user):
    return str(user) if user else gettext("the system")


def _referral_events(client):
    referrals = Referral.objects.filter(
        scheme_id=client.scheme_id, nhs_number=client.nhs_number
    ).select_related("ward__hospital", "decided_by")
    for referral in referrals:
        url = reverse("referrals:detail", args=[referral.pk])
        link = {"url": url, "permission": Permission.VIEW_REFERRAL}
        yield Event(
            referral.submitted_at,
            gettext("Referred from %(ward)s") % {"ward": referral.ward},
            referral.referrer_name,
            **link,
        )
        if referral.decided_at:
            yield Event(
                referral.decided_at,
                # Translators: a referral's status, in lower case ("accepted", "declined").
                gettext("Referral %(status)s")
                % {"status": lower_first(referral.get_status_display())},
                _name(referral.decided_by),
                referral.get_decline_reason_display(),
                **link,
            )


def _episode_link(episode_id):
    return {
        "url": reverse("visits:episode", args=[episode_id]),
        "permission": Permission.VIEW_EPISODES,
    }


def _episode_events(client):
    for episode in client.support_episodes.select_related("opened_by", "closed_by"):
        link = _episode_link(episode.pk)
        yield Event(
            episode.opened_at, gettext("Support episode opened"), _name(episode.opened_by), **link
        )
        if episode.start_date:
            yield _day_event(episode.start_date, gettext("Went home: support started"), **link)
        if episode.closed_on:
            # At the end of its day: closing is the last thing done for that support, and
            # the volunteer's support it ends is timed later that day.
            yield _day_event(
                episode.closed_on,
                gettext("Support closed"),
                _name(episode.closed_by),
                episode.get_exit_outcome_display(),
                at=time.max,
                **link,
            )


def _extension_events(client):
    extensions = Extension.objects.filter(episode__client=client).select_related("extended_by")
    for extension in extensions:
        yield Event(
            extension.extended_at,
            ngettext(
                "Support extended by %(count)s week",
                "Support extended by %(count)s weeks",
                extension.weeks,
            )
            % {"count": extension.weeks},
            _name(extension.extended_by),
            **_episode_link(extension.episode_id),
        )


def _readmission_events(client):
    readmissions = Readmission.objects.filter(episode__client=client).select_related("recorded_by")
    for readmission in readmissions:
        link = _episode_link(readmission.episode_id)
        yield _day_event(
            readmission.admitted_on,
            gettext("Readmitted to hospital: calls paused"),
            _name(readmission.recorded_by),
            gettext("Told by %(source)s")
            % {"source": lower_first(readmission.get_source_display())},
            **link,
        )
        if readmission.returned_home_on:
            yield _day_event(
                readmission.returned_home_on, gettext("Home again: calls resumed"), **link
            )


def _volunteer_events(client):
    """Each offer: made, answered by the volunteer, and withdrawn or ended by the scheme."""
    offers = Assignment.objects.filter(episode__client=client).select_related(
        "volunteer", "offered_by", "ended_by"
    )
    for offer in offers:
        named = {"volunteer": offer.volunteer}
        yield Event(
            offer.offered_at, gettext("Offered to %(volunteer)s") % named, _name(offer.offered_by)
        )
        declined = offer.status == AssignmentStatus.DECLINED
        if offer.responded_at:
            answer = AssignmentStatus.DECLINED if declined else AssignmentStatus.ACCEPTED
            yield Event(
                offer.responded_at,
                # Translators: an offer's status, in lower case ("accepted", "declined").
                gettext("Volunteer offer %(status)s") % {"status": lower_first(str(answer.label))},
                str(offer.volunteer),
                offer.decline_reason_shown if declined else "",
            )
        if offer.ended_at:
            yield Event(
                offer.ended_at,
                gettext("Offer to %(volunteer)s withdrawn") % named
                if offer.status == AssignmentStatus.WITHDRAWN
                else gettext("Support from %(volunteer)s ended") % named,
                _name(offer.ended_by),
                offer.decline_reason_shown,
            )


def _contact_events(client):
    """Calls and visits as they happened: the outcome, never the note."""
    contacts = (
        Contact.objects.filter(episode__client=client)
        .select_related("logged_by")
        .prefetch_related("activities")
    )
    for contact in contacts:
        kind = contact.get_kind_display()
        if not contact.answered:
            title = gettext("%(kind)s: not answered") % {"kind": kind}
        elif contact.duration_minutes:
            title = ngettext(
                "%(kind)s: %(count)s minute",
                "%(kind)s: %(count)s minutes",
                contact.duration_minutes,
            ) % {"kind": kind, "count": contact.duration_minutes}
        else:
            title = kind
        done = ", ".join(lower_first(str(need)) for need in contact.activities.all())
        yield Event(
            contact.happened_at,
            title,
            _name(contact.logged_by),
            gettext("Helped with: %(needs)s") % {"needs": done} if done else "",
            **_episode_link(contact.episode_id),
        )


def _concern_events(client):
    """Concerns raised and dealt with: the category and urgency; the rest is on its page."""
    concerns = Concern.objects.filter(episode__client=client).select_related(
        "raised_by", "acknowledged_by", "closed_by"
    )
    for concern in concerns:
        link = {
            "url": reverse("visits:concern", args=[concern.pk]),
            "permission": Permission.VIEW_EPISODES,
        }
        category = concern.get_category_display()
        yield Event(
            concern.raised_at,
            gettext("Concern raised: %(category)s") % {"category": lower_first(category)},
            _name(concern.raised_by),
            concern.get_urgency_display(),
            **link,
        )
        if concern.acknowledged_at and concern.acknowledged_at != concern.closed_at:
            yield Event(
                concern.acknowledged_at,
                gettext("Concern acknowledged: %(category)s") % {"category": lower_first(category)},
                _name(concern.acknowledged_by),
                **link,
            )
        if concern.closed_at:
            escalated = (
                gettext("Escalated to %(partner)s") % {"partner": concern.escalated_to}
                if concern.escalated_to
                else ""
            )
            yield Event(
                concern.closed_at,
                gettext("Concern closed: %(category)s") % {"category": lower_first(category)},
                _name(concern.closed_by),
                escalated,
                **link,
            )


def _onward_events(client):
    onward = OnwardReferral.objects.filter(episode__client=client).select_related(
        "service", "made_by"
    )
    for referral in onward:
        yield _day_event(
            referral.referred_on,
            gettext("Referred on to %(service)s") % {"service": referral.service},
            _name(referral.made_by),
            gettext("Outcome: %(outcome)s")
            % {"outcome": lower_first(referral.get_outcome_display())},
            **_episode_link(referral.episode_id),
        )


def _consent_events(client):
    for record in client.consents.select_related("recorded_by"):
        kind = lower_first(record.get_kind_display())
        if record.given:
            title = gettext("Consent given: %(kind)s") % {"kind": kind}
        else:
            title = gettext("Consent withdrawn: %(kind)s") % {"kind": kind}
        yield _day_event(
            record.decided_on,
            title,
            record.obtained_by,
            record.note,
        )


def _assessment_events(client):
    assessments = client.assessments.select_related(
        "created_by", "signed_off_by", "second_signed_off_by"
    )
    for assessment in assessments:
        url = reverse("clients:assessment", args=[client.pk, assessment.pk])
        yield Event(
            assessment.created_at,
            gettext("Risk assessment started"),
            _name(assessment.created_by),
            url=url,
        )
        if assessment.signed_off_at:
            yield Event(
                assessment.signed_off_at,
                gettext("Risk assessment signed off"),
                _name(assessment.signed_off_by),
                RISK.get(assessment.level, assessment.get_level_display()),
                url,
            )
        if assessment.second_signed_off_at:
            yield Event(
                assessment.second_signed_off_at,
                gettext("Second sign-off of the risk assessment"),
                _name(assessment.second_signed_off_by),
                url=url,
            )


def _goal_events(client):
    for goal in client.goals.select_related("set_by", "reviewed_by"):
        yield Event(
            goal.set_at,
            gettext("Goal set: %(category)s") % {"category": goal.get_category_display()},
            _name(goal.set_by),
            goal.description,
        )
        if goal.reviewed_at:
            yield Event(
                goal.reviewed_at,
                gettext("Goal reviewed: %(outcome)s") % {"outcome": goal.get_outcome_display()},
                _name(goal.reviewed_by),
                goal.description,
            )


def _measure_events(client):
    for measure in client.measures.select_related("recorded_by"):
        yield _day_event(
            measure.taken_on,
            gettext("%(measure)s recorded") % {"measure": measure},
            _name(measure.recorded_by),
        )


def _share_events(client):
    for entry in SharingLogEntry.objects.filter(client=client).select_related("shared_by"):
        yield Event(
            entry.shared_at,
            gettext("Shared with %(organisation)s: %(what)s")
            % {"organisation": entry.recipient_organisation, "what": lower_first(entry.what)},
            _name(entry.shared_by),
            gettext("Without consent: %(reason)s") % {"reason": entry.override_reason}
            if entry.is_override
            else entry.purpose,
        )


SOURCES = [
    _referral_events,
    _episode_events,
    _extension_events,
    _readmission_events,
    _volunteer_events,
    _contact_events,
    _concern_events,
    _onward_events,
    _consent_events,
    _assessment_events,
    _goal_events,
    _measure_events,
    _share_events,
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
