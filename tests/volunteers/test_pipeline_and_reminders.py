"""The volunteer pipeline, and the reminders before checks expire."""

import datetime

import pytest
import time_machine
from django.core import mail

from volunteers.models import DbsCheck, ExpiryReminder, TrainingRecord
from volunteers.services import (
    VolunteerActionRefused,
    dbs_record,
    send_expiry_reminders,
    volunteer_move,
)


def test_leaving_the_pipeline_needs_a_reason_and_illegal_moves_are_refused(
    make_volunteer, coordinator
):
    volunteer = make_volunteer()

    with pytest.raises(VolunteerActionRefused, match="Say why"):
        volunteer_move(volunteer=volunteer, stage="left", by=coordinator)
    with pytest.raises(VolunteerActionRefused, match="cannot move to applied"):
        volunteer_move(volunteer=volunteer, stage="applied", by=coordinator)
    left = volunteer_move(volunteer=volunteer, stage="left", by=coordinator, reason="Moved away")

    assert left.left_reason == "Moved away"
    assert [change.stage for change in left.stage_changes.all()][-1] == "left"


# --- Reminders ------------------------------------------------------------------------------

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 7, 30), tick=False):
        yield


@pytest.fixture
def remind(send_messages):
    """The daily task, then the worker's dispatch of the messages it queued."""

    def run():
        reminded = send_expiry_reminders(today=TODAY)
        send_messages()
        return reminded

    return run


def test_a_dbs_recheck_due_within_30_days_is_reminded_once_however_often_the_task_runs(
    frozen, remind, make_volunteer, coordinator
):
    volunteer = make_volunteer(email="vol@example.org")
    DbsCheck.objects.filter(volunteer=volunteer).update(
        recheck_due=TODAY + datetime.timedelta(days=20)
    )

    first = remind()
    second = remind()

    assert (first, second) == (1, 0)
    (message,) = mail.outbox
    assert set(message.to) == {"vol@example.org", coordinator.email}
    assert "DBS recheck" in message.subject
    assert "13 December 2026" in message.subject


def test_a_volunteer_known_only_by_their_sign_in_is_reminded_at_its_address(
    frozen, remind, make_volunteer, make_user, coordinator
):
    # Most volunteers are invited: their address is their sign-in's, the profile's is blank.
    signed_in = make_user("volunteer", email="signed.in@example.org")
    volunteer = make_volunteer(user=signed_in, email="")
    DbsCheck.objects.filter(volunteer=volunteer).update(
        recheck_due=TODAY + datetime.timedelta(days=20)
    )

    remind()

    (message,) = mail.outbox
    assert set(message.to) == {"signed.in@example.org", coordinator.email}


def test_checks_far_off_or_already_lapsed_are_not_reminded(frozen, remind, make_volunteer):
    far = make_volunteer(given_name="Far")
    lapsed = make_volunteer(given_name="Lapsed")
    DbsCheck.objects.filter(volunteer=far).update(recheck_due=TODAY + datetime.timedelta(days=31))
    DbsCheck.objects.filter(volunteer=lapsed).update(recheck_due=TODAY - datetime.timedelta(days=1))

    assert remind() == 0
    assert mail.outbox == []


def test_a_renewed_dbs_check_stops_the_reminder_about_the_old_one(
    frozen, remind, make_volunteer, coordinator
):
    volunteer = make_volunteer()
    DbsCheck.objects.filter(volunteer=volunteer).update(
        recheck_due=TODAY + datetime.timedelta(days=10)
    )
    dbs_record(
        volunteer=volunteer,
        by=coordinator,
        level="enhanced",
        certificate_number="009876543210",
        issued_on=TODAY,
        recheck_due=TODAY + datetime.timedelta(days=1095),
    )

    assert remind() == 0


def test_mandatory_training_expiring_soon_is_reminded(frozen, remind, make_volunteer):
    volunteer = make_volunteer()
    TrainingRecord.objects.filter(volunteer=volunteer).update(
        expires_on=TODAY + datetime.timedelta(days=5)
    )

    assert remind() == 1
    assert "Safeguarding adults training" in mail.outbox[0].subject
    assert ExpiryReminder.objects.get().expires_on == TODAY + datetime.timedelta(days=5)


def test_the_dashboards_count_of_expiring_checks_follows_the_reminder_rule(
    frozen, make_volunteer, coordinator
):
    from volunteers.models import Volunteer
    from volunteers.services import REMINDER_DAYS, _expiring

    due = make_volunteer(given_name="Due")
    far = make_volunteer(given_name="Far")
    renewed = make_volunteer(given_name="Renewed")
    training = make_volunteer(given_name="Training")
    for volunteer, days in ((due, 20), (far, 31), (renewed, 10)):
        DbsCheck.objects.filter(volunteer=volunteer).update(
            recheck_due=TODAY + datetime.timedelta(days=days)
        )
    dbs_record(
        volunteer=renewed, by=coordinator, level="enhanced", certificate_number="009876543210",
        issued_on=TODAY, recheck_due=TODAY + datetime.timedelta(days=1095),
    )  # fmt: skip
    TrainingRecord.objects.filter(volunteer=training).update(
        expires_on=TODAY + datetime.timedelta(days=5)
    )
    horizon = TODAY + datetime.timedelta(days=REMINDER_DAYS)

    counted = set(Volunteer.objects.with_checks_expiring(TODAY, horizon))

    assert counted == {due, training}
    assert counted == {volunteer for volunteer, *_ in _expiring(TODAY)}


def test_a_reminder_the_mail_server_refuses_holds_up_no_other(
    frozen, remind, make_volunteer, coordinator, settings
):
    first, second = make_volunteer(given_name="First"), make_volunteer(given_name="Second")
    DbsCheck.objects.filter(volunteer__in=[first, second]).update(
        recheck_due=TODAY + datetime.timedelta(days=20)
    )
    settings.EMAIL_BACKEND = "tests.aligns.test_password_reset.RefusingBackend"

    reminded = remind()

    assert reminded == 2
    assert ExpiryReminder.objects.count() == 2
    assert mail.outbox == []


def test_a_volunteer_who_chose_welsh_is_reminded_in_welsh_and_the_coordinators_in_english(
    frozen, remind, make_volunteer, make_user, coordinator
):
    welsh = make_user("volunteer", email="cymraeg@example.org", preferred_language="cy")
    volunteer = make_volunteer(user=welsh, email="")
    DbsCheck.objects.filter(volunteer=volunteer).update(
        recheck_due=TODAY + datetime.timedelta(days=20)
    )

    remind()

    by_address = {address: message for message in mail.outbox for address in message.to}
    assert set(by_address) == {"cymraeg@example.org", coordinator.email}
    to_volunteer, to_coordinators = by_address["cymraeg@example.org"], by_address[coordinator.email]
    assert to_volunteer.extra_headers["Content-Language"] == "cy"
    assert "ailwiriad DBS" in to_volunteer.subject and "13 Rhagfyr 2026" in to_volunteer.subject
    assert "Anfonir y nodyn atgoffa hwn unwaith" in to_volunteer.body
    assert to_coordinators.extra_headers["Content-Language"] == "en-gb"
    assert "DBS recheck" in to_coordinators.subject
