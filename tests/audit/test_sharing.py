"""Sharing with NHS partners: the outcome summary, a referral as FHIR and concern
escalations all go through one consent rule and into one append-only log."""

import datetime
import json

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse

from aligns.accounts.models import Role
from aligns.audit.models import AppendOnlyError, LawfulBasis, SharingLogEntry
from clients.models import ConsentKind, Timepoint
from clients.services import consent_record, consent_to_share, measure_record
from referrals import fhir
from referrals.services import referral_accept
from tests.factories import ReferralFactory
from visits.models import ExitOutcome
from visits.services import concern_close, concern_raise, episode_close

SHARE = {
    "recipient_organisation": "Riverside Medical Centre",
    "recipient_person": "Dr Example",
    "purpose": "Tell the GP how support went",
    "lawful_basis": LawfulBasis.PUBLIC_TASK_HEALTH,
    "as_pdf": "no",
}


@pytest.fixture
def episode(scheme, coordinator):
    # The ward asked the patient about sharing with NHS partners, and they agreed.
    referral = ReferralFactory(
        ward__hospital__scheme=scheme, given_name="Ottoline", family_name="Brackenbury",
        nhs_number_verified=True, consent_to_share_with_nhs=True,
    )  # fmt: skip
    return referral_accept(referral=referral, by=coordinator)[1]


def withdraw_consent(episode, coordinator):
    consent_record(
        client=episode.client, kind=ConsentKind.SHARE, given=False,
        decided_on=datetime.date.today(), obtained_by="The client, by phone", by=coordinator,
    )  # fmt: skip


def share_consent(episode, coordinator, given, decided_on):
    consent_record(
        client=episode.client, kind=ConsentKind.SHARE, given=given, decided_on=decided_on,
        obtained_by="The client, by phone", by=coordinator,
    )  # fmt: skip


def test_the_latest_decision_counts_even_when_an_earlier_one_is_recorded_after_it(
    episode, coordinator
):
    # (After the ward's consent on the referral.) Withdrawn on 20 December and recorded then;
    # on 22 December a coordinator catches up with a paper form saying the client agreed on
    # 10 December. The client's latest word is still the withdrawal.
    with time_machine.travel(datetime.datetime(2026, 12, 20, 9, tzinfo=datetime.UTC)):
        share_consent(episode, coordinator, False, datetime.date(2026, 12, 20))
    with time_machine.travel(datetime.datetime(2026, 12, 22, 9, tzinfo=datetime.UTC)):
        share_consent(episode, coordinator, True, datetime.date(2026, 12, 10))

    consent = consent_to_share(client=episode.client)

    assert not consent.given
    assert consent.summary == "Client withdrew consent to share on 20 December 2026"


def test_two_decisions_recorded_in_the_same_moment_the_later_made_counts(episode, coordinator):
    with time_machine.travel(datetime.datetime(2026, 12, 20, 9, tzinfo=datetime.UTC), tick=False):
        share_consent(episode, coordinator, True, datetime.date(2026, 12, 20))
        share_consent(episode, coordinator, False, datetime.date(2026, 12, 20))

    assert not consent_to_share(client=episode.client).given


def test_sharing_the_outcome_summary_logs_what_with_whom_why_and_on_what_basis(
    client, episode, coordinator
):
    client.force_login(coordinator)
    response = client.post(reverse("visits:share_summary", args=[episode.pk]), SHARE)

    assert response.status_code == 200
    assert b"Summary of support after discharge" in response.content
    assert b"Ottoline Brackenbury" in response.content
    entry = SharingLogEntry.objects.get()
    assert (entry.what, entry.recipient_organisation, entry.recipient_person) == (
        "Outcome summary", "Riverside Medical Centre", "Dr Example",
    )  # fmt: skip
    assert entry.shared_by == coordinator
    assert entry.client == episode.client
    assert entry.lawful_basis == LawfulBasis.PUBLIC_TASK_HEALTH
    assert entry.consent.given and not entry.is_override
    # The log's sentence, word for word, in English whoever shared: the day of the consent.
    decided = entry.consent.decided_on
    assert entry.consent_summary == f"Client gave consent to share on {decided:%-d %B %Y}"


