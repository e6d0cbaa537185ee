"""Emails to coordinators and volunteers, sent by the worker from ids (the tasks in
visits/tasks.py, queued after commit, so a rollback never sends)."""

from aligns.mail import coordinator_addresses, send
from visits.models import (
    OUTSTANDING_CALL_STATUSES,
    Assignment,
    AssignmentStatus,
    CallKind,
    Concern,
    ScheduledCall,
    SupportEpisode,
)
from visits.services import visit_refusal


def notify_coordinators(
    *, concern_id=None, call_id=None, episode_id=None, assignment_id=None, again=False
):
    """Tell the scheme's coordinators about a concern, an overdue call or a review due.

    Emails name no client: they say what kind of thing needs action and link to ALIGNS,
    where the details are behind sign-in.
    """
    if concern_id:
        concern = Concern.objects.select_related("episode").get(pk=concern_id)
        context = {
            "what": f"A {concern.get_category_display().lower()} concern was raised",
            "urgency": concern.get_urgency_display(),
            "again": again,
        }
        scheme_id = concern.episode.scheme_id
    elif call_id:
        call = ScheduledCall.objects.select_related("episode").get(pk=call_id)
        context = {"what": "A call to a client is overdue", "urgency": "", "again": again}
        scheme_id = call.episode.scheme_id
    elif assignment_id:
        assignment = Assignment.objects.select_related("episode").get(pk=assignment_id)
        context = {
            "what": "A volunteer has not answered the offer of a new client",
            "urgency": "",
            "again": again,
        }
        scheme_id = assignment.episode.scheme_id
    else:
        episode = SupportEpisode.objects.get(pk=episode_id)
        context = {
            "what": "A support episode has reached its week-6 review",
            "urgency": "",
            "again": again,
        }
        scheme_id = episode.scheme_id
    send("coordinator_alert", context, coordinator_addresses(scheme_id))


def remind_volunteer(*, call_id):
    """Remind the assigned volunteer of a call or visit due today (first name only)."""
    call = ScheduledCall.objects.select_related("episode__client").get(pk=call_id)
    if call.status not in OUTSTANDING_CALL_STATUSES:
        return  # made, cancelled or paused since the sweep queued the reminder
    if call.kind == CallKind.VISIT and visit_refusal(call.episode):
        return  # on hold since: checked again at the moment of sending
    assignment = (
        call.episode.assignments.filter(status=AssignmentStatus.ACCEPTED)
        .select_related("volunteer")
        .first()
    )
    if assignment is None:
        return
    send(
        "volunteer_reminder",
        {
            "call": call,
            "client_first_name": call.episode.client.given_name,
            "volunteer": assignment.volunteer,
        },
        [assignment.volunteer.contact_email],
    )


def tell_volunteer_of_offer(*, assignment_id):
    """A new client is offered to the volunteer: say so at once, naming nobody, so they sign in
    and answer (the first call is due within days of discharge)."""
    assignment = (
        Assignment.objects.select_related("volunteer__user").filter(pk=assignment_id).first()
    )
    if assignment is None or assignment.status != AssignmentStatus.OFFERED:
        return  # withdrawn, or already answered, before the email went
    send(
        "volunteer_offer",
        {"volunteer": assignment.volunteer},
        [assignment.volunteer.contact_email],
    )
