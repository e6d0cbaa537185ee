"""The volunteer list and a volunteer's record: for the scheme's coordinators and managers."""

import pytest
from django.urls import reverse

from aligns.accounts.models import Role
from tests.factories import CoordinatorFactory


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.WARD_STAFF])
def test_volunteers_and_ward_staff_cannot_see_the_volunteer_list_or_records(
    client, make_user, make_volunteer, role
):
    other = make_volunteer()
    client.force_login(make_user(role))

    assert client.get(reverse("records:volunteers")).status_code == 403
    assert client.get(reverse("records:volunteer", args=[other.pk])).status_code == 403


def test_another_schemes_coordinator_finds_neither_the_volunteer_nor_them_listed(
    client, make_volunteer, other_scheme
):
    volunteer = make_volunteer(given_name="Ottoline")
    client.force_login(CoordinatorFactory(scheme=other_scheme))

    assert client.get(reverse("records:volunteer", args=[volunteer.pk])).status_code == 404
    assert "Ottoline" not in client.get(reverse("records:volunteers")).content.decode()


def test_the_list_shows_each_volunteers_caseload_against_their_limit(
    client, coordinator, make_volunteer, make_episode
):
    from visits.services import episode_assign_volunteer

    volunteer = make_volunteer(given_name="Busy", max_active_clients=3)
    episode_assign_volunteer(episode=make_episode(), volunteer=volunteer, by=coordinator)
    client.force_login(coordinator)

    listed = client.get(reverse("records:volunteers")).content.decode()
    record = client.get(reverse("records:volunteer", args=[volunteer.pk])).content.decode()

    assert "1 of 3" in listed
    assert "Supporting 1 of up to 3 clients" in record
