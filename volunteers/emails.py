"""Emails about volunteers: the kinds of message volunteers/services.py queues (aligns/outbox),
made by the worker from ids when it sends."""

from django.utils.translation import gettext_lazy as _

from aligns.outbox.services import Email, coordinator_addresses, message_kind
from volunteers.models import ExpiryReminder, TrainingRecord


@message_kind(_("A DBS recheck or training expires soon"))
def expiry_reminder(*, reminder_id):
    """What expires, to the volunteer and the scheme's coordinators."""
    reminder = ExpiryReminder.objects.select_related("volunteer__scheme").get(pk=reminder_id)
    volunteer = reminder.volunteer
    kind, _, record_id = reminder.subject.partition(":")
    what = "DBS recheck"
    if kind == "training":
        record = TrainingRecord.objects.select_related("course").get(pk=record_id)
        what = f"{record.course} training"
    context = {"volunteer": volunteer, "what": what, "expires_on": reminder.expires_on}
    return Email(
        "expiry_reminder",
        context,
        [*coordinator_addresses(volunteer.scheme_id), volunteer.contact_email],
    )
