"""The community services directory and onward referrals."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from aligns.accounts.models import Role
from tests.factories import CoordinatorFactory
from visits.models import CommunityService, OnwardReferral
from visits.services import EpisodeActionRefused, community_service_save, onward_referral_record


@pytest.fixture
def episode(make_active_episode):
    return make_active_episode(went_home=datetime.date(2026, 11, 2))


def test_importing_open_referral_uk_services_adds_then_updates(tmp_path, scheme, capsys):
    source = tmp_path / "service.csv"
    source.write_text(
        "id,name,description,url,email,phone,service_area,category\n"
        "s1,Riverside Dial-a-Ride,Door to door,https://dial.example.org,hi@dial.example.org,"
        "01632 960123,Riverside,transport\n"
        "s2,Handy Helpers,Small repairs,not a url,not an email,,,plumbing\n"
    )

    call_command("import_services", scheme.slug, str(source))
    source.write_text("id,name\ns1,Riverside Dial-a-Ride (new name)\n")
    call_command("import_services", scheme.slug, str(source))

    services = {service.external_id: service for service in CommunityService.objects.all()}
    assert len(services) == 2
    assert services["s1"].name == "Riverside Dial-a-Ride (new name)"
    assert services["s1"].category == "other"  # the second file gave no category
    assert services["s2"].website == "" and services["s2"].email == ""
    assert "0 services added, 1 updated" in capsys.readouterr().out


def test_import_refuses_an_unknown_scheme_or_a_file_without_the_columns(tmp_path, scheme):
    source = tmp_path / "bad.csv"
    source.write_text("title\nx\n")

    with pytest.raises(CommandError, match="No scheme"):
        call_command("import_services", "nowhere", str(source))
    with pytest.raises(CommandError, match="lacks the columns"):
        call_command("import_services", scheme.slug, str(source))


def test_an_onward_referral_is_recorded_and_its_outcome_updated(client, coordinator, episode):
    service = community_service_save(
        scheme=episode.scheme, by=coordinator, name="Age Concern", category="befriending"
    )
    client.force_login(coordinator)

    client.post(
        reverse("visits:onward_new", args=[episode.pk]),
        {
            "service": service.pk,
            "referred_on_day": "20",
            "referred_on_month": "11",
            "referred_on_year": "2026",
        },
    )
    referral = OnwardReferral.objects.get()
    client.post(reverse("visits:onward_outcome", args=[referral.pk]), {"outcome": "accepted"})

    referral.refresh_from_db()
    assert (referral.service, referral.made_by, referral.outcome) == (
        service,
        coordinator,
        "accepted",
    )


def test_a_service_from_another_schemes_directory_cannot_be_used(
    coordinator, episode, other_scheme
):
    foreign = community_service_save(
        scheme=other_scheme, by=None, name="Elsewhere", category="other"
    )

    with pytest.raises(EpisodeActionRefused, match="not in this scheme"):
        onward_referral_record(
            episode=episode,
            service=foreign,
            referred_on=datetime.date(2026, 11, 20),
            by=coordinator,
        )


def test_the_directory_is_for_scheme_staff_of_the_same_scheme(
    client, make_user, other_scheme, scheme
):
    ours = community_service_save(scheme=scheme, by=None, name="Ours", category="carers")
    community_service_save(scheme=other_scheme, by=None, name="Theirs", category="carers")

    client.force_login(make_user(Role.VOLUNTEER))
    assert client.get(reverse("visits:directory")).status_code == 403
    client.force_login(make_user(Role.MANAGER))
    page = client.get(reverse("visits:directory")).content.decode()
    assert "Ours" in page and "Theirs" not in page
    assert client.get(reverse("visits:service_edit", args=[ours.pk])).status_code == 403
    client.force_login(CoordinatorFactory(scheme=other_scheme))
    assert client.get(reverse("visits:service_edit", args=[ours.pk])).status_code == 404


def test_a_bad_website_is_explained_and_kept(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("visits:service_new"),
        {"name": "Handy Helpers", "category": "repairs", "website": "not a url"},
    )

    html = response.content.decode()
    assert "Enter a web address like https://example.org" in html
    assert 'value="Handy Helpers"' in html
    assert not CommunityService.objects.exists()
