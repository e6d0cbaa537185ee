"""Emails to coordinators and volunteers. Called after commit, with ids, so a rollback
never sends and a task can send from the ids alone."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from aligns.accounts.models import Role, User


def _send(template, context, recipients):
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    send_mail(
        render_to_string(f"emails/{template}-subject.txt", context).strip(),
        render_to_string(f"emails/{template}-body.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


def coordinator_emails(scheme_id):
    return User.objects.filter(
        scheme_id=scheme_id, role=Role.COORDINATOR, is_active=True
    ).values_list("email", flat=True)


def notify_coordinators(*, concern_id=None, call_id=None, episode_id=None, again=False):
    """Tell the scheme's coordinators about a concern, an overdue call or a review due.

    Emails name no client: they say what kind of thing needs action and link to ALIGNS,
    where the details are behind sign-in.
    """
    from visits.models import Concern, ScheduledCall, SupportEpisode

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
    else:
        episode = SupportEpisode.objects.get(pk=episode_id)
        context = {
            "what": "A support episode has reached its week-6 review",
            "urgency": "",
            "again": again,
        }
        scheme_id = episode.scheme_id
    _send("coordinator_alert", context, coordinator_emails(scheme_id))


def remind_volunteer(*, call_id):
    """Remind the assigned volunteer of a call or visit due today (first name only)."""
    from visits.models import ScheduledCall
    from volunteers.models import AssignmentStatus

    call = ScheduledCall.objects.select_related("episode__client").get(pk=call_id)
    assignment = (
        call.episode.assignments.filter(status=AssignmentStatus.ACCEPTED)
        .select_related("volunteer")
        .first()
    )
    if assignment is None:
        return
    _send(
        "volunteer_reminder",
        {
            "call": call,
            "client_first_name": call.episode.client.given_name,
            "volunteer": assignment.volunteer,
        },
        [assignment.volunteer.email],
    )
