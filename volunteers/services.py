"""Everything that changes a volunteer, their vetting and training, or their sign-in."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from aligns.accounts.models import Role
from aligns.accounts.services import AccountActionRefused, user_invite
from aligns.audit.services import attribute_change
from aligns.errors import ActionRefused
from aligns.outbox.services import queue_email
from aligns.transitions import move
from volunteers.geography import locate, normalise
from volunteers.models import (
    STAGE_TRANSITIONS,
    DbsCheck,
    ExpiryReminder,
    Reference,
    Stage,
    StageChange,
    TrainingRecord,
    Volunteer,
)

# Reminders go out this many days before a DBS recheck or mandatory training expires.
REMINDER_DAYS = 30


class VolunteerActionRefused(ActionRefused):
    """A change that cannot be made; the message says why, for the person who tried."""


def _place(volunteer):
    where = locate(volunteer.postcode)
    volunteer.postcode = normalise(volunteer.postcode)
    if where is None:
        volunteer.latitude = volunteer.longitude = None
        volunteer.location_is_district = False
    else:
        volunteer.latitude, volunteer.longitude, volunteer.location_is_district = where


@transaction.atomic
def volunteer_create(*, scheme, by, skills=(), **fields):
    volunteer = Volunteer(scheme=scheme, **fields)
    _place(volunteer)
    attribute_change(volunteer, by=by, reason=gettext_noop("Application recorded"))
    volunteer.save()
    volunteer.skills.set(skills)
    StageChange.objects.create(volunteer=volunteer, stage=volunteer.stage, changed_by=by)
    return volunteer


@transaction.atomic
def volunteer_update(*, volunteer, by, skills=None, **fields):
    for name, value in fields.items():
        setattr(volunteer, name, value)
    _place(volunteer)
    attribute_change(volunteer, by=by, reason=gettext_noop("Profile changed"))
    volunteer.save()
    if skills is not None:
        volunteer.skills.set(skills)
    return volunteer


@transaction.atomic
def volunteer_invite(*, volunteer, email, by, site):
    """Give a volunteer on the scheme's books a sign-in: an account with the volunteer role,
    linked to their profile (so they see their clients and offers), and an emailed link to
    choose a password (aligns.accounts.services.user_invite)."""
    volunteer = Volunteer.objects.select_for_update(of=("self",)).get(pk=volunteer.pk)
    if volunteer.user_id is not None:
        raise VolunteerActionRefused(
            gettext("%(volunteer)s already has a sign-in.") % {"volunteer": volunteer}
        )
    try:
        user = user_invite(
            scheme=volunteer.scheme, email=email, full_name=volunteer.full_name,
            role=Role.VOLUNTEER, phone=volunteer.phone, job_title="Volunteer", by=by, site=site,
        )  # fmt: skip
    except AccountActionRefused as refused:
        raise VolunteerActionRefused(str(refused)) from refused
    return volunteer_update(volunteer=volunteer, by=by, user=user)


# The history's reason for each move: stored in English and read in the reader's language
# (aligns/audit/history.py), so each is a whole sentence for the translator.
MOVED_TO = {
    Stage.APPLIED: gettext_noop("Moved to applied"),
    Stage.REFERENCES_RECEIVED: gettext_noop("Moved to references received"),
    Stage.DBS_CHECKED: gettext_noop("Moved to DBS checked"),
    Stage.TRAINED: gettext_noop("Moved to trained"),
    Stage.ACTIVE: gettext_noop("Moved to active"),
    Stage.PAUSED: gettext_noop("Moved to paused"),
    Stage.LEFT: gettext_noop("Moved to left"),
}


@transaction.atomic
def volunteer_move(*, volunteer, stage, by, reason=""):
    """Move along the pipeline; leaving needs a reason."""
    volunteer = Volunteer.objects.select_for_update(of=("self",)).get(pk=volunteer.pk)
    if stage == Stage.LEFT and not reason.strip():
        raise VolunteerActionRefused(gettext("Say why the volunteer is leaving."))
    move(
        volunteer,
        stage,
        field="stage",
        table=STAGE_TRANSITIONS,
        refused=VolunteerActionRefused,
        message=gettext("A volunteer who is {current} cannot move to {target}."),
        by=by,
        reason=MOVED_TO[stage],
    )
    if stage == Stage.LEFT:
        volunteer.left_reason = reason.strip()
    volunteer.save()
    StageChange.objects.create(volunteer=volunteer, stage=stage, changed_by=by, reason=reason)
    return volunteer


@transaction.atomic
def dbs_record(*, volunteer, by, **fields):
    check = DbsCheck(volunteer=volunteer, recorded_by=by, **fields)
    attribute_change(check, by=by, reason=gettext_noop("DBS check recorded"))
    check.save()
    return check


@transaction.atomic
def reference_record(*, volunteer, by, **fields):
    reference = Reference(volunteer=volunteer, recorded_by=by, **fields)
    attribute_change(reference, by=by, reason=gettext_noop("Reference recorded"))
    reference.save()
    return reference


@transaction.atomic
def training_record(*, volunteer, course, completed_on, by, expires_on=None):
    """Record a completed course; its expiry follows from the course unless given."""
    if expires_on is None and course.valid_for_months:
        expires_on = completed_on + relativedelta(months=course.valid_for_months)
    record = TrainingRecord(
        volunteer=volunteer,
        course=course,
        completed_on=completed_on,
        expires_on=expires_on,
        recorded_by=by,
    )
    attribute_change(record, by=by, reason=gettext_noop("Training recorded"))
    record.save()
    return record


# --- Reminders (Celery beat) --------------------------------------------------------------


def _expiring(today):
    """(volunteer, subject key, what, expires_on) for checks expiring within REMINDER_DAYS.

    Only the latest DBS check and the latest record of each mandatory course count: an
    older one superseded by a renewal needs no reminder.
    """
    horizon = today + timedelta(days=REMINDER_DAYS)
    volunteers = (
        Volunteer.objects.filter(stage__in=[Stage.ACTIVE, Stage.PAUSED, Stage.TRAINED])
        .select_related("user", "scheme")
        .prefetch_related("dbs_checks", "training__course")
    )
    for volunteer in volunteers:
        latest_dbs = max(
            volunteer.dbs_checks.all(), key=lambda c: (c.issued_on, c.pk), default=None
        )
        if latest_dbs and today <= latest_dbs.recheck_due <= horizon:
            yield volunteer, f"dbs:{latest_dbs.pk}", latest_dbs.recheck_due
        latest_by_course = {}
        for record in volunteer.training.all():
            if record.course.mandatory and record.expires_on:
                current = latest_by_course.get(record.course_id)
                if current is None or record.completed_on > current.completed_on:
                    latest_by_course[record.course_id] = record
        for record in latest_by_course.values():
            if today <= record.expires_on <= horizon:
                yield (
                    volunteer,
                    f"training:{record.pk}",
                    record.expires_on,
                )


def send_expiry_reminders(*, today=None):
    """Email the volunteer and the scheme's coordinators about each coming expiry, once.

    The ExpiryReminder row is written first under a unique constraint, so two workers (or
    two runs) cannot both send the same reminder; each email is then queued on its own
    (aligns/outbox), so one the mail server refuses holds up no other. Returns how many.
    """
    from volunteers.emails import expiry_reminder

    today = today or timezone.localdate()
    sent = 0
    for volunteer, subject, expires_on in _expiring(today):
        try:
            with transaction.atomic():
                reminder = ExpiryReminder.objects.create(
                    volunteer=volunteer, subject=subject, expires_on=expires_on
                )
                queue_email(
                    expiry_reminder,
                    key=f"expiry-reminder:{reminder.pk}",
                    scheme_id=volunteer.scheme_id,
                    urgent=False,
                    reminder_id=reminder.pk,
                )
        except IntegrityError:
            continue  # already reminded about this expiry
        sent += 1
    return sent
