from django.urls import reverse

from aligns.accounts.models import Role
from aligns.accounts.services import user_create, user_update_contact
from records.demo import seed_demo


def test_a_change_made_through_a_page_is_attributed_to_the_signed_in_user(client, volunteer):
    client.force_login(volunteer)

    response = client.post(
        reverse("accounts:account"),
        {"full_name": "Val Renamed", "phone": "07700 900982", "preferred_language": "en-gb"},
    )

    assert response.status_code == 302
    latest = volunteer.history.latest()
    assert latest.full_name == "Val Renamed"
    assert latest.history_user == volunteer


def test_a_change_made_by_a_service_is_attributed_to_the_user_it_was_given(coordinator, volunteer):
    user_update_contact(user=volunteer, full_name="Val Volunteer", phone="", by=coordinator)

    latest = volunteer.history.latest()
    assert latest.history_user == coordinator
    assert latest.history_change_reason == "Contact details changed"


def test_a_user_created_by_a_service_records_its_creator(coordinator, scheme):
    created = user_create(
        email="New.Person@Example.org",
        full_name="New Person",
        role=Role.VOLUNTEER,
        scheme=scheme,
        by=coordinator,
    )

    first = created.history.earliest()
    assert first.history_type == "+"
    assert first.history_user == coordinator
    assert created.email == "new.person@example.org"
    assert not created.has_usable_password()


def test_password_hashes_never_enter_the_history(db):
    seed_demo()
    from aligns.accounts.models import User

    history_fields = {field.name for field in User.history.model._meta.get_fields()}

    assert "password" not in history_fields
