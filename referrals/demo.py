"""Synthetic referrals for the demo scheme: every status, some urgent. Never real people."""

from datetime import timedelta

from django.utils import timezone

from aligns.accounts.models import Role
from aligns.catalogues.models import KnownRisk, Need
from aligns.nhs import synthetic_nhs_number
from referrals.models import DeclineReason, Referral
from referrals.services import (
    referral_accept,
    referral_decline,
    referral_submit,
    referral_update_discharge,
    referral_withdraw,
)

# given, family, born, ward, days until discharge (negative: already home), hours waiting,
# needs, risks, what happens next
PATIENTS = [
    ("Edith", "Marsh", (1938, 4, 2), "Ward 7 (Elderly Care)", 0, 30, ["shopping", "prescriptions"], ["lives_alone", "falls"], None),
    ("Arthur", "Pennington", (1941, 11, 19), "Acute Medical Unit", 1, 6, ["home_preparation", "befriending"], ["lives_alone"], None),
    ("Gwen", "Okafor", (1950, 7, 8), "Rehabilitation Ward", 5, 2, ["transport", "light_housework"], ["access"], None),
    ("Harold", "Bright", (1935, 1, 27), "Frailty Unit", -1, 50, ["meals", "befriending"], ["memory", "lives_alone"], None),
    ("Maureen", "Tulloch", (1946, 3, 14), "Stroke Unit", 9, 1, ["seated_exercise", "signposting"], [], None),
    ("Stanley", "Iqbal", (1944, 9, 30), "Ward 3 (Orthopaedics)", 2, 70, ["dog_walking", "shopping"], ["pets"], "accept"),
    ("Doreen", "Achterberg", (1939, 12, 5), "Ward 7 (Elderly Care)", -3, 120, ["prescriptions", "befriending"], ["lives_alone"], "accept_home"),
    ("Leonard", "Fairbrother", (1952, 6, 21), "Acute Medical Unit", 3, 48, ["gardening"], [], "decline"),
    ("Ivy", "Castellano", (1948, 2, 11), "Rehabilitation Ward", 4, 26, ["shopping"], ["smoking"], "withdraw"),
    ("Winifred", "Osei", (1943, 8, 3), "Frailty Unit", -6, 170, ["shopping", "befriending"], ["lives_alone"], "accept_home"),
    ("Reginald", "Hartley", (1937, 5, 12), "Ward 7 (Elderly Care)", -2, 75, ["prescriptions", "meals"], ["falls"], "accept_home"),
    ("Beryl", "Ashworth", (1934, 10, 1), "Stroke Unit", -38, 930, ["befriending", "signposting"], ["lives_alone"], "accept_home"),
    ("Norman", "Quigley", (1945, 4, 18), "Acute Medical Unit", -12, 300, ["shopping"], [], "accept_home"),
    ("Pauline", "Greaves", (1940, 6, 9), "Frailty Unit", -50, 1220, ["meals", "befriending"], ["lives_alone"], "accept_home"),
]  # fmt: skip


def _ward(wards, name):
    return next(ward for ward in wards if ward.name == name)


def seed_referrals(*, scheme, wards, ward_staff, coordinator):
    """Create the demo referrals once; a scheme that already has referrals is left alone."""
    if Referral.objects.filter(scheme=scheme).exists():
        return []
    if ward_staff.role != Role.WARD_STAFF or coordinator.role != Role.COORDINATOR:
        raise ValueError("Demo referrals need a ward staff member and a coordinator")
    now = timezone.now()
    today = timezone.localdate()
    created = []
    for number, (
        given,
        family,
        born,
        ward_name,
        discharge_in,
        waited,
        needs,
        risks,
        then,
    ) in enumerate(PATIENTS):
        submitted_at = now - timedelta(hours=waited)
        referral = referral_submit(
            by=ward_staff,
            ward=_ward(wards, ward_name),
            needs=Need.objects.filter(code__in=needs),
            risks=KnownRisk.objects.filter(code__in=risks),
            submitted_at=submitted_at,
            given_name=given,
            family_name=family,
            date_of_birth=timezone.datetime(*born).date(),
            nhs_number=synthetic_nhs_number(1000 + number * 7),
            address_line_1=f"{number + 3} Riverside Court",
            town="Riverside",
            postcode=f"RV{number % 9 + 1} {number % 3 + 1}AB",
            phone=f"07700 900{300 + number:03d}",
            next_of_kin_name="A. Relative",
            next_of_kin_relationship="Daughter",
            next_of_kin_phone=f"07700 900{400 + number:03d}",
            expected_discharge_date=today + timedelta(days=discharge_in),
            discharge_pathway=1,
            language="English",
            consent_to_referral=True,
            consent_to_hold=True,
            consent_to_share_with_nhs=True,
            consent_obtained_by=ward_staff.full_name,
            consent_obtained_on=submitted_at.date(),
            referrer_name=ward_staff.full_name,
            referrer_role=ward_staff.job_title,
            referrer_contact=ward_staff.phone or ward_staff.email,
        )
        if discharge_in < 0:
            referral_update_discharge(
                referral=referral,
                by=ward_staff,
                expected_discharge_date=referral.expected_discharge_date,
                actual_discharge_date=referral.expected_discharge_date,
            )
        if then in ("accept", "accept_home"):
            referral_accept(referral=referral, by=coordinator)
        elif then == "decline":
            referral_decline(
                referral=referral,
                by=coordinator,
                reason=DeclineReason.OUT_OF_AREA,
                note="Lives outside the scheme's area; we have passed the details to Lakeside Home from Hospital.",
            )
        elif then == "withdraw":
            referral_withdraw(
                referral=referral, by=ward_staff, reason="Patient now going to a care home."
            )
        created.append(referral)
    return created
