import datetime

import pytest
import time_machine
from django.utils import timezone

from referrals.services import referral_accept
from tests.factories import ReferralFactory

# Volunteers ready to be matched, and episodes to match them to.
from tests.volunteers.conftest import (  # noqa: F401
    make_episode,
    make_volunteer,
    mandatory_course,
    postcodes,
)
from visits.models import (
    ActivityDay,
    Assignment,
    ContactDay,
    DischargeDay,
    LoggerDay,
    SupportEpisode,
)
from volunteers.models import DbsCheck, DbsLevel, Volunteer

LONDON = timezone.get_default_timezone()


def kept_figures():
    """Every figure visits.figures keeps, as sorted rows: compared before and after
    figures_rebuilt, they show that what was kept as contacts were logged is what the
    contacts say."""
    return {
        "first contacts": sorted(SupportEpisode.objects.values_list("pk", "first_contact_at")),
        "board": sorted(
            SupportEpisode.objects.values_list(
                "pk", "overdue_calls", "open_concerns", "next_call_due_at"
            )
        ),
        "days": sorted(
            ContactDay.objects.values_list(
                "scheme", "day", "contacts", "successful", "minutes",
                "calls", "calls_successful", "call_minutes",
            )
        ),
        "activities": sorted(
            ActivityDay.objects.values_list("scheme", "day", "need", "contacts")
        ),
        "loggers": sorted(
            LoggerDay.objects.values_list("scheme", "day", "logged_by", "contacts", "minutes")
        ),
        "discharges": sorted(
            DischargeDay.objects.values_list(
                "scheme", "day", "window_hours", "discharged", "contacted_in_time"
            )
        ),
    }  # fmt: skip


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def readmitted_then_home(episode, by, admitted_on, home_on, reason="Fall"):
    """The client readmitted on `admitted_on` and home again on `home_on`, each recorded at
    9:00 that day."""
    from visits.models import ReadmissionSource
    from visits.services import episode_readmit, episode_return_home

    def nine_on(day):
        return at(day.year, day.month, day.day, 9)

    with time_machine.travel(nine_on(admitted_on), tick=False):
        episode_readmit(
            episode=episode, admitted_on=admitted_on, source=ReadmissionSource.WARD,
            reason=reason, by=by,
        )  # fmt: skip
    with time_machine.travel(nine_on(home_on), tick=False):
        episode_return_home(episode=episode, returned_on=home_on, by=by)


@pytest.fixture
def make_active_episode(scheme, coordinator):
    """An episode whose client went home on `went_home` (accepted then)."""

    def make(went_home=datetime.date(2026, 11, 2), **referral_fields):
        referral = ReferralFactory(
            ward__hospital__scheme=scheme,
            actual_discharge_date=went_home,
            expected_discharge_date=went_home,
            **referral_fields,
        )
        _, episode = referral_accept(referral=referral, by=coordinator)
        return episode

    return make


# Most support pages' tests start on Monday 2 November 2026, the client home that day.
MONDAY = at(2026, 11, 2, 8, 0)


@pytest.fixture
def episode(make_active_episode):
    """An episode whose client went home on Monday 2 November 2026, accepted that morning. (A
    test module may define its own `episode`, which then takes the place of this one.)"""
    with time_machine.travel(MONDAY, tick=False):
        return make_active_episode(went_home=datetime.date(2026, 11, 2))


def vetted_volunteer(*, recorded_by, **fields):
    """A volunteer as one supporting a client is: with a DBS check whose recheck is years away
    (home visits wait while a supporting volunteer's check is due for renewal: hazard H14)."""
    volunteer = Volunteer.objects.create(**fields)
    DbsCheck.objects.create(
        volunteer=volunteer, level=DbsLevel.ENHANCED_BARRED, certificate_number="001234567890",
        issued_on=datetime.date(2026, 1, 5), recheck_due=datetime.date(2029, 1, 5),
        recorded_by=recorded_by,
    )  # fmt: skip
    return volunteer


def supporting(episode, user, status="accepted"):
    """`user` as the volunteer Vera, assigned to `episode` (accepted unless `status` says)."""
    volunteer = vetted_volunteer(
        scheme=episode.scheme, user=user, given_name="Vera", family_name="Vol", postcode="AB1 1AA",
        recorded_by=episode.opened_by,
    )  # fmt: skip
    Assignment.objects.create(
        episode=episode, volunteer=volunteer, status=status, offered_by=episode.opened_by
    )
    return volunteer
