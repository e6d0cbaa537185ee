import pytest

from tests.factories import HospitalFactory, ReferralFactory, WardFactory


@pytest.fixture
def referral(scheme):
    """A referral from a ward of the scheme's own hospital."""
    return ReferralFactory(ward=WardFactory(hospital=HospitalFactory(scheme=scheme)))
