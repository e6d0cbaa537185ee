"""The referral form: every rule ward staff meet, with the message they see."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from aligns.catalogues.models import KnownRisk, Need
from aligns.nhs import synthetic_nhs_number
from referrals.models import Referral
from tests.factories import ReferralFactory

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0), tick=False):
        yield


def valid_post(for_ward, **changes):
    data = {
        "given_name": "Edna",
        "family_name": "Testperson",
        "date_of_birth_day": "17",
        "date_of_birth_month": "5",
        "date_of_birth_year": "1940",
        "nhs_number": synthetic_nhs_number(7000),
        "address_line_1": "4 Mill Lane",
        "address_line_2": "",
        "town": "Riverside",
        "postcode": "rv1   4ab",
        "phone": "07700 900123",
        "next_of_kin_name": "",
        "next_of_kin_relationship": "",
        "next_of_kin_phone": "",
        "ward": str(for_ward.pk),
        "expected_discharge_date_day": "25",
        "expected_discharge_date_month": "11",
        "expected_discharge_date_year": "2026",
        "discharge_pathway": "1",
        "needs": ["shopping", "befriending"],
        "risks": ["lives_alone"],
        "risk_notes": "",
        "language": "English",
        "communication_notes": "",
        "consent_to_referral": "on",
        "consent_to_hold": "on",
        "consent_obtained_by": "Priya",
        "consent_obtained_on_day": "23",
        "consent_obtained_on_month": "11",
        "consent_obtained_on_year": "2026",
        "referrer_name": "Priya",
        "referrer_role": "Staff nurse",
        "referrer_contact": "07700 900999",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def ward(ward_staff):
    return ward_staff.wards.get()


def submit(client, ward_staff, data):
    client.force_login(ward_staff)
    return client.post(reverse("referrals:create"), data)


def test_a_complete_referral_is_saved_normalised_and_attributed(client, ward_staff, ward):
    response = submit(client, ward_staff, valid_post(ward, nhs_number="999 000 0018"))

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.nhs_number == "9990000018"
    assert referral.nhs_number_verified is False
    assert referral.postcode == "RV1 4AB"
    assert referral.scheme == ward.hospital.scheme
    assert referral.hospital == ward.hospital
    assert set(referral.needs.values_list("code", flat=True)) == {"shopping", "befriending"}
    assert referral.referred_by == ward_staff
    assert referral.history.get().history_user == ward_staff


def test_the_form_starts_with_the_referrers_details_and_ward(client, ward_staff, ward):
    ward_staff.job_title = "Discharge coordinator"
    ward_staff.save()
    client.force_login(ward_staff)

    form = client.get(reverse("referrals:create")).context["form"]

    assert form.initial["ward"] == ward.pk
    assert form.initial["referrer_name"] == ward_staff.full_name
    assert form.initial["referrer_role"] == "Discharge coordinator"
    assert form.initial["consent_obtained_on"] == TODAY


@pytest.mark.parametrize(
    "typed",
    ["9990000018", "999 000 0018", "999-000-0018", " 9990000026 ", "9434765919"],
)
def test_it_accepts_valid_nhs_numbers_however_spaced(client, ward_staff, ward, typed):
    response = submit(client, ward_staff, valid_post(ward, nhs_number=typed))

    assert response.status_code == 302, response.context["form"].errors


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9990000019", "This is not a valid NHS number"),
        ("9434765918", "This is not a valid NHS number"),
        ("999000001", "NHS number must be 10 digits"),
        ("99900000180", "NHS number must be 10 digits"),
        ("abcdefghij", "NHS number must be 10 digits"),
        ("", "Enter the patient&#x27;s NHS number"),
    ],
)
def test_it_refuses_invalid_nhs_numbers_with_a_clear_message(
    client, ward_staff, ward, typed, message
):
    response = submit(client, ward_staff, valid_post(ward, nhs_number=typed))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("field_changes", "message"),
    [
        ({"date_of_birth_year": "2027"}, "Date of birth must be in the past"),
        (
            {"date_of_birth_day": "23", "date_of_birth_month": "11", "date_of_birth_year": "2026"},
            "Date of birth must be in the past",
        ),
        ({"date_of_birth_year": "1905"}, "Date of birth must be within the last 120 years"),
        ({"date_of_birth_month": ""}, "Date of birth must include a month"),
        ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "must be a real date"),
        (
            {"expected_discharge_date_day": "1", "expected_discharge_date_month": "11"},
            "Expected discharge date must be no more than 7 days ago",
        ),
        (
            {"expected_discharge_date_year": "2028"},
            "Expected discharge date must be within 6 months",
        ),
        ({"consent_to_referral": None}, "Confirm the patient agrees to be referred"),
        (
            {"consent_to_hold": None},
            "Confirm the patient agrees to the scheme holding their information",
        ),
        ({"postcode": "RV1"}, "Enter a real postcode, like AB1 2CD"),
        ({"postcode": "12345"}, "Enter a real postcode"),
        ({"phone": "12345"}, "Enter a phone number, like"),
        ({"needs": []}, "Choose at least one thing the patient needs help with"),
        ({"risks": ["other"], "risk_notes": ""}, "Say what the other risk is"),
        ({"discharge_pathway": "7"}, "Choose the discharge pathway"),
        ({"ward": "999999"}, "Choose the ward"),
        ({"given_name": ""}, "Enter the patient&#x27;s first name"),
    ],
)
def test_each_rule_is_explained_next_to_the_field_and_in_the_summary(
    client, ward_staff, ward, field_changes, message
):
    response = submit(client, ward_staff, valid_post(ward, **field_changes))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(message) >= 2, "expected in the error summary and by the field"
    assert "<title>Error: " in html
    assert not Referral.objects.exists()


def test_nothing_typed_is_lost_when_the_form_has_errors(client, ward_staff, ward):
    response = submit(
        client,
        ward_staff,
        valid_post(ward, nhs_number="9990000019", consent_to_hold=None, risk_notes="Key safe"),
    )

    html = response.content.decode()
    for typed in ('value="Edna"', 'value="Testperson"', 'value="9990000019"', 'value="4 Mill Lane"',
                  'value="rv1   4ab"', 'value="17"', 'value="1940"', "Key safe",
                  'value="07700 900123"'):  # fmt: skip
        assert typed in html, typed
    form = response.context["form"]
    assert set(form["needs"].value()) == {"shopping", "befriending"}
    assert form["consent_to_referral"].value() is True


def test_a_ward_of_another_scheme_cannot_be_chosen(client, ward_staff, other_scheme):
    from tests.factories import HospitalFactory, WardFactory

    foreign_ward = WardFactory(hospital=HospitalFactory(scheme=other_scheme))

    response = submit(client, ward_staff, valid_post(foreign_ward))

    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_an_nhs_number_with_an_open_referral_is_flagged_with_only_who_to_contact(
    client, ward_staff, ward
):
    scheme = ward.hospital.scheme
    scheme.contact_phone = "01632 960001"
    scheme.save()
    earlier = ReferralFactory(ward=ward, nhs_number=synthetic_nhs_number(7000))

    response = submit(client, ward_staff, valid_post(ward))

    html = response.content.decode()
    assert "The scheme already has a referral for this patient" in html
    assert "01632 960001" in html
    # Nothing about the earlier referral: not who made it, nor from where, nor when.
    assert earlier.referrer_name not in html and earlier.referrer_contact not in html
    assert Referral.objects.count() == 1


def test_an_nhs_number_with_a_closed_referral_can_be_referred_again(client, ward_staff, ward):
    ReferralFactory(ward=ward, nhs_number=synthetic_nhs_number(7000), status="declined")

    response = submit(client, ward_staff, valid_post(ward))

    assert response.status_code == 302
    assert Referral.objects.count() == 2


def test_the_same_nhs_number_in_another_scheme_is_not_a_duplicate(
    client, ward_staff, ward, other_scheme
):
    from tests.factories import HospitalFactory, WardFactory

    ReferralFactory(
        ward=WardFactory(hospital=HospitalFactory(scheme=other_scheme)),
        nhs_number=synthetic_nhs_number(7000),
    )

    response = submit(client, ward_staff, valid_post(ward))

    assert response.status_code == 302


def test_catalogues_are_loaded_by_migration(db):
    assert Need.objects.count() == 11
    assert KnownRisk.objects.filter(code=KnownRisk.OTHER).exists()


def test_typing_a_known_nhs_number_warns_before_sending(client, ward_staff, ward):
    ReferralFactory(ward=ward, nhs_number=synthetic_nhs_number(7000))
    client.force_login(ward_staff)
    url = reverse("referrals:check_nhs_number")

    known = client.get(url, {"nhs_number": synthetic_nhs_number(7000)})
    unknown = client.get(url, {"nhs_number": synthetic_nhs_number(7007)})
    invalid = client.get(url, {"nhs_number": "<script>"})

    assert "Already known to the scheme" in known.content.decode()
    assert "The scheme already has a referral for this patient" in known.content.decode()
    assert unknown.content.decode().strip() == ""
    assert invalid.status_code == 200 and invalid.content.decode().strip() == ""


def test_the_early_nhs_number_check_is_for_ward_staff_of_the_same_scheme_only(
    client, make_user, ward, other_scheme
):
    ReferralFactory(ward=ward, nhs_number=synthetic_nhs_number(7000))
    url = reverse("referrals:check_nhs_number")
    client.force_login(make_user("coordinator"))
    assert client.get(url, {"nhs_number": synthetic_nhs_number(7000)}).status_code == 403

    client.force_login(make_user("ward_staff", scheme=other_scheme))
    answer = client.get(url, {"nhs_number": synthetic_nhs_number(7000)})

    assert answer.status_code == 200
    assert answer.content.decode().strip() == ""


def test_the_error_summary_lists_problems_in_the_order_the_page_shows_the_fields(
    client, ward_staff, ward
):
    response = submit(
        client, ward_staff,
        valid_post(ward, given_name="", ward="999999", language="", referrer_name=""),
    )  # fmt: skip

    summary = response.content.decode().split('class="nhsuk-error-summary"')[1].split("</ul>")[0]
    messages = ["first name", "Choose the ward", "main language", "Enter your name"]
    positions = [summary.index(message) for message in messages]
    assert positions == sorted(positions), summary


def test_the_early_nhs_number_check_pauses_after_many_numbers_and_the_form_still_checks(
    client, ward_staff, ward, settings
):
    settings.ALIGNS_NHS_NUMBER_CHECKS = 3
    ReferralFactory(ward=ward, nhs_number=synthetic_nhs_number(7000))
    client.force_login(ward_staff)
    url = reverse("referrals:check_nhs_number")
    for number in (7007, 7014, 7021):
        client.get(url, {"nhs_number": synthetic_nhs_number(number)})

    paused = client.get(url, {"nhs_number": synthetic_nhs_number(7000)}).content.decode()
    sent = submit(client, ward_staff, valid_post(ward)).content.decode()

    assert "Already known" not in paused
    assert "checked when you send the referral" in paused
    assert "The scheme already has a referral for this patient" in sent
    assert Referral.objects.count() == 1


def test_a_referral_needs_a_phone_number_or_a_reason_there_is_none(client, ward_staff, ward):
    no_way = valid_post(ward, phone="", next_of_kin_phone="", given_name="Nophone")

    refused = submit(client, ward_staff, no_way)
    by_kin = submit(
        client, ward_staff,
        valid_post(ward, phone="", next_of_kin_phone="07700 900456", nhs_number="9990000026"),
    )  # fmt: skip
    with_reason = submit(
        client, ward_staff,
        valid_post(ward, phone="", no_phone_reason="Care home: call the office",
                   nhs_number=synthetic_nhs_number(7014)),
    )  # fmt: skip

    html = refused.content.decode()
    assert refused.status_code == 200
    assert html.count("or say why there is none") >= 2  # by the field and in the summary
    assert 'value="Nophone"' in html
    assert by_kin.status_code == with_reason.status_code == 302
    assert Referral.objects.get(nhs_number=synthetic_nhs_number(7014)).no_phone_reason == (
        "Care home: call the office"
    )


def test_optional_fields_are_marked_optional_and_required_ones_are_not(client, ward_staff):
    client.force_login(ward_staff)

    html = client.get(reverse("referrals:create")).content.decode()

    assert re.search(r">Address line 2 \(optional\)</label>", html)
    # One of three ways to phone is needed: none of them is marked optional on its own.
    assert re.search(r">Patient&#x27;s phone number</label>", html)
    assert re.search(r">Why there is no phone number</label>", html)
    assert re.search(r">Their phone number</label>", html)
    assert "give their next of kin's number or say why there is none" in html
    assert re.search(r">Known risks \(optional\)</legend>", html)
    assert re.search(r">First name</label>", html)
