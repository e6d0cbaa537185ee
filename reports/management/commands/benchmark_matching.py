"""How long Find a volunteer takes as a scheme grows: a benchmark, not a test.

    DATABASE_URL=postgres://… python manage.py benchmark_matching --sizes 200 20000

For each size it builds (in a transaction it rolls back, so nothing is left behind) a
scheme with that many volunteers living in towns across Great Britain (as volunteers do:
clustered, not spread evenly), all vetted and trained, those in the client's town with the
clients they already support, and two clients: one whose postcode is known, and one whose
postcode and district are not (matched around the scheme's area postcode). It ranks each
client's shortlist --repeat times and prints the medians and the ratio to the smallest size.
Filtering by area and the hard filters happens in the database, so the time should grow far
more slowly than the number of volunteers.
"""

import random
import statistics
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from aligns.accounts.models import Hospital, Role, Scheme, User, Ward
from aligns.catalogues.models import Need
from aligns.nhs import synthetic_nhs_number
from clients.models import Client
from referrals.models import Referral, Status
from visits.models import Assignment, AssignmentStatus, EpisodeStatus, SupportEpisode
from visits.services import episode_shortlist
from volunteers.models import DbsCheck, Postcode, Stage, TrainingCourse, TrainingRecord, Volunteer

# Roughly Great Britain, with towns in it; the client lives in the first.
SOUTH, NORTH, WEST, EAST = 50.2, 57.5, -5.5, 1.7
CLIENT_AT = (52.48, -1.90)
TOWNS = 60
TOWN_SPREAD = 0.05  # degrees: a few miles either way


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the volunteer shortlist at several scheme sizes (medians and ratios)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[200, 20000])
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, sizes, repeat, seed, **options):
        self.stdout.write(f"Database: {connection.vendor}; {repeat} runs per size")
        medians = {}
        for size in sizes:
            rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets # nosec B311
            medians[size] = self._measure(size, repeat, rng)
            for case, median in medians[size].items():
                ratio = median / medians[sizes[0]][case]
                self.stdout.write(
                    f"{size:>7} volunteers, {case}: median {median * 1000:.1f} ms "
                    f"(x{ratio:.2f} the time of {sizes[0]})"
                )

    def _measure(self, size, repeat, rng):
        medians = {}
        try:
            with transaction.atomic():
                episodes = self._build(size, rng)
                if connection.vendor == "postgresql":
                    # Fresh bulk inserts have no planner statistics yet; a live database does.
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
                for case, episode in episodes.items():
                    episode_shortlist(episode)  # warm caches and connections
                    timings = []
                    for _ in range(repeat):
                        start = time.perf_counter()
                        match = episode_shortlist(episode)
                        timings.append(time.perf_counter() - start)
                    medians[case] = statistics.median(timings)
                    best = match.shortlist[0].miles if match.shortlist else None
                    self.stdout.write(
                        f"  {size}, {case}: {len(match.shortlist)} shortlisted"
                        + (f", best {best:.1f} miles" if best is not None else "")
                    )
                raise _Rollback
        except _Rollback:
            pass
        return medians

    def _build(self, size, rng):
        scheme = Scheme.objects.create(
            name=f"Benchmark {size} {rng.random()}", slug=f"bench-{size}-{rng.randint(0, 10**9)}"
        )
        hospital = Hospital.objects.create(scheme=scheme, name="Benchmark Hospital")
        ward = Ward.objects.create(hospital=hospital, name="Ward")
        staff = User.objects.create_user(
            f"bench{rng.random()}@example.org",
            role=Role.COORDINATOR,
            scheme=scheme,
            full_name="Bench Coordinator",
        )
        course = TrainingCourse.objects.create(scheme=scheme, name="Safeguarding", mandatory=True)
        Postcode.objects.get_or_create(
            postcode="BM1 1AA",
            defaults={"district": "BM1", "latitude": CLIENT_AT[0], "longitude": CLIENT_AT[1]},
        )
        scheme.area_postcode = "BM1 1AA"
        scheme.save()
        skills = list(Need.objects.all())
        towns = [CLIENT_AT] + [
            (rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)) for _ in range(TOWNS - 1)
        ]
        homes = [rng.choice(towns) for _ in range(size)]
        volunteers = Volunteer.objects.bulk_create(
            Volunteer(
                scheme=scheme,
                given_name="Vol",
                family_name=str(n),
                postcode="BM1 1AA",
                stage=Stage.ACTIVE,
                latitude=home[0] + rng.gauss(0, TOWN_SPREAD),
                longitude=home[1] + rng.gauss(0, TOWN_SPREAD * 1.6),
                availability=rng.getrandbits(21),
                gender=rng.choice(["woman", "man"]),
                max_active_clients=rng.choice((2, 3, 4)),
            )
            for n, home in enumerate(homes)
        )
        through = Volunteer.skills.through
        through.objects.bulk_create(
            through(volunteer_id=v.pk, need_id=need.pk)
            for v in volunteers
            for need in rng.sample(skills, 3)
        )
        today = date.today()
        DbsCheck.objects.bulk_create(
            DbsCheck(
                volunteer=v,
                level="enhanced",
                certificate_number="001234567890",
                issued_on=today,
                recheck_due=today + timedelta(days=rng.randint(-100, 1000)),
                recorded_by=staff,
            )
            for v in volunteers
        )
        TrainingRecord.objects.bulk_create(
            TrainingRecord(volunteer=v, course=course, completed_on=today, recorded_by=staff)
            for v in volunteers
        )
        place = {"scheme": scheme, "hospital": hospital, "ward": ward, "staff": staff}
        episodes = {
            "known postcode": self._episode(place, 0, "BM1 1AA", skills),
            "postcode unknown": self._episode(place, 1, "ZZ99 9ZZ", skills),
        }
        # Those in the client's town already support one to three clients each (a live
        # assignment to an open episode), as the caseload rule reads them.
        nearby = [v for v, home in zip(volunteers, homes, strict=True) if home == CLIENT_AT]
        for number, volunteer in enumerate(nearby):
            for extra in range(rng.randint(0, 2)):
                supported = self._episode(place, 2 + number * 3 + extra, "BM1 1AA", skills)
                Assignment.objects.create(
                    episode=supported, volunteer=volunteer, status=AssignmentStatus.ACCEPTED,
                    offered_by=staff,
                )  # fmt: skip
        return episodes

    def _episode(self, place, number, postcode, skills):
        """An open episode for a synthetic client (NHS number from the 999 range)."""
        scheme, staff, today = place["scheme"], place["staff"], date.today()
        nhs_number = synthetic_nhs_number(number)
        client = Client.objects.create(
            scheme=scheme,
            nhs_number=nhs_number,
            given_name="Bench",
            family_name=f"Client {number}",
            date_of_birth=date(1940, 1, 1),
            address_line_1="1 Road",
            town="Town",
            postcode=postcode,
        )
        referral = Referral.objects.create(
            scheme=scheme,
            hospital=place["hospital"],
            ward=place["ward"],
            given_name="Bench",
            family_name=f"Client {number}",
            date_of_birth=date(1940, 1, 1),
            nhs_number=nhs_number,
            address_line_1="1 Road",
            town="Town",
            postcode=postcode,
            expected_discharge_date=today,
            discharge_pathway=1,
            consent_to_referral=True,
            consent_to_hold=True,
            consent_to_share_with_nhs=True,
            consent_obtained_by="x",
            consent_obtained_on=today,
            referred_by=staff,
            referrer_name="x",
            referrer_role="x",
            referrer_contact="x",
            status=Status.ACCEPTED,
        )
        referral.needs.set(skills[:2])
        return SupportEpisode.objects.create(
            scheme=scheme,
            client=client,
            referral=referral,
            opened_by=staff,
            status=EpisodeStatus.ACTIVE,
        )
