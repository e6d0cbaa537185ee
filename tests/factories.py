"""Factories that make valid, synthetic domain objects. Never real people."""

import factory
from faker import Faker

from aligns.accounts.models import Hospital, Role, Scheme, User, Ward

TEST_PASSWORD = "a-long-test-password-1"  # noqa: S105

_fake = Faker("en_GB")


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
