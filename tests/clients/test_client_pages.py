"""Client pages: who may see and change what, and what they show."""

import re

import pytest
from django.urls import reverse

from aligns.accounts.models import Role
from clients.models import ConsentKind
from clients.services import (
    assessment_save_answers,
    assessment_start,
    consent_current,
)
from referrals.services import referral_accept
from tests.clients.conftest import answers
from tests.factories import ClientFactory, ReferralFactory


def detail(client_record):
    return reverse("records:client", args=[client_record.pk])


def test_the_client_list_finds_by_name_or_nhs_number(client, coordinator, scheme):
    wanted = ClientFactory(scheme=scheme, given_name="Ottoline", family_name="Zebedee")
    ClientFactory(scheme=scheme, given_name="Other", family_name="Person")
    client.force_login(coordinator)

    by_name = client.get(reverse("clients:list"), {"q": "otto zeb"}).content.decode()
    by_number = client.get(
        reverse("clients:list"), {"q": wanted.nhs_number_display}
    ).content.decode()

    assert "Ottoline Zebedee" in by_name and "Other Person" not in by_name
    assert "Ottoline Zebedee" in by_number and "Other Person" not in by_number


def test_a_search_of_a_thousand_words_is_answered_from_its_first_words(client, coordinator, scheme):
    ClientFactory(scheme=scheme, given_name="Ottoline", family_name="Zebedee")
    client.force_login(coordinator)

    response = client.get(reverse("clients:list"), {"q": "otto zeb " + "line " * 1000})

    assert response.status_code == 200
    assert "Ottoline Zebedee" in response.content.decode()


def test_a_bad_postcode_on_the_edit_page_is_explained_and_nothing_typed_is_lost(
    client, coordinator, client_record
):
    client.force_login(coordinator)

    response = client.post(
        reverse("clients:edit", args=[client_record.pk]),
        {"given_name": "Renamed", "family_name": client_record.family_name,
         "address_line_1": "9 New Road", "town": "Riverside", "postcode": "NOT A CODE",
         "language": "English", "access_notes": "Side door"},
    )  # fmt: skip

    html = response.content.decode()
    assert "Enter a real postcode" in html
    assert 'value="Renamed"' in html and "Side door" in html
    client_record.refresh_from_db()
    assert client_record.given_name != "Renamed"


def test_withdrawing_consent_to_share_is_recorded_and_shown(client, coordinator, client_record):
    client.force_login(coordinator)

    response = client.post(
        reverse("clients:consent", args=[client_record.pk]),
        {"kind": ConsentKind.SHARE, "given": "no", "decided_on_day": "20",
         "decided_on_month": "11", "decided_on_year": "2026", "obtained_by": "Colin"},
        follow=True,
    )  # fmt: skip

    record = consent_current(client_record, ConsentKind.SHARE)
    assert record.given is False
    assert record.recorded_by == coordinator
    assert "Withdrawn" in response.content.decode()


def test_a_client_made_from_a_referral_carries_the_consent_the_ward_asked_for(coordinator):
    referral = ReferralFactory(consent_obtained_by="Nurse Nina")
    _, episode = referral_accept(referral=referral, by=coordinator)

    for kind in (ConsentKind.SUPPORT, ConsentKind.HOLD):
        record = consent_current(episode.client, kind)
        assert record.given is True
        assert record.obtained_by == "Nurse Nina"
    # Not asked on the ward: nothing is recorded, so nothing may be shared on its strength.
    assert consent_current(episode.client, ConsentKind.SHARE) is None


def test_consent_to_share_asked_on_the_ward_is_recorded_as_given(coordinator):
    referral = ReferralFactory(consent_obtained_by="Nurse Nina", consent_to_share_with_nhs=True)
    _, episode = referral_accept(referral=referral, by=coordinator)

    assert consent_current(episode.client, ConsentKind.SHARE).given is True


def test_the_sign_off_form_refuses_to_lower_the_level_without_a_reason(
    client, coordinator, client_record
):
    assessment = assessment_start(client=client_record, by=coordinator)
    assessment_save_answers(assessment=assessment, answers=answers(area="unsafe"), by=coordinator)
    client.force_login(coordinator)

    response = client.post(
        reverse("clients:assessment", args=[client_record.pk, assessment.pk]),
        {"level": "low", "reason": ""},
    )

    assert (
        "The answers make this high risk: say why it should be lower" in response.content.decode()
    )
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_a_red_flag_needs_a_note_on_the_assessment_form(client, coordinator, client_record):
    assessment = assessment_start(client=client_record, by=coordinator)
    client.force_login(coordinator)
    data = {code: entry["answer"] for code, entry in answers(pets="dangerous").items()}

    response = client.post(
        reverse("clients:assessment_edit", args=[client_record.pk, assessment.pk]), data
    )

    html = response.content.decode()
    assert "Pets: &#x27;A dog or other animal that may be dangerous&#x27; is a red flag." in html
    assert re.search(r'<input[^>]*value="dangerous"[^>]*checked', html), "the answer is kept"


@pytest.mark.parametrize("name", ["clients:goal_new", "clients:consent", "clients:reassessment"])
def test_another_schemes_coordinator_cannot_change_a_client(
    client, client_record, other_scheme, make_user, name
):
    client.force_login(make_user(Role.COORDINATOR, scheme=other_scheme))

    assert client.post(reverse(name, args=[client_record.pk]), {}).status_code == 404


def test_an_assessment_is_reached_only_through_its_own_client(
    client, coordinator, scheme, client_record
):
    other_client = ClientFactory(scheme=scheme)
    assessment = assessment_start(client=other_client, by=coordinator)
    client.force_login(coordinator)

    for name in ("clients:assessment", "clients:assessment_edit"):
        url = reverse(name, args=[client_record.pk, assessment.pk])
        assert client.get(url).status_code == 404
    second = reverse("clients:assessment_second", args=[client_record.pk, assessment.pk])
    assert client.post(second).status_code == 404
    measure = reverse("clients:measure_new", args=[client_record.pk, "not-an-instrument"])
    assert client.get(measure).status_code == 302


def test_past_the_counting_limit_the_list_says_more_than_and_still_pages_by_name(
    client, coordinator, scheme, monkeypatch
):
    # The limit is 10,000 in use; 3 here. Four clients: "more than 3", and paging still
    # reaches the last of them in name order.
    monkeypatch.setattr("clients.views.COUNTED_UP_TO", 3)
    monkeypatch.setattr("clients.views.PAGE_SIZE", 2)
    for name in ("Dee", "Abbot", "Carr", "Bell"):
        ClientFactory(scheme=scheme, family_name=name)
    client.force_login(coordinator)

    first = client.get(reverse("clients:list")).content.decode()
    second = client.get(reverse("clients:list"), {"page": 2})

    assert "More than 3 clients" in first and "Page 2 of many" in first
    assert [c.family_name for c in second.context["page"].object_list] == ["Carr", "Dee"]


def test_under_the_counting_limit_the_list_gives_the_exact_number(client, coordinator, scheme):
    for name in ("Abbot", "Bell"):
        ClientFactory(scheme=scheme, family_name=name)
    client.force_login(coordinator)

    assert "2 clients" in client.get(reverse("clients:list")).content.decode()
