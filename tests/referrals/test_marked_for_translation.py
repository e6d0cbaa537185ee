"""The ward staff's and the triage pages in the states the access matrix's world does not reach
(tests/aligns/test_every_page_marked.py renders each page once): every word a person reads there
is marked for translation (tests/i18n.py)."""

import datetime

import time_machine
from django.urls import reverse

from aligns.nhs import synthetic_nhs_number
from referrals.models import DeclineReason
from referrals.services import referral_decline, referral_withdraw
from tests.factories import (
    CoordinatorFactory,
    ReferralFactory,
    WardStaffFactory,
)
from tests.referrals.test_referral_form import valid_post


def test_the_referral_form_sent_with_mistakes_says_them_in_words_marked_for_translation(
    client, ward_staff, pseudo_locale
):
    ward = ward_staff.wards.get()
    known = ReferralFactory(ward=ward, nhs_number=synthetic_nhs_number(7100))
    client.force_login(ward_staff)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0), tick=False):
        pseudo_locale.start()
        mistakes = client.post(
            reverse("referrals:create"),
            valid_post(
                ward,
                date_of_birth_year="1900",
                nhs_number="999 123 4568",
                postcode="not a postcode",
                phone="",
                expected_discharge_date_year="2027",
                risks=["other"],
                consent_obtained_on_year="2027",
            ),
        )
        repeated = client.post(
            reverse("referrals:create"), valid_post(ward, nhs_number=known.nhs_number)
        )
        earlier = client.post(
            reverse("referrals:create"),
            valid_post(ward, expected_discharge_date_month="10", phone="0"),
        )

    said = mistakes.content.decode()
    for mistake in ("within the last 120 years", "not a valid NHS number", "real postcode",
                    "phone number for the patient", "within 6 months", "other risk is",
                    "today or in the past"):  # fmt: skip
        assert mistake in said
    assert pseudo_locale.unmarked(mistakes) == []
    assert "already has a referral" in repeated.content.decode()
    assert "no more than 7 days ago" in earlier.content.decode()
    assert pseudo_locale.unmarked(repeated) == []
    assert pseudo_locale.unmarked(earlier) == []


def test_the_triage_queue_with_nothing_waiting_is_marked_for_translation(
    client, coordinator, pseudo_locale
):
    client.force_login(coordinator)
    pseudo_locale.start()

    waiting = client.get(reverse("referrals:queue"))
    declined = client.get(reverse("referrals:queue"), {"status": "declined"})

    assert "Nothing is waiting" in waiting.content.decode()
    assert pseudo_locale.unmarked(waiting) == []
    assert pseudo_locale.unmarked(declined) == []


def test_a_declined_referrals_page_is_marked_for_translation(client, referral, pseudo_locale):
    referral_decline(
        referral=referral,
        by=CoordinatorFactory(scheme=referral.scheme),
        reason=DeclineReason.OTHER,
        note="Lives in the next county.",
    )
    ward_staff = WardStaffFactory(scheme=referral.scheme, wards=[referral.ward])
    client.force_login(ward_staff)
    pseudo_locale.start()

    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    listed = client.get(reverse("referrals:ward_list"))

    assert "Declined by" in page.content.decode()
    assert pseudo_locale.unmarked(page) == []
    assert pseudo_locale.unmarked(listed) == []


def test_a_withdrawn_referrals_page_and_a_refused_change_are_marked_for_translation(
    client, referral, coordinator, pseudo_locale
):
    referral_withdraw(referral=referral, by=referral.referred_by, reason="Went to her daughter's.")
    client.force_login(coordinator)
    pseudo_locale.start()

    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    refused = client.post(reverse("referrals:accept", args=[referral.pk]), follow=True)

    assert pseudo_locale.unmarked(page) == []
    assert "cannot be" in refused.content.decode()
    assert pseudo_locale.unmarked(refused) == []


def test_ward_staff_on_no_ward_with_no_referrals_see_words_marked_for_translation(
    client, scheme, pseudo_locale
):
    newcomer = WardStaffFactory(scheme=scheme, wards=[])
    client.force_login(newcomer)
    pseudo_locale.start()

    assert pseudo_locale.unmarked(client.get(reverse("referrals:ward_list"))) == []
