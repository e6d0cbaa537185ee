"""Who sees which volunteer pages; the volunteer's own pages; importing postcodes."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from aligns import weekly_grid
from aligns.accounts.models import Role
from tests.factories import CoordinatorFactory
from volunteers.models import Postcode, PostcodeDistrict
from volunteers.services import VolunteerActionRefused, volunteer_invite


def test_a_volunteer_changes_their_own_availability(client, make_user, make_volunteer):
    me = make_user(Role.VOLUNTEER)
    volunteer = make_volunteer(user=me)
    client.force_login(me)

    client.post(
        reverse("volunteers:availability"), {"availability": ["Monday morning", "Friday evening"]}
    )

    volunteer.refresh_from_db()
    assert weekly_grid.to_slots(volunteer.availability) == ["Monday morning", "Friday evening"]


def test_a_volunteer_without_a_profile_is_told_so_not_shown_an_error(client, make_user):
    client.force_login(make_user(Role.VOLUNTEER))

    assert client.get(reverse("volunteers:me")).status_code == 404


def test_a_bad_dbs_certificate_number_is_explained_and_kept(client, coordinator, make_volunteer):
    volunteer = make_volunteer()
    client.force_login(coordinator)

    response = client.post(
        reverse("volunteers:dbs", args=[volunteer.pk]),
        {
            "level": "enhanced",
            "certificate_number": "12AB",
            "issued_on_day": "1",
            "issued_on_month": "1",
            "issued_on_year": "2026",
            "recheck_due_day": "1",
            "recheck_due_month": "1",
            "recheck_due_year": "2025",
        },
    )

    html = response.content.decode()
    assert "Certificate number must be the 12 digits" in html
    assert "Recheck due must be after the date of issue" in html
    assert 'value="12AB"' in html


def test_a_dbs_certificate_number_in_another_scripts_digits_is_refused(
    client, coordinator, make_volunteer
):
    volunteer = make_volunteer()
    checks_before = volunteer.dbs_checks.count()
    client.force_login(coordinator)
    arabic_indic = "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662"

    response = client.post(
        reverse("volunteers:dbs", args=[volunteer.pk]),
        {
            "level": "enhanced",
            "certificate_number": arabic_indic,
            "issued_on_day": "1",
            "issued_on_month": "1",
            "issued_on_year": "2026",
        },
    )

    assert "Certificate number must be the 12 digits" in response.content.decode()
    assert volunteer.dbs_checks.count() == checks_before


def test_import_postcodes_reads_the_onspd_columns_and_skips_terminated_and_unplaced(tmp_path, db):
    source = tmp_path / "onspd.csv"
    source.write_text(
        "pcd,pcds,doterm,lat,long\n"
        "AB1 1AA,AB1 1AA,,52.000000,-1.000000\n"
        "AB1 1AB,AB1 1AB,,52.010000,-1.020000\n"
        "AB1 1ZZ,AB1 1ZZ,199901,52.5,-1.5\n"
        "AB9 9AA,AB9 9AA,,99.999999,0.000000\n"
    )

    call_command("import_postcodes", str(source))

    assert set(Postcode.objects.values_list("postcode", flat=True)) == {"AB1 1AA", "AB1 1AB"}
    district = PostcodeDistrict.objects.get()
    assert (district.district, district.latitude) == ("AB1", pytest.approx(52.005))


def test_import_postcodes_refuses_a_file_without_the_columns(tmp_path, db):
    source = tmp_path / "wrong.csv"
    source.write_text("postcode,x,y\nAB1 1AA,1,2\n")

    with pytest.raises(CommandError, match="lacks the columns"):
        call_command("import_postcodes", str(source))


@pytest.mark.parametrize(
    "name",
    [
        "volunteers:edit",
        "volunteers:stage",
        "volunteers:dbs",
        "volunteers:reference",
        "volunteers:training",
    ],
)
def test_another_schemes_coordinator_cannot_change_a_volunteer(
    client, make_volunteer, other_scheme, name
):
    volunteer = make_volunteer()
    client.force_login(CoordinatorFactory(scheme=other_scheme))

    assert client.get(reverse(name, args=[volunteer.pk])).status_code == 404
    assert client.post(reverse(name, args=[volunteer.pk]), {}).status_code == 404


# --- A sign-in for a volunteer on the books ---------------------------------------------------


def test_a_volunteer_on_the_books_is_invited_from_their_page_and_linked_to_their_profile(
    client, coordinator, make_volunteer, django_capture_on_commit_callbacks
):
    profile = make_volunteer(given_name="Imogen", email="imogen@example.org", phone="07700900123")
    client.force_login(coordinator)
    page = client.get(reverse("records:volunteer", args=[profile.pk])).content.decode()
    form = client.get(reverse("volunteers:invite", args=[profile.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("volunteers:invite", args=[profile.pk]), {"email": "Imogen@Example.org"}
        )

    assert "Invite them to sign in" in page
    assert 'value="imogen@example.org"' in form  # their profile's address, to start with
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.user.email == "imogen@example.org"
    assert profile.user.role == Role.VOLUNTEER
    assert profile.user.full_name == profile.full_name
    assert profile.user.scheme == coordinator.scheme
    assert mail.outbox[0].to == ["imogen@example.org"]
    assert profile.history.latest().history_user == coordinator
    linked = client.get(reverse("records:volunteer", args=[profile.pk])).content.decode()
    assert "Invite them to sign in" not in linked and "imogen@example.org" in linked
    assert client.get(reverse("volunteers:invite", args=[profile.pk])).status_code == 404


def test_an_address_with_an_account_is_refused_next_to_the_field_and_kept(
    client, coordinator, make_volunteer, make_user
):
    taken = make_user(Role.WARD_STAFF)
    profile = make_volunteer()
    client.force_login(coordinator)

    response = client.post(reverse("volunteers:invite", args=[profile.pk]), {"email": taken.email})

    assert response.status_code == 200
    assert response.context["form"].errors["email"][0].startswith("An account already uses")
    assert f'value="{taken.email}"' in response.content.decode()
    profile.refresh_from_db()
    assert profile.user is None


def test_a_volunteer_already_signing_in_cannot_be_given_a_second_sign_in(
    coordinator, make_volunteer, volunteer
):
    profile = make_volunteer(user=volunteer)

    with pytest.raises(VolunteerActionRefused, match="already has a sign-in"):
        volunteer_invite(volunteer=profile, email="x@example.org", by=coordinator, site="http://x")


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VOLUNTEER, Role.WARD_STAFF])
def test_only_coordinators_invite_volunteers_to_sign_in(client, make_user, make_volunteer, role):
    profile = make_volunteer()
    client.force_login(make_user(role))

    response = client.post(reverse("volunteers:invite", args=[profile.pk]), {"email": "a@b.org"})

    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.user is None


def test_another_schemes_coordinator_cannot_invite_this_schemes_volunteer(
    client, make_volunteer, other_scheme
):
    profile = make_volunteer()
    client.force_login(CoordinatorFactory(scheme=other_scheme))

    response = client.post(reverse("volunteers:invite", args=[profile.pk]), {"email": "a@b.org"})

    assert response.status_code == 404
    profile.refresh_from_db()
    assert profile.user is None
