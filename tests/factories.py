"""Factories that make valid, synthetic domain objects. Never real people."""

import factory
from faker import Faker

from aligns.accounts.models import Hospital, Role, Scheme, User, Ward

TEST_PASSWORD = "a-long-test-password-1"  # noqa: S105

_fake = Faker("en_GB")


def nhs_number_999(seed):
    """A 10-digit NHS number from the never-issued 999 range with a valid Modulus 11 check digit.

    `seed` (an integer) picks the number, so tests get stable, distinct values. Seeds whose
    check digit would be 10 (which is never issued) are skipped over.
    """
    body_number = seed
    while True:
        body = f"999{body_number % 1_000_000:06d}"
        total = sum(
            int(digit) * weight for digit, weight in zip(body, range(10, 1, -1), strict=True)
        )
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return f"{body}{check}"
        body_number += 1


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test Home from Hospital {n}")
    slug = factory.Sequence(lambda n: f"test-scheme-{n}")


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
    full_name = factory.LazyFunction(_fake.name)
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


ROLE_FACTORIES = {
    Role.WARD_STAFF: WardStaffFactory,
    Role.COORDINATOR: CoordinatorFactory,
    Role.VOLUNTEER: VolunteerFactory,
    Role.MANAGER: ManagerFactory,
}
