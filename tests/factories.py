"""Factories that make valid, synthetic domain objects. Never real people."""

import datetime

import factory
from django.utils import timezone
from faker import Faker

from aligns.accounts.models import Hospital, Organisation, Role, Scheme, User, Ward
from aligns.catalogues.models import Need
from aligns.nhs import synthetic_nhs_number
from clients.models import Client
from referrals.figures import referrals_kept
from referrals.models import Referral

TEST_PASSWORD = "a-long-test-password-1"  # noqa: S105

_fake = Faker("en_GB")


def _plain(name):
    """Names without apostrophes, so tests can look for them in HTML as typed.

    (An apostrophe is escaped in HTML; that names like O'Donnell display correctly is the
    template engine's job, tested in tests/aligns/test_html_escaping.py.)"""
    return name.replace("'", "")


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test Home from Hospital {n}")
    slug = factory.Sequence(lambda n: f"test-scheme-{n}")
    # The clients made here live at RV postcodes, which the tests' postcode table (AB1, AB2)
    # does not hold: Find a volunteer searches around the scheme's area instead.
    area_postcode = "AB1 1AA"


class HospitalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hospital

    scheme = factory.SubFactory(SchemeFactory)
    name = factory.Sequence(lambda n: f"Test General Hospital {n}")


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    hospital = factory.SubFactory(HospitalFactory)
    name = factory.Sequence(lambda n: f"Ward {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.LazyFunction(lambda: _plain(_fake.name()))
    role = Role.COORDINATOR
    scheme = factory.SubFactory(SchemeFactory)
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def wards(self, create, extracted, **kwargs):
        if create and extracted:
            self.wards.set(extracted)


class WardStaffFactory(UserFactory):
    role = Role.WARD_STAFF

    @factory.post_generation
    def wards(self, create, extracted, **kwargs):
        # Ward staff always work somewhere: by default on one ward of their scheme.
        if not create:
            return
        if extracted is None:
            extracted = [WardFactory(hospital=HospitalFactory(scheme=self.scheme))]
        self.wards.set(extracted)


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR


class VolunteerFactory(UserFactory):
    role = Role.VOLUNTEER


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test Provider {n}")
    slug = factory.Sequence(lambda n: f"test-provider-{n}")


class OrganisationManagerFactory(UserFactory):
    """Of an organisation, of no scheme."""

    role = Role.ORGANISATION_MANAGER
    scheme = None
    organisation = factory.SubFactory(OrganisationFactory)


ROLE_FACTORIES = {
    Role.WARD_STAFF: WardStaffFactory,
    Role.COORDINATOR: CoordinatorFactory,
    Role.VOLUNTEER: VolunteerFactory,
    Role.MANAGER: ManagerFactory,
    Role.ORGANISATION_MANAGER: OrganisationManagerFactory,
}


class ReferralFactory(factory.django.DjangoModelFactory):
    """A submitted referral, discharge expected in two days, from a ward of its own scheme."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    ward = factory.SubFactory(WardFactory)
    hospital = factory.LazyAttribute(lambda o: o.ward.hospital)
    scheme = factory.LazyAttribute(lambda o: o.ward.hospital.scheme)
    referred_by = factory.LazyAttribute(lambda o: WardStaffFactory(scheme=o.scheme, wards=[o.ward]))
    given_name = factory.LazyFunction(lambda: _plain(_fake.first_name()))
    family_name = factory.LazyFunction(lambda: _plain(_fake.last_name()))
    date_of_birth = datetime.date(1940, 5, 17)
    nhs_number = factory.Sequence(lambda n: synthetic_nhs_number(20_000 + n))
    address_line_1 = "1 Test Street"
    town = "Testtown"
    postcode = "RV1 1AA"
    expected_discharge_date = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=2)
    )
    discharge_pathway = 1
    consent_to_referral = True
    consent_to_hold = True
    consent_obtained_by = "A Nurse"
    consent_obtained_on = factory.LazyFunction(timezone.localdate)
    referrer_name = "A Nurse"
    referrer_role = "Staff nurse"
    referrer_contact = "07700 900111"

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if create:
            self.needs.set(extracted or Need.objects.filter(code="shopping"))

    @factory.post_generation
    def risks(self, create, extracted, **kwargs):
        if create and extracted:
            self.risks.set(extracted)

    @factory.post_generation
    def kept(self, create, extracted, **kwargs):
        """The referrals of its day counted again, as the services that send and decide a
        referral keep them (referrals.figures)."""
        if create:
            referrals_kept(self)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    scheme = factory.SubFactory(SchemeFactory)
    nhs_number = factory.Sequence(lambda n: synthetic_nhs_number(40_000 + n))
    given_name = factory.LazyFunction(lambda: _plain(_fake.first_name()))
    family_name = factory.LazyFunction(lambda: _plain(_fake.last_name()))
    date_of_birth = datetime.date(1941, 3, 9)
    address_line_1 = "2 Test Road"
    town = "Testtown"
    postcode = "RV2 2BB"
