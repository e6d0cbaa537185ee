"""Emails to coordinators and volunteers: the kinds of message the support services and the
sweeps queue (aligns/outbox), made by the worker from ids when it sends, so each says what is
true then (a call made meanwhile is not reminded).

Emails to coordinators name no client: they say what kind of thing needs action and link to
ALIGNS, where the details are behind sign-in. Emails to volunteers use a first name at most.
"""

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aligns.outbox.services import Email, coordinator_emails, message_kind
from visits.models import (
    OUTSTANDING_CALL_STATUSES,
    Assignment,
    AssignmentStatus,
    CallKind,
    Concern,
    ConcernCategory,
    ScheduledCall,
    SupportEpisode,
    Urgency,
)
from visits.services import visit_refusal


def _coordinator_alert(scheme_id, what, *, urgency="", again=False):
    """`what` and `urgency` are words to translate (lazy), so each coordinator reads them in
    the language they chose."""
    return coordinator_emails(
        scheme_id, "coordinator_alert", {"what": what, "urgency": urgency, "again": again}
    )


def _concern_raised_words(category):
    return gettext("A %(category)s concern was raised") % {
        "category": str(dict(ConcernCategory.choices).get(category, category)).lower()
    }


_concern_raised = lazy(_concern_raised_words, str)


@message_kind(_("A concern raised"))
def concern_raised(*, concern_id, again=False):
    """A new concern, or (`again`) one nobody has acknowledged in time."""
    concern = Concern.objects.select_related("episode").get(pk=concern_id)
    return _coordinator_alert(
        concern.episode.scheme_id,
        _concern_raised(concern.category),
        urgency=dict(Urgency.choices).get(concern.urgency, ""),
        again=again,
    )


@message_kind(_("A call overdue"))
def call_overdue(*, call_id):
    call = ScheduledCall.objects.select_related("episode").get(pk=call_id)
    return _coordinator_alert(call.episode.scheme_id, _("A call to a client is overdue"))


@message_kind(_("A week-6 review due"))
def review_due(*, episode_id):
    episode = SupportEpisode.objects.get(pk=episode_id)
    return _coordinator_alert(
        episode.scheme_id, _("A support episode has reached its week-6 review")
    )


@message_kind(_("An offer not answered"))
def offer_unanswered(*, assignment_id):
    assignment = Assignment.objects.select_related("episode").get(pk=assignment_id)
    return _coordinator_alert(
        assignment.episode.scheme_id, _("A volunteer has not answered the offer of a new client")
    )


@message_kind(_("A volunteer's DBS check due for renewal"))
def dbs_lapsed(*, assignment_id):
    assignment = (
        Assignment.objects.supporting(timezone.localdate())
        .select_related("episode")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or assignment.dbs_current:
        return None  # handed over, or the check renewed, since the sweep queued it
    return _coordinator_alert(
        assignment.episode.scheme_id,
        _("A volunteer supporting a client has a DBS check due for renewal: home visits wait"),
    )


@message_kind(_("A reminder of a call or visit"))
def call_reminder(*, call_id):
    """Remind the assigned volunteer of a call or visit due today (first name only)."""
    call = ScheduledCall.objects.select_related("episode__client").get(pk=call_id)
    if call.status not in OUTSTANDING_CALL_STATUSES:
        return None  # made, cancelled or paused since the sweep queued the reminder
    if call.kind == CallKind.VISIT and visit_refusal(call.episode):
        return None  # on hold since: checked again at the moment of sending
    assignment = (
        call.episode.assignments.filter(status=AssignmentStatus.ACCEPTED)
        .select_related("volunteer__user")
        .first()
    )
    if assignment is None:
        return None
    return Email(
        "volunteer_reminder",
        {
            "call": call,
            "client_first_name": call.episode.client.given_name,
            "volunteer": assignment.volunteer,
        },
        [assignment.volunteer.contact_email],
        language=_language_of(assignment.volunteer),
    )


@message_kind(_("An offer of a new client"))
def offer_made(*, assignment_id):
    """A new client is offered to the volunteer: say so at once, naming nobody, so they sign in
    and answer (the first call is due within days of discharge)."""
    assignment = (
        Assignment.objects.select_related("volunteer__user").filter(pk=assignment_id).first()
    )
    if assignment is None or assignment.status != AssignmentStatus.OFFERED:
        return None  # withdrawn, or already answered, before the email went
    return Email(
        "volunteer_offer",
        {"volunteer": assignment.volunteer},
        [assignment.volunteer.contact_email],
        language=_language_of(assignment.volunteer),
    )


def _language_of(volunteer):
    """The language the volunteer chose for ALIGNS (English without an account yet)."""
    return volunteer.user.preferred_language if volunteer.user_id else ""
