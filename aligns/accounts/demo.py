"""The synthetic demo scheme used by `make run` and the browser tests. Never real people."""

from django.db import transaction

from aligns.accounts.models import Hospital, Role, Scheme, User, Ward
from aligns.accounts.services import user_create

DEMO_PASSWORD = "home-from-hospital-demo"  # noqa: S105 - local demo only, printed and documented # nosec B105

DEMO_SCHEME = {
    "name": "Riverside Home from Hospital",
    "slug": "riverside",
    "contact_phone": "01632 960001",
    "contact_email": "coordinators@riverside.example.org",
    # Ward staff may ask for an account with an address at these domains.
    "account_request_domains": "nhs.net",
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


DEMO_JOB_TITLES = {
    Role.WARD_STAFF: "Staff nurse",
    Role.COORDINATOR: "Scheme coordinator",
    Role.VOLUNTEER: "Volunteer",
    Role.MANAGER: "Service manager",
}


@transaction.atomic
def seed_demo():
    """Create the demo scheme and its users if missing. Safe to run any number of times.

    Returns the users created this time (empty when everything already existed).
    """
    scheme, _ = Scheme.objects.get_or_create(slug=DEMO_SCHEME["slug"], defaults=DEMO_SCHEME)
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

    # Each part of the journey adds its own demo records, once.
    from aligns.catalogues.lists import load_catalogues
    from aligns.catalogues.models import KnownRisk, Need
    from referrals.demo import seed_referrals

    load_catalogues(Need, KnownRisk)

    by_email = {user.email: user for user in User.objects.filter(scheme=scheme)}
    seed_referrals(
        scheme=scheme,
        wards=list(wards.values()),
        ward_staff=by_email["ward@example.org"],
        coordinator=by_email["coordinator@example.org"],
    )
    from clients.demo import seed_clients
    from volunteers.demo import seed_volunteers

    seed_volunteers(
        scheme=scheme,
        coordinator=by_email["coordinator@example.org"],
        volunteer_user=by_email["volunteer@example.org"],
    )

    from visits.demo import seed_episodes

    seed_clients(
        scheme=scheme,
        coordinator=by_email["coordinator@example.org"],
        manager=by_email["manager@example.org"],
    )
    seed_episodes(scheme=scheme, coordinator=by_email["coordinator@example.org"])
    return created
