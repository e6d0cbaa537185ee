"""The volunteer list and a volunteer's record: for the scheme's coordinators and managers."""

import datetime

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


def test_the_second_page_of_volunteers_shows_each_ones_own_caseload_and_vetting_in_name_order(
    client, coordinator, make_volunteer, make_episode, django_assert_max_num_queries
):
    # The page's 25 are chosen first and only they are annotated: the figures must still
    # land on the right rows, in the list's order, on a page other than the first.
    from visits.services import episode_assign_volunteer

    busy = make_volunteer(given_name="Busy", family_name="Zephyr", max_active_clients=3)
    for _ in range(2):
        episode_assign_volunteer(episode=make_episode(), volunteer=busy, by=coordinator)
    lapsed = make_volunteer(given_name="Lapsed", family_name="Zanzibar")
    lapsed.dbs_checks.update(recheck_due="2000-01-01")
    for number in range(26):
        make_volunteer(given_name="Vol", family_name=f"Aardvark{number:02d}")
    client.force_login(coordinator)

    with django_assert_max_num_queries(20) as first:
        client.get(reverse("records:volunteers"))
    with django_assert_max_num_queries(len(first.captured_queries)):
        second = client.get(reverse("records:volunteers"), {"page": 2})

    page = second.context["page"]
    names = [volunteer.family_name for volunteer in page.object_list]
    assert names == ["Aardvark25", "Zanzibar", "Zephyr"]
    caseloads = {v.family_name: (v.active_clients, v.dbs_valid) for v in page.object_list}
    assert caseloads == {"Aardvark25": (0, True), "Zanzibar": (0, False), "Zephyr": (2, True)}
    assert "2 of 3" in second.content.decode() and "DBS lapsed" in second.content.decode()


def test_the_list_shows_only_volunteers_with_checks_due_when_asked(
    client, coordinator, make_volunteer
):
    from django.utils import timezone

    due = make_volunteer(given_name="Duebright", family_name="Soon")
    due.dbs_checks.update(recheck_due=timezone.localdate() + datetime.timedelta(days=10))
    make_volunteer(given_name="Farley", family_name="Later")
    client.force_login(coordinator)

    due_only = client.get(reverse("records:volunteers"), {"checks": "due"}).content.decode()
    everyone = client.get(reverse("records:volunteers"), {"checks": "<nonsense>"})

    assert "Duebright" in due_only and "Farley" not in due_only
    assert "Show all volunteers" in due_only
    assert everyone.status_code == 200
    assert "Duebright" in everyone.content.decode() and "Farley" in everyone.content.decode()