def test_the_outcome_summary_can_be_a_pdf(client, episode, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("visits:share_summary", args=[episode.pk]), {**SHARE, "as_pdf": "yes"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert SharingLogEntry.objects.count() == 1


def test_sharing_is_refused_after_consent_is_withdrawn_unless_a_reason_is_given(
    client, episode, coordinator
):
    withdraw_consent(episode, coordinator)
    client.force_login(coordinator)
    url = reverse("visits:share_summary", args=[episode.pk])

    refused = client.post(url, SHARE)
    assert refused.status_code == 200
    assert "Client withdrew consent to share" in refused.content.decode()
    assert 'value="Riverside Medical Centre"' in refused.content.decode()  # kept
    assert not SharingLogEntry.objects.exists()

    reason = "Safeguarding: the GP must know of the falls at once"
    client.post(url, {**SHARE, "override_reason": reason,
                      "lawful_basis": LawfulBasis.VITAL_INTERESTS})  # fmt: skip
    entry = SharingLogEntry.objects.get()
    assert entry.is_override
    assert entry.override_reason == reason


def test_consent_cannot_be_the_basis_once_it_is_withdrawn(client, episode, coordinator):
    withdraw_consent(episode, coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("visits:share_summary", args=[episode.pk]),
        {**SHARE, "override_reason": "Urgent", "lawful_basis": LawfulBasis.CONSENT},
    )
    assert "Consent cannot be the lawful basis" in response.content.decode()
    assert not SharingLogEntry.objects.exists()


def test_a_concern_escalated_to_an_nhs_partner_is_in_the_sharing_log(episode, coordinator):
    concern = concern_raise(episode=episode, by=coordinator, category="health",
                            urgency="today", description="Breathless")  # fmt: skip
    concern_close(concern=concern, by=coordinator, action_taken="Called the GP",
                  escalated_to="Riverside Medical Centre")  # fmt: skip
    entry = SharingLogEntry.objects.get()
    assert (entry.what, entry.client, entry.recipient_organisation, entry.purpose) == (
        "Concern escalation",
        episode.client,
        "Riverside Medical Centre",
        "Health getting worse concern about the client",
    )
    assert entry.fields_shared == (
        "The concern: its category, what was seen or heard, and the action taken"
    )
    # The client consented: shared for their care, not as an override.
    assert (entry.lawful_basis, entry.override_reason) == (LawfulBasis.PUBLIC_TASK_HEALTH, "")
    assert not entry.is_override


def test_escalating_without_consent_is_logged_as_a_vital_interests_override(episode, coordinator):
    withdraw_consent(episode, coordinator)
    concern = concern_raise(episode=episode, by=coordinator, category="safeguarding",
                            urgency="today", description="Bruises")  # fmt: skip
    concern_close(concern=concern, by=coordinator, action_taken="Referred to adult social care",
                  escalated_to="Adult safeguarding team")  # fmt: skip
    entry = SharingLogEntry.objects.get()
    assert entry.is_override
    assert entry.client == episode.client
    assert entry.lawful_basis == LawfulBasis.VITAL_INTERESTS
    assert entry.override_reason == "Concern escalated: Referred to adult social care"


def test_closing_a_concern_without_escalating_shares_nothing(episode, coordinator):
    concern = concern_raise(episode=episode, by=coordinator, category="health",
                            urgency="soon", description="Tired")  # fmt: skip
    concern_close(concern=concern, by=coordinator, action_taken="Chatted; fine")
    assert not SharingLogEntry.objects.exists()


# --- FHIR ----------------------------------------------------------------------------------


def download_fhir(client, referral, **extra):
    response = client.post(
        reverse("referrals:fhir", args=[referral.pk]),
        {**SHARE, "recipient_organisation": "Riverside Trust", **extra},
    )
    return response


def test_a_referral_downloads_as_a_uk_core_fhir_bundle_and_the_download_is_logged(
    client, episode, coordinator
):
    referral = episode.referral
    client.force_login(coordinator)
    response = download_fhir(client, referral)

    assert response["Content-Type"] == "application/fhir+json"
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"
    resources = {entry["resource"]["resourceType"]: entry for entry in bundle["entry"]}
    assert set(resources) == {"Patient", "ServiceRequest"}
    for entry in bundle["entry"]:
        assert entry["fullUrl"].startswith("urn:uuid:")
    patient = resources["Patient"]["resource"]
    (identifier,) = patient["identifier"]
    assert identifier["system"] == "https://fhir.nhs.uk/Id/nhs-number"
    assert identifier["value"] == referral.nhs_number
    (verification,) = identifier["extension"]
    assert verification["url"] == fhir.VERIFICATION_EXTENSION
    assert verification["valueCodeableConcept"]["coding"][0]["code"] == "01"  # verified
    assert patient["name"][0]["family"] == "Brackenbury"
    assert patient["birthDate"] == referral.date_of_birth.isoformat()
    request = resources["ServiceRequest"]["resource"]
    assert request["status"] == "active"
    assert request["intent"] == "plan"
    assert request["category"][0]["coding"][0] == {
        "system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral",
    }  # fmt: skip
    assert request["subject"]["reference"] == resources["Patient"]["fullUrl"]
    assert request["authoredOn"]
    for profile, resource in (("Patient", patient), ("ServiceRequest", request)):
        assert resource["meta"]["profile"] == [fhir.PROFILE.format(profile)]

    entry = SharingLogEntry.objects.get()
    assert entry.what.startswith("Referral as FHIR")
    assert entry.subject == referral


def test_an_unverified_nhs_number_is_marked_not_traced(scheme):
    referral = ReferralFactory(ward__hospital__scheme=scheme, nhs_number_verified=False)
    patient = fhir.referral_bundle(referral)["entry"][0]["resource"]
    coding = patient["identifier"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]
    assert coding["code"] == "02"


def test_a_referral_without_consent_to_share_is_not_sent_without_a_reason(
    client, scheme, coordinator
):
    referral = ReferralFactory(ward__hospital__scheme=scheme, consent_to_share_with_nhs=False)
    client.force_login(coordinator)
    response = download_fhir(client, referral)
    assert response["Content-Type"].startswith("text/html")
    consent = consent_to_share(referral=referral)
    assert (consent.given, consent.summary) == (
        False,
        "Consent to share with NHS partners was not given on the ward's referral",
    )
    assert consent.summary in response.content.decode().replace("&#x27;", "'")
    assert not SharingLogEntry.objects.exists()


def test_a_referral_not_yet_triaged_is_shared_on_the_consent_the_ward_recorded(
    client, scheme, coordinator
):
    """Consent on the referral form → the share: before there is a client, the ward's answer is
    the basis, written into the log as such, with no override."""
    referral = ReferralFactory(ward__hospital__scheme=scheme, consent_to_share_with_nhs=True)
    client.force_login(coordinator)

    response = download_fhir(client, referral)

    assert response["Content-Type"] == "application/fhir+json"
    entry = SharingLogEntry.objects.get()
    assert (entry.consent_summary, entry.is_override, entry.consent) == (
        "Patient gave consent to share with NHS partners on the ward's referral",
        False,
        None,
    )


def test_a_client_never_asked_about_sharing_is_told_so_on_the_share_page(
    client, scheme, coordinator
):
    referral = ReferralFactory(ward__hospital__scheme=scheme, consent_to_share_with_nhs=False)
    _, episode = referral_accept(referral=referral, by=coordinator)
    episode.client.consents.filter(kind=ConsentKind.SHARE).delete()  # recorded before asking
    client.force_login(coordinator)

    page = client.get(reverse("visits:share_summary", args=[episode.pk])).content.decode()

    consent = consent_to_share(client=episode.client)
    assert (consent.record, consent.given, consent.summary) == (
        None,
        False,
        "Consent to share with NHS partners has not been asked yet",
    )
    assert consent.summary in page


# --- Who may share -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.WARD_STAFF, Role.MANAGER])
def test_only_coordinators_share(client, episode, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("visits:share_summary", args=[episode.pk])).status_code == 403
    assert (
        client.post(reverse("referrals:fhir", args=[episode.referral.pk]), SHARE).status_code == 403
    )
    assert not SharingLogEntry.objects.exists()


def test_another_schemes_coordinator_cannot_share_this_schemes_records(
    client, episode, make_user, other_scheme
):
    client.force_login(make_user(Role.COORDINATOR, scheme=other_scheme))
    assert client.post(reverse("visits:share_summary", args=[episode.pk]), SHARE).status_code == 404
    assert (
        client.post(reverse("referrals:fhir", args=[episode.referral.pk]), SHARE).status_code == 404
    )
    assert not SharingLogEntry.objects.exists()


# --- The log is evidence ---------------------------------------------------------------------


def test_sharing_log_rows_cannot_be_changed_or_deleted(client, episode, coordinator):
    client.force_login(coordinator)
    client.post(reverse("visits:share_summary", args=[episode.pk]), SHARE)
    entry = SharingLogEntry.objects.get()
    entry.purpose = "Something else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        SharingLogEntry.objects.update(purpose="x")
    with pytest.raises(AppendOnlyError):
        SharingLogEntry.objects.all().delete()
    model_admin = admin.site._registry[SharingLogEntry]
    assert not model_admin.has_change_permission(None, entry)
    assert not model_admin.has_delete_permission(None, entry)
    assert not model_admin.has_add_permission(None)


# --- The consent the ward asked for, and what it allows ----------------------------------------


def test_the_wards_consent_to_hold_information_does_not_allow_sharing_with_nhs_partners(
    client, scheme, coordinator
):
    """Along the path a patient lives: the ward asks only whether the scheme may hold their
    information; the coordinator's share of the outcome summary is refused until consent to
    share is asked and recorded, and then goes through."""
    referral = ReferralFactory(ward__hospital__scheme=scheme, consent_to_share_with_nhs=False)
    episode = referral_accept(referral=referral, by=coordinator)[1]
    client.force_login(coordinator)
    url = reverse("visits:share_summary", args=[episode.pk])

    page = client.get(url).content.decode()
    refused = client.post(url, SHARE)

    assert "Consent to share with NHS partners has not been asked yet" in page
    assert "not been asked yet" in refused.content.decode()
    assert not SharingLogEntry.objects.exists()

    client.post(
        reverse("clients:consent", args=[episode.client.pk]),
        {"kind": ConsentKind.SHARE, "given": "yes", "decided_on_day": "4",
         "decided_on_month": "12", "decided_on_year": "2026", "obtained_by": "The client"},
    )  # fmt: skip
    shared = client.post(url, SHARE)

    assert shared.status_code == 200
    entry = SharingLogEntry.objects.get()
    assert entry.consent.kind == ConsentKind.SHARE and not entry.is_override


def test_consent_recorded_from_referrals_before_is_corrected_to_what_was_asked(scheme, coordinator):
    import importlib

    from django.apps import apps

    from clients.models import ConsentRecord

    episode = referral_accept(
        referral=ReferralFactory(ward__hospital__scheme=scheme), by=coordinator
    )[1]
    # As referrals used to record it: the ward's answer stored as consent to share.
    old = consent_record(
        client=episode.client, kind=ConsentKind.SHARE, given=True,
        decided_on=datetime.date(2026, 11, 1), obtained_by="Ward nurse",
        note="Recorded on the ward's referral", by=coordinator,
    )  # fmt: skip
    asked_later = consent_record(
        client=episode.client, kind=ConsentKind.SHARE, given=True,
        decided_on=datetime.date(2026, 11, 2), obtained_by="The client", by=coordinator,
    )  # fmt: skip
    migration = importlib.import_module("clients.migrations.0007_consent_to_hold")

    migration.correct(apps, None)

    old = ConsentRecord.objects.get(pk=old.pk)
    assert old.kind == ConsentKind.HOLD
    assert old.history.latest().history_change_reason.startswith("Corrected")
    assert ConsentRecord.objects.get(pk=asked_later.pk).kind == ConsentKind.SHARE


def test_the_consent_sentence_on_the_share_page_is_whole_and_in_the_readers_language(
    client, episode, coordinator
):
    """The person sharing reads why it is refused in their own language, the date written
    out; the log keeps the English (test_the_latest_decision_counts_...)."""
    share_consent(episode, coordinator, False, datetime.date(2026, 12, 20))
    client.force_login(coordinator)
    url = reverse("visits:share_summary", args=[episode.pk])
    english = client.post(url, SHARE).content.decode()
    assert "Client withdrew consent to share on 20 December 2026. To share anyway" in english

    coordinator.preferred_language = "cy"
    coordinator.save()
    welsh = client.post(url, SHARE).content.decode()
    assert "Tynnodd y cleient ei ganiatâd i rannu yn ôl ar 20 Rhagfyr 2026" in welsh
    assert SharingLogEntry.objects.count() == 0

    # Consent given again: the share goes ahead, and the log keeps the sentence in English
    # though the person who shared reads Welsh.
    share_consent(episode, coordinator, True, datetime.date(2026, 12, 21))
    client.post(url, SHARE)
    entry = SharingLogEntry.objects.get()
    assert entry.consent_summary == "Client gave consent to share on 21 December 2026"


def loneliness(episode, coordinator, timepoint, taken_on, values):
    """UCLA-3 answers recorded for the episode, as the client's page records them."""
    measure_record(
        client=episode.client, instrument="ucla3", timepoint=timepoint, taken_on=taken_on,
        values=dict(zip(("companionship", "left_out", "isolated"), values, strict=True)),
        by=coordinator, episode=episode,
    )  # fmt: skip


def test_the_shared_summary_compares_the_end_measure_with_its_own_baseline(
    client, episode, coordinator
):
    loneliness(episode, coordinator, Timepoint.BASELINE, datetime.date(2026, 9, 1), (3, 3, 3))
    loneliness(episode, coordinator, Timepoint.END, datetime.date(2026, 10, 20), (2, 2, 1))
    # Readmitted and supported again: a new baseline, whose end is still to come.
    loneliness(episode, coordinator, Timepoint.BASELINE, datetime.date(2026, 11, 2), (1, 1, 1))

    client.force_login(coordinator)
    response = client.post(reverse("visits:share_summary", args=[episode.pk]), SHARE)

    assert "Total 9 → 5" in response.content.decode()
    assert "Total 3 →" not in response.content.decode()


def test_an_earlier_episodes_summary_shows_its_own_change_after_a_later_one_has_ended(
    client, episode, coordinator
):
    """Shared late (the GP asks after the client's second spell of support has ended), the
    first episode's summary still reports the change the first episode saw."""
    loneliness(episode, coordinator, Timepoint.BASELINE, datetime.date(2026, 9, 1), (3, 3, 3))
    loneliness(episode, coordinator, Timepoint.END, datetime.date(2026, 10, 20), (2, 2, 1))
    episode_close(
        episode=episode, outcome=ExitOutcome.READMITTED, by=coordinator,
        closed_on=datetime.date(2026, 10, 21),
    )  # fmt: skip
    readmission = ReferralFactory(
        ward__hospital__scheme=episode.scheme, nhs_number=episode.client.nhs_number,
        date_of_birth=episode.client.date_of_birth, nhs_number_verified=True,
        consent_to_share_with_nhs=True,
    )  # fmt: skip
    again = referral_accept(referral=readmission, by=coordinator)[1]
    assert again.client == episode.client
    loneliness(again, coordinator, Timepoint.BASELINE, datetime.date(2026, 11, 2), (2, 2, 2))
    loneliness(again, coordinator, Timepoint.END, datetime.date(2026, 11, 30), (1, 1, 1))

    client.force_login(coordinator)
    first = client.post(reverse("visits:share_summary", args=[episode.pk]), SHARE)
    second = client.post(reverse("visits:share_summary", args=[again.pk]), SHARE)

    assert "Total 9 → 5" in first.content.decode()
    assert "Total 6 → 3" not in first.content.decode()
    assert "Total 6 → 3" in second.content.decode()
