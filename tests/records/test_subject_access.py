"""A subject access request gives everything held about one client, and only them."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from aligns.accounts.models import Role
from aligns.audit.models import AccessLogEntry
from clients.models import Client
from referrals.services import referral_accept
from tests.factories import ReferralFactory
from visits.services import concern_raise, contact_log


@pytest.fixture
def episode(scheme, coordinator):
    referral = ReferralFactory(ward__hospital__scheme=scheme, given_name="Perpetua")
    episode = referral_accept(referral=referral, by=coordinator)[1]
    from django.utils import timezone

    from visits.services import episode_record_discharge

    episode = episode_record_discharge(
        episode=episode, discharged_on=timezone.localdate(), by=coordinator
    )
    contact_log(
        episode=episode, by=coordinator, kind="call", happened_at=timezone.now(), answered=True,
        duration_minutes=15, notes="Talked about her sister Maud",
    )  # fmt: skip
    concern_raise(episode=episode, by=coordinator, category="health", urgency="soon",
                  description="Coughing a lot")  # fmt: skip
    return episode


def test_the_json_copy_holds_every_part_of_the_record(client, episode, coordinator):
    other = ReferralFactory(ward__hospital__scheme=episode.scheme, given_name="Someone")
    referral_accept(referral=other, by=coordinator)
    client.force_login(coordinator)
    response = client.get(
        reverse("records:subject_access", args=[episode.client.pk]), {"format": "json"}
    )
    data = json.loads(response.content)
    assert data["Client record"][0]["First name"] == "Perpetua"
    assert [c["Given"] for c in data["Consent"]] == ["Yes", "Yes"]
    assert len(data["Referrals"]) == 1
    assert len(data["Support episodes"]) == 1
    assert data["Calls and visits"][0]["Notes"] == "Talked about her sister Maud"
    assert data["Concerns"][0]["Description"] == "Coughing a lot"
    assert "Someone" not in response.content.decode()
    logged = AccessLogEntry.objects.filter(
        subject_type=ContentType.objects.get_for_model(Client), page="records:subject_access"
    )
    assert logged.count() == 1


def test_the_pdf_copy_renders(client, episode, manager):
    client.force_login(manager)
    response = client.get(
        reverse("records:subject_access", args=[episode.client.pk]), {"format": "pdf"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_the_page_itself_is_not_logged_until_a_copy_is_made(client, episode, manager):
    client.force_login(manager)
    page = client.get(reverse("records:subject_access", args=[episode.client.pk]))
    assert page.status_code == 200
    assert not AccessLogEntry.objects.filter(page="records:subject_access").exists()


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.WARD_STAFF])
def test_only_scheme_staff_make_copies(client, episode, make_user, role):
    client.force_login(make_user(role))
    url = reverse("records:subject_access", args=[episode.client.pk])
    assert client.get(url, {"format": "json"}).status_code == 403


def test_another_scheme_cannot_ask_for_this_client(client, episode, make_user, other_scheme):
    client.force_login(make_user(Role.MANAGER, scheme=other_scheme))
    url = reverse("records:subject_access", args=[episode.client.pk])
    assert client.get(url, {"format": "json"}).status_code == 404
