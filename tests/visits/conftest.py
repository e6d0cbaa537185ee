import datetime

import pytest
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

LONDON = timezone.get_default_timezone()


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


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
