"""The synthetic demo scheme used by `make run` and the browser tests. Never real people.

Each part of the journey makes its own demo records (its demo.py); this is the one place they
are put together, lowest layer first, each once.
"""

from django.db import transaction

from aligns.accounts.demo import seed_scheme_and_people
from aligns.accounts.models import User
from aligns.catalogues.lists import load_catalogues
from aligns.catalogues.models import KnownRisk, Need
from clients.demo import seed_clients
from records.demo_history import seed_history
from referrals.demo import seed_referrals
from visits.demo import seed_episodes
from volunteers.demo import seed_volunteers


@transaction.atomic
def seed_demo():
    """Create the demo scheme, its users and its records if missing. Safe to run any number
    of times. Returns the users created this time (empty when everything already existed)."""
    scheme, wards, created = seed_scheme_and_people()
    load_catalogues(Need, KnownRisk)
    people = {user.email: user for user in User.objects.filter(scheme=scheme)}
    coordinator = people["coordinator@example.org"]
    seed_referrals(
        scheme=scheme,
        wards=list(wards.values()),
        ward_staff=people["ward@example.org"],
        coordinator=coordinator,
    )
    seed_volunteers(
        scheme=scheme, coordinator=coordinator, volunteer_user=people["volunteer@example.org"]
    )
    seed_clients(scheme=scheme, coordinator=coordinator, manager=people["manager@example.org"])
    seed_episodes(scheme=scheme, coordinator=coordinator)
    seed_history(scheme=scheme, coordinator=coordinator)
    return created
