import pytest

from aligns.accounts.models import Role
from tests.factories import ROLE_FACTORIES, SchemeFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production's PBKDF2 is slow on purpose; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scheme(db):
    return SchemeFactory()


@pytest.fixture
def other_scheme(db):
    return SchemeFactory()


@pytest.fixture
def make_user(db, scheme):
    """make_user(role, **fields): a user of `role`, by default in the `scheme` fixture."""

    def make(role, **fields):
        fields.setdefault("scheme", scheme)
        return ROLE_FACTORIES[Role(role)](**fields)

    return make


@pytest.fixture
def ward_staff(make_user):
    return make_user(Role.WARD_STAFF)


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR)


@pytest.fixture
def volunteer(make_user):
    return make_user(Role.VOLUNTEER)


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)
