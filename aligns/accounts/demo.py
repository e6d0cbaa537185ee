"""The synthetic demo scheme used by `make run` and the browser tests. Never real people."""

from aligns.accounts.models import Hospital, Organisation, Role, Scheme, User, Ward
from aligns.accounts.services import user_create

DEMO_PASSWORD = "home-from-hospital-demo"  # noqa: S105 - local demo only, printed and documented # nosec B105

DEMO_SCHEME = {
    "name": "Riverside Home from Hospital",
    "slug": "riverside",
    "contact_phone": "01632 960001",
    "contact_email": "coordinators@riverside.example.org",
    # Ward staff may ask for an account with an address at these domains.
    "account_request_domains": "nhs.net",
    # Find a volunteer searches around it for a client whose postcode is unknown.
    "area_postcode": "RV1 1AA",
}

DEMO_HOSPITALS = {
    "Riverside General Hospital": (
        "RVG01",
        ["Ward 7 (Elderly Care)", "Acute Medical Unit", "Ward 3 (Orthopaedics)"],
    ),
    "St Anne's Community Hospital": (
        "STA01",
        ["Rehabilitation Ward", "Frailty Unit", "Stroke Unit"],
    ),
}

DEMO_USERS = [
    # email, full name, role, wards (by name) for ward staff
    (
        "ward@example.org",
        "Priya Ward-Nurse",
        Role.WARD_STAFF,
        ["Ward 7 (Elderly Care)", "Acute Medical Unit"],
    ),
    ("coordinator@example.org", "Colin Coordinator", Role.COORDINATOR, []),
    ("volunteer@example.org", "Val Volunteer", Role.VOLUNTEER, []),
    ("manager@example.org", "Mina Manager", Role.MANAGER, []),
]


# The demo scheme's provider, and its organisation manager (figures only, of every scheme).
DEMO_ORGANISATION = {"name": "Riverside Community Trust", "slug": "riverside-trust"}
DEMO_ORGANISATION_MANAGER = ("organisation@example.org", "Oona Organisation")

DEMO_JOB_TITLES = {
    Role.WARD_STAFF: "Staff nurse",
    Role.COORDINATOR: "Scheme coordinator",
    Role.VOLUNTEER: "Volunteer",
    Role.MANAGER: "Service manager",
}


def seed_scheme_and_people():
    """The demo scheme (of its provider), its hospitals and wards, its four demo users and the
    provider's organisation manager, made if missing.

    Returns (scheme, {ward name: ward}, the users created this time).
    """
    organisation, _ = Organisation.objects.get_or_create(
        slug=DEMO_ORGANISATION["slug"], defaults=DEMO_ORGANISATION
    )
    scheme, _ = Scheme.objects.get_or_create(
        slug=DEMO_SCHEME["slug"], defaults={**DEMO_SCHEME, "organisation": organisation}
    )
    wards = {}
    for hospital_name, (ods_code, ward_names) in DEMO_HOSPITALS.items():
        hospital, _ = Hospital.objects.get_or_create(
            scheme=scheme, name=hospital_name, defaults={"ods_code": ods_code}
        )
        for ward_name in ward_names:
            wards[ward_name], _ = Ward.objects.get_or_create(hospital=hospital, name=ward_name)

    created = []
    for email, full_name, role, ward_names in DEMO_USERS:
        if User.objects.filter(email__iexact=email).exists():
            continue
        created.append(
            user_create(
                email=email,
                full_name=full_name,
                role=role,
                scheme=scheme,
                password=DEMO_PASSWORD,
                wards=[wards[name] for name in ward_names],
                job_title=DEMO_JOB_TITLES[role],
                phone="07700 900" + str(100 + len(created)),
                by=None,
            )
        )
    email, full_name = DEMO_ORGANISATION_MANAGER
    if not User.objects.filter(email__iexact=email).exists():
        created.append(
            User.objects.create_user(
                email,
                DEMO_PASSWORD,
                full_name=full_name,
                role=Role.ORGANISATION_MANAGER,
                organisation=organisation,
                job_title="Head of services",
            )  # fmt: skip
        )
    return scheme, wards, created
