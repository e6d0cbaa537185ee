"""Emails about volunteers: the kinds of message volunteers/services.py queues (aligns/outbox),
made by the worker from ids when it sends."""

from dataclasses import replace

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aligns.outbox.services import Email, coordinator_emails, message_kind
from volunteers.models import ExpiryReminder, TrainingRecord


@message_kind(_("A DBS recheck or training expires soon"))
def expiry_reminder(*, reminder_id):
    """What expires, to the volunteer and the scheme's coordinators, each in the language they
    chose: the volunteer shares the coordinators' email in their language, if there is one."""
    reminder = ExpiryReminder.objects.select_related("volunteer__user").get(pk=reminder_id)
    volunteer = reminder.volunteer
    kind, _sep, record_id = reminder.subject.partition(":")
    course = ""  # a DBS recheck
    if kind == "training":
        course = TrainingRecord.objects.select_related("course").get(pk=record_id).course.name
    context = {"volunteer": volunteer, "course": course, "expires_on": reminder.expires_on}
    emails = coordinator_emails(volunteer.scheme_id, "expiry_reminder", context)
    language = (volunteer.user.preferred_language if volunteer.user_id else "") or (
        settings.LANGUAGE_CODE
    )
    for number, email in enumerate(emails):
        if (email.language or settings.LANGUAGE_CODE) == language:
            emails[number] = replace(email, recipients=[*email.recipients, volunteer.contact_email])
            return emails
    own = Email("expiry_reminder", context, [volunteer.contact_email], language=language)
    return [*emails, own]
