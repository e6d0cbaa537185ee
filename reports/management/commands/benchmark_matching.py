"""How long Find a volunteer takes as a scheme grows: a benchmark, not a test.

    DATABASE_URL=postgres://… python manage.py benchmark_matching --sizes 200 20000

For each size it builds (in a transaction it rolls back, so nothing is left behind) a
scheme with that many volunteers spread across Great Britain, all vetted and trained, and a
client with an open episode, then ranks the shortlist --repeat times and prints the median
and the ratio to the smallest size. Filtering by area and the hard filters happens in the
database, so the time should grow far more slowly than the number of volunteers.
"""

import random
import statistics
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from aligns.accounts.models import Hospital, Role, Scheme, User, Ward
from aligns.catalogues.models import Need
from clients.models import Client
from referrals.models import Referral, Status
from visits.models import EpisodeStatus, SupportEpisode
from visits.services import episode_shortlist
from volunteers.models import DbsCheck, Postcode, Stage, TrainingCourse, TrainingRecord, Volunteer

# Roughly Great Britain.
SOUTH, NORTH, WEST, EAST = 50.2, 57.5, -5.5, 1.7
CLIENT_AT = (52.48, -1.90)


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
            ratio = medians[size] / medians[sizes[0]]
            self.stdout.write(
                f"{size:>7} volunteers: median {medians[size] * 1000:.1f} ms "
                f"(x{ratio:.2f} the time of {sizes[0]})"
            )

    def _measure(self, size, repeat, rng):
        timings = []
        try:
            with transaction.atomic():
                episode = self._build(size, rng)
                if connection.vendor == "postgresql":
                    # Fresh bulk inserts have no planner statistics yet; a live database does.
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
                episode_shortlist(episode)  # warm caches and connections
                for _ in range(repeat):
                    start = time.perf_counter()
                    match = episode_shortlist(episode)
                    timings.append(time.perf_counter() - start)
                self.stdout.write(
                    f"  {size}: {len(match.shortlist)} shortlisted, best "
                    f"{match.shortlist[0].miles:.1f} miles"
                    if match.shortlist
                    else f"  {size}: none"
                )
                raise _Rollback
        except _Rollback:
            pass
        return statistics.median(timings)

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
        skills = list(Need.objects.all())
        volunteers = Volunteer.objects.bulk_create(
            Volunteer(
                scheme=scheme,
                given_name="Vol",
                family_name=str(n),
                postcode="BM1 1AA",
                stage=Stage.ACTIVE,
                latitude=rng.uniform(SOUTH, NORTH),
                longitude=rng.uniform(WEST, EAST),
                availability=rng.getrandbits(21),
                gender=rng.choice(["woman", "man"]),
            )
            for n in range(size)
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
        client = Client.objects.create(
            scheme=scheme,
            nhs_number="9990000018",
            given_name="Bench",
            family_name="Client",
            date_of_birth=date(1940, 1, 1),
            address_line_1="1 Road",
            town="Town",
            postcode="BM1 1AA",
        )
        referral = Referral.objects.create(
            scheme=scheme,
            hospital=hospital,
            ward=ward,
            given_name="Bench",
            family_name="Client",
            date_of_birth=date(1940, 1, 1),
            nhs_number="9990000018",
            address_line_1="1 Road",
            town="Town",
            postcode="BM1 1AA",
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
