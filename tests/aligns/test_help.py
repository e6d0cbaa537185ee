"""/help/: the signed-in person's short guide to their own role, linked from every page's
header; signed out, the sign-in page (nothing about the service is shown before it)."""

import re

import pytest
from django.urls import reverse

from aligns.accounts.models import Role, User

HEADINGS = {
    Role.WARD_STAFF: "Help for ward staff",
    Role.COORDINATOR: "Help for coordinators",
    Role.VOLUNTEER: "Help for volunteers",
    Role.MANAGER: "Help for managers",
    Role.ORGANISATION_MANAGER: "Help for organisation managers",
}


def heading(response):
    return re.search(r"<h1>(.*?)</h1>", response.content.decode()).group(1)


@pytest.mark.parametrize("role", list(HEADINGS))
def test_each_role_reads_its_own_guide_and_is_told_to_call_999_first(client, make_user, role):
    client.force_login(make_user(role))

    response = client.get("/help/")

    assert response.status_code == 200
    assert heading(response) == HEADINGS[role]
    page = response.content.decode()
    assert "call 999 first" in page
    for other, other_heading in HEADINGS.items():
        if other != role:
            assert other_heading not in page


@pytest.mark.parametrize("role", list(HEADINGS))
def test_the_help_link_is_in_the_header_of_every_signed_in_page(client, make_user, role):
    client.force_login(make_user(role))

    page = client.get(reverse("accounts:account")).content.decode()

    header = page.split('<header class="nhsuk-header"')[1].split("</header>")[0]
    assert f'href="{reverse("help")}">Help</a>' in header


def test_someone_not_signed_in_is_sent_to_sign_in_and_shown_no_help_link(client, db):
    response = client.get("/help/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert 'href="/help/"' not in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.WARD_STAFF])
def test_volunteers_and_ward_staff_are_given_their_coordinators_number_to_ask(
    client, make_user, scheme, role
):
    scheme.contact_phone, scheme.contact_email = "01632 960111", "team@scheme.example.org"
    scheme.save()
    client.force_login(make_user(role))

    page = client.get("/help/").content.decode()

    assert 'href="tel:01632960111"' in page
    assert "team@scheme.example.org" in page


def test_a_coordinator_is_told_their_own_schemes_managers_and_no_other_schemes(
    client, make_user, other_scheme
):
    make_user(Role.MANAGER, full_name="Margaret Ours")
    make_user(Role.MANAGER, full_name="Theodora Theirs", scheme=other_scheme)
    client.force_login(make_user(Role.COORDINATOR))

    page = client.get("/help/").content.decode()

    assert "Margaret Ours" in page
    assert "Theodora Theirs" not in page


def test_the_platform_administrator_reads_the_administrators_guide(client, db):
    admin = User.objects.create_superuser("root@example.org", "a-long-admin-password-1")
    client.force_login(admin)

    response = client.get("/help/")

    assert heading(response) == "Help for the platform administrator"


def test_someone_whose_account_has_no_scheme_yet_is_told_to_ask_who_invited_them(client, make_user):
    client.force_login(make_user(Role.VOLUNTEER, scheme=None))

    response = client.get("/help/")

    assert heading(response) == "Help"
    assert "no role in a scheme yet" in response.content.decode()
