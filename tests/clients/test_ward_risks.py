"""The risks a ward ticks on the referral reach the risk assessment: shown to the coordinator,
and the answers they make likely chosen for them to confirm."""

import re

from django.urls import reverse

from aligns.catalogues.models import KnownRisk
from clients.services import assessment_save_answers, assessment_sign_off, assessment_start
from referrals.services import referral_accept
from tests.clients.conftest import answers
from tests.factories import ReferralFactory


def chosen(html, question):
    """The answer checked for `question` on the assessment form, or None."""
    found = re.search(rf'<input[^>]*name="{question}"[^>]*value="([^"]+)"[^>]*checked', html)
    return found.group(1) if found else None


def test_the_wards_risks_are_shown_and_preselected_on_the_first_assessment(
    client, coordinator, scheme
):
    referral = ReferralFactory(
        ward__hospital__scheme=scheme,
        risks=KnownRisk.objects.filter(code__in=["lives_alone", "falls", "pets"]),
        risk_notes="Collie, barks at strangers",
    )
    client_record = referral_accept(referral=referral, by=coordinator)[1].client
    assessment = assessment_start(client=client_record, by=coordinator)
    client.force_login(coordinator)

    url = reverse("clients:assessment_edit", args=[client_record.pk, assessment.pk])
    html = client.get(url).content.decode()

    told = html.split("What the ward told us")[1].split("</div>")[0]
    assert "Lives alone" in told and "Falls" in told and "Pets in the home" in told
    assert "Collie, barks at strangers" in told
    assert chosen(html, "lives_alone") == "yes"
    assert chosen(html, "falls") == "one"
    # The ward cannot know whether the dog is dangerous: the coordinator answers that.
    assert chosen(html, "pets") is None
    assert chosen(html, "smoking") is None


def test_a_reassessment_starts_from_the_answers_in_force_not_the_ward(client, coordinator, scheme):
    referral = ReferralFactory(
        ward__hospital__scheme=scheme, risks=KnownRisk.objects.filter(code="lives_alone")
    )
    client_record = referral_accept(referral=referral, by=coordinator)[1].client
    first = assessment_start(client=client_record, by=coordinator)
    assessment_save_answers(
        assessment=first, answers=answers(lives_alone="no"), by=coordinator
    )  # fmt: skip
    assessment_sign_off(assessment=first, level="low", reason="", by=coordinator)
    again = assessment_start(client=client_record, by=coordinator)
    client.force_login(coordinator)

    html = client.get(
        reverse("clients:assessment_edit", args=[client_record.pk, again.pk])
    ).content.decode()

    assert chosen(html, "lives_alone") == "no"


def test_a_client_referred_again_takes_the_new_wards_risks_recorded_as_the_accepting_coordinators(
    coordinator, scheme
):
    first = ReferralFactory(
        ward__hospital__scheme=scheme,
        risks=KnownRisk.objects.filter(code="pets"),
        risk_notes="Collie, barks at strangers",
    )
    client_record = referral_accept(referral=first, by=coordinator)[1].client
    client_record.support_episodes.update(status="closed")
    again = ReferralFactory(
        ward=first.ward, nhs_number=first.nhs_number, date_of_birth=first.date_of_birth,
        risks=KnownRisk.objects.filter(code="falls"), risk_notes="Fell twice on the stairs",
    )  # fmt: skip

    same = referral_accept(referral=again, by=coordinator)[1].client

    same.refresh_from_db()
    assert same == client_record
    assert same.ward_risk_notes == "Fell twice on the stairs"
    assert [risk.code for risk in same.ward_risks.all()] == ["falls"]
    changed = same.history.latest()
    assert (changed.history_user, changed.history_change_reason) == (
        coordinator,
        "Client details changed",
    )
