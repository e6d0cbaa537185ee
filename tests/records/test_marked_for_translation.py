"""The records' and the audit's pages in the states the access matrix's world does not reach
(tests/aligns/test_every_page_marked.py renders each page once), and the copies made for a
subject access request: every word a person reads there is marked for translation
(tests/i18n.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from aligns.audit.models import LawfulBasis
from aligns.audit.sharing import sharing_record
from clients.assessment import RiskLevel
from clients.models import ConsentKind
from clients.services import (
    assessment_save_answers,
    assessment_sign_off,
    assessment_start,
    consent_record,
    consent_to_share,
)
from referrals.models import DeclineReason
from referrals.services import referral_accept, referral_decline
from tests.clients.conftest import answers
from tests.factories import ReferralFactory


@pytest.fixture
def episode(scheme, coordinator):
    referral = ReferralFactory(ward__hospital__scheme=scheme, consent_to_share_with_nhs=True)
    return referral_accept(referral=referral, by=coordinator)[1]


def test_each_kind_of_records_change_history_is_marked_for_translation(
    client, scheme, episode, coordinator, manager, make_volunteer, pseudo_locale
):
    assessment = assessment_start(client=episode.client, by=coordinator)
    assessment_save_answers(assessment=assessment, answers=answers(), by=coordinator)
    assessment_save_answers(
        assessment=assessment, answers=answers(aggression="yes", falls="one"), by=coordinator
    )
    assessment_sign_off(assessment=assessment, level=RiskLevel.HIGH, reason="", by=coordinator)
    declined = ReferralFactory(ward__hospital__scheme=scheme)
    referral_decline(referral=declined, by=coordinator, reason=DeclineReason.DUPLICATE)
    volunteer = make_volunteer(availability=0b111)
    consent = consent_record(
        client=episode.client, kind=ConsentKind.SHARE, given=False,
        decided_on=timezone.localdate(), obtained_by="Her son", by=coordinator,
    )  # fmt: skip
    client.force_login(manager)
    pseudo_locale.start()

    pages = {
        kind: client.get(reverse("records:history", args=[kind, pk]))
        for kind, pk in (
            ("client", episode.client.pk), ("assessment", assessment.pk),
            ("referral", declined.pk), ("episode", episode.pk), ("volunteer", volunteer.pk),
            ("consent", consent.pk), ("user", coordinator.pk),
        )
    }  # fmt: skip

    assert "(note)" in pages["assessment"].content.decode()
    for kind, page in pages.items():
        assert pseudo_locale.unmarked(page) == [], kind


def test_the_logs_with_an_override_and_their_csv_files_are_marked_for_translation(
    client, episode, coordinator, manager, pseudo_locale
):
    consent_record(
        client=episode.client, kind=ConsentKind.SHARE, given=False,
        decided_on=timezone.localdate(), obtained_by="Her son", by=coordinator,
    )  # fmt: skip
    sharing_record(
        by=coordinator, subject=episode, client=episode.client, what="Outcome summary",
        consent=consent_to_share(client=episode.client), fields_shared="Summary",
        recipient_organisation="The GP practice", purpose="Worried about her",
        lawful_basis=LawfulBasis.VITAL_INTERESTS, override_reason="Safeguarding",
    )  # fmt: skip
    client.force_login(coordinator)
    client.get(reverse("records:client", args=[episode.client.pk]))
    client.force_login(manager)
    pseudo_locale.start()

    sharing = client.get(reverse("records:sharing_log"))
    overrides = client.get(reverse("records:sharing_log"), {"only": "overrides"})
    access = client.get(reverse("records:access_log"), {"nhs_number": "x", "until_day": "40"})
    files = [
        client.get(reverse(log), {"format": "csv"})
        for log in ("records:sharing_log", "records:access_log")
    ]

    assert "relied on a safeguarding" in sharing.content.decode()
    assert pseudo_locale.unmarked(sharing) == []
    assert pseudo_locale.unmarked(overrides) == []
    assert pseudo_locale.unmarked(access) == []
    for file in files:
        text = b"".join(file.streaming_content).decode()
        heading, *rows = text.splitlines()
        assert rows
        assert pseudo_locale.unmarked_words(heading) == []
        assert pseudo_locale.unmarked_words("\n".join(rows)) == []


def test_the_subject_access_copies_are_marked_for_translation(
    client, episode, coordinator, monkeypatch, pseudo_locale
):
    assessment = assessment_start(client=episode.client, by=coordinator)
    assessment_save_answers(
        assessment=assessment, answers=answers(aggression="yes"), by=coordinator
    )
    sharing_record(
        by=coordinator, subject=episode, client=episode.client, what="Outcome summary",
        consent=consent_to_share(client=episode.client), fields_shared="Summary",
        recipient_organisation="The GP practice", purpose="To tell the GP",
        lawful_basis=LawfulBasis.PUBLIC_TASK_HEALTH,
    )  # fmt: skip
    written = []

    class Layout:
        def __init__(self, html):
            written.append(html)

        def write_pdf(self):
            return b"%PDF-"

    monkeypatch.setattr("records.views.pdf_layout", Layout)
    client.force_login(coordinator)
    pseudo_locale.start()
    url = reverse("records:subject_access", args=[episode.client.pk])

    page = client.get(url)
    copy = client.get(url, {"format": "json"})
    client.get(url, {"format": "pdf"})

    assert pseudo_locale.unmarked(page) == []
    assert pseudo_locale.unmarked(copy) == []
    assert "History of aggression or violence" in written[0]
    assert pseudo_locale.unmarked_words(written[0]) == []


def test_the_volunteer_list_filtered_to_nobody_is_marked_for_translation(
    client, coordinator, make_volunteer, pseudo_locale
):
    make_volunteer()
    client.force_login(coordinator)
    pseudo_locale.start()

    due = client.get(reverse("records:volunteers"), {"checks": "due"})
    left = client.get(reverse("records:volunteers"), {"stage": "left"})

    assert pseudo_locale.unmarked(due) == []
    assert "No volunteers at this stage" in left.content.decode()
    assert pseudo_locale.unmarked(left) == []
