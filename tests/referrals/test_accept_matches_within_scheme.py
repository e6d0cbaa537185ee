"""Accepting a referral finds the client by NHS number within the scheme only.

Another scheme's record for the same NHS number is another charity's: it is never reused,
changed or given an episode. Our scheme opens a client record of its own.
"""

import datetime

import pytest

from aligns.catalogues.models import KnownRisk
from aligns.nhs import synthetic_nhs_number
from clients.models import Client
from referrals.models import Status
from referrals.services import referral_accept
from tests.factories import ClientFactory, CoordinatorFactory, ReferralFactory
from visits.models import EpisodeStatus, SupportEpisode

NHS_NUMBER = synthetic_nhs_number(7_301)
BORN = datetime.date(1940, 5, 17)


@pytest.fixture(params=["supported-there-now", "support-there-ended"])
def theirs(request, other_scheme):
    """Another scheme's client with the same NHS number and date of birth, with one episode
    of support there: open, or (so that nothing would stop it being reused) closed."""
    client = ClientFactory(
        scheme=other_scheme, nhs_number=NHS_NUMBER, date_of_birth=BORN, given_name="Theirs"
    )
    referral = ReferralFactory(
        ward__hospital__scheme=other_scheme, nhs_number=NHS_NUMBER, date_of_birth=BORN
    )
    referral_accept(referral=referral, by=CoordinatorFactory(scheme=other_scheme))
    if request.param == "support-there-ended":
        SupportEpisode.objects.filter(client=client).update(status=EpisodeStatus.CLOSED)
    return client


def test_accepting_a_referral_known_to_another_scheme_creates_a_new_client_in_this_scheme(
    scheme, coordinator, theirs
):
    risk = KnownRisk.objects.first()
    referral = ReferralFactory(
        ward__hospital__scheme=scheme, nhs_number=NHS_NUMBER, date_of_birth=BORN,
        given_name="Ours", risks=[risk],
    )  # fmt: skip

    accepted, episode = referral_accept(referral=referral, by=coordinator)

    assert accepted.status == Status.ACCEPTED
    ours = episode.client
    assert ours.pk != theirs.pk
    assert ours.scheme == scheme
    assert (ours.nhs_number, ours.given_name) == (NHS_NUMBER, "Ours")
    assert episode.scheme == scheme
    # One record in each scheme; theirs untouched, with only its own episode.
    assert Client.objects.filter(nhs_number=NHS_NUMBER).count() == 2
    theirs.refresh_from_db()
    assert theirs.given_name == "Theirs"
    assert list(theirs.ward_risks.all()) == []
    assert SupportEpisode.objects.filter(client=theirs).count() == 1


def test_another_schemes_client_born_on_another_day_does_not_block_accepting(
    scheme, coordinator, theirs
):
    # Were their record looked at, the dates of birth would clash and acceptance be refused.
    referral = ReferralFactory(
        ward__hospital__scheme=scheme, nhs_number=NHS_NUMBER,
        date_of_birth=datetime.date(1950, 1, 1),
    )  # fmt: skip

    _, episode = referral_accept(referral=referral, by=coordinator)

    assert episode.client.scheme == scheme
    assert episode.client.date_of_birth == datetime.date(1950, 1, 1)
    assert episode.status == EpisodeStatus.AWAITING_DISCHARGE
