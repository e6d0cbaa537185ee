"""A synthetic national-scale year of data, made quickly, to time the reports against.

    DATABASE_URL=postgres://… python manage.py seed_scale --schemes 1   # about 5 million rows
    python manage.py seed_scale                 # the same year spread over 100 schemes
    python manage.py seed_scale --scale 0.01 --schemes 3 --seed 7      # a small one

At --scale 1 it makes 250,000 episodes of support from about 294,000 referrals (85% accepted;
the rest declined, withdrawn or awaiting a decision) over the last twelve months, 2,500,000
calls and visits, 20,000 volunteers, and readmissions, extensions, concerns, onward referrals
and outcome measures for a share of the episodes. --scale multiplies every count; --schemes
splits them across that many schemes of one provider (each with 40 hospitals of 10 wards): 100
unless told, as a national charity runs them; --schemes 1 gives the single-scheme extreme the
benchmarks measure.

Each run adds NEW schemes ("Scale test scheme", then "Scale test scheme 2", ...) and never
touches existing data: to start again, drop the database. Rows go in directly, so no signals
fire, no services run and no history rows are written: bulk_create on SQLite (for the tests),
COPY on PostgreSQL, where bulk_create spends about 0.1 ms a row compiling SQL (some 9 minutes
at --scale 1 against about 3). On PostgreSQL the filled tables' foreign keys are dropped and
added back, checked, at the end of the one transaction, which locks those tables meanwhile: use
a database of its own. Every person is synthetic: common names put together at random (so a
search by name finds as many as it would in a real scheme), NHS numbers from the
never-issued 999 range. The same --seed on the same day gives the same data.
"""

import io
import json
import math
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from aligns.accounts.models import Hospital, Organisation, Role, Scheme, User, Ward
from aligns.catalogues.lists import load_catalogues
from aligns.catalogues.models import KnownRisk, Need
from aligns.nhs import synthetic_nhs_number
from clients.instruments import INSTRUMENTS, item_lower_is_better
from clients.models import Client, EthnicCategory, OutcomeAnswer, OutcomeMeasure, Timepoint
from clients.outcomes import ends_paired, scored
from referrals.figures import referral_days_rebuilt
from referrals.models import DeclineReason, Referral, Status
from visits.figures import figures_rebuilt
from visits.models import (
    Alert,
    AlertKind,
    Assignment,
    AssignmentStatus,
    CallKind,
    CallStatus,
    CommunityService,
    Concern,
    ConcernCategory,
    ConcernStatus,
    Contact,
    ContactDay,
    EpisodeStatus,
    ExitOutcome,
    Extension,
    OnwardOutcome,
    OnwardReferral,
    Readmission,
    ReadmissionSource,
    ScheduledCall,
    ServiceCategory,
    SupportEpisode,
    Urgency,
)
from volunteers.models import DbsCheck, Stage, TrainingCourse, TrainingRecord, Volunteer

# At --scale 1, for all the schemes together.
EPISODES = 250_000
CONTACTS = 2_500_000
VOLUNTEERS = 20_000
ACCEPTED_SHARE = 0.85
HOSPITALS, WARDS_PER_HOSPITAL = 40, 10

DAYS = 365
REPEAT_CLIENT_SHARE = 0.10  # episodes for someone the scheme supported before
VOLUNTEER_USER_SHARE = 0.25  # volunteers who sign in (and so log calls)
VOLUNTEER_LOGS_SHARE = 0.9  # calls and visits logged by the volunteer, not a coordinator
READMITTED_SHARE = 0.08
EXTENDED_SHARE = 0.10
CONCERN_SHARE = 0.06
ONWARD_SHARE = 0.15
BASELINE_SHARE = 0.40  # started episodes with baseline measures
END_SHARE = 0.65  # of those, once closed, with end measures too
MISSING_ANSWER_SHARE = 0.03
ACTIVITY_SHARE = 0.25  # successful contacts that record what was done
COMMUNITY_SERVICES = 30
# Common given names of people of the age discharged, and common family names in Great
# Britain, put together at random: a full name is shared by about one client in 5,000, as
# common names are; "Client 123" would put one word in every name, which no real search does.
GIVEN_NAMES = (
    "Margaret", "Jean", "Mary", "Patricia", "Joan", "Barbara", "Elizabeth", "Sheila", "Doreen",
    "Betty", "Dorothy", "Irene", "Joyce", "Eileen", "Maureen", "Pauline", "Kathleen", "Brenda",
    "Valerie", "Sylvia", "Gwen", "Fatima", "Harjit", "Nia", "Rose", "John", "David", "Michael",
    "Peter", "Robert", "Brian", "Alan", "William", "James", "Kenneth", "Anthony", "George",
    "Derek", "Raymond", "Roy", "Ronald", "Keith", "Terence", "Colin", "Dennis", "Rhys",
    "Dafydd", "Mohammed", "Ahmed", "Winston",
)  # fmt: skip
FAMILY_NAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
    "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards",
    "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson",
    "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain",
    "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd",
    "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey",
)  # fmt: skip

MISSED_CALL_SHARE = 0.06  # calls past their time not made: overdue while support runs
PLANNED_VISIT_SHARE = 0.2  # running episodes with a home visit planned
DECLINED_FIRST_SHARE = 0.1  # episodes whose first offer was declined
OFFERED_WAITING_SHARE = 0.3  # clients still in hospital with an offer made
LAPSED_DBS_SHARE = 0.04
MANDATORY_COURSES = ("Safeguarding adults", "Lone working")

# Seeds from 0 to 499,999 give distinct synthetic NHS numbers.
NHS_NUMBER_SEEDS = 500_000
WIDE_BATCH, NARROW_BATCH = 5_000, 10_000


def _name_fields(seed):
    """The given and family name of the person with NHS-number seed `seed`: the same for a
    referral and the client made from it."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security  # nosec B311
    return {"given_name": rng.choice(GIVEN_NAMES), "family_name": rng.choice(FAMILY_NAMES)}


# The tables filled by COPY on PostgreSQL.
FILLED = [
    Client,
    Referral,
    SupportEpisode,
    Contact,
    Contact.activities.through,
    Readmission,
    Extension,
    Concern,
    OnwardReferral,
    OutcomeMeasure,
    OutcomeAnswer,
    ScheduledCall,
    Assignment,
    Alert,
    DbsCheck,
    TrainingRecord,
]


def planned_counts(scale=1.0, schemes=1):
    """The rows each scheme gets: referrals, episodes, calls and visits, and volunteers."""
    episodes = max(1, round(EPISODES * scale / schemes))
    return {
        "referrals": round(episodes / ACCEPTED_SHARE),
        "episodes": episodes,
        "contacts": round(CONTACTS * scale / schemes),
        "volunteers": max(1, round(VOLUNTEERS * scale / schemes)),
    }


@dataclass(slots=True)
class _Episode:
    client: int  # index into the scheme's clients
    status: str
    start_date: object = None
    discharge_at: object = None
    closed_on: object = None
    exit_outcome: str = ""
    planned_weeks: int = 6
    extension: tuple | None = None  # (weeks, extended_at)
    readmitted_on: object = None
    volunteer_user: int | None = None
    contacts: int = 0
    pk: int | None = None


@dataclass(slots=True)
class _Referral:
    submitted_at: object
    status: str
    ward: object
    nhs_seed: int
    client: int | None = None
    decided_at: object = None
    decline_reason: str = ""
    episode: _Episode | None = None
    pk: int | None = None


@dataclass(slots=True)
class _Client:
    nhs_seed: int
    date_of_birth: object
    gender: str
    ethnic_category: str
    postcode: str
    pk: int | None = None


GENDERS = (("2", 55), ("1", 40), ("9", 0.5), ("X", 1.5), ("", 3))
ETHNIC = [("A", 78), ("B", 2), ("C", 4), ("H", 2.5), ("J", 1.5), ("M", 1.5), ("N", 1.5)]
ETHNIC += [(code, 0.5) for code in EthnicCategory.values if code not in dict(ETHNIC)]
ETHNIC += [("Z", 2), ("", 4)]
ROLES = (
    ("Staff nurse", 30),
    ("staff nurse ", 5),
    ("Discharge coordinator", 20),
    ("Ward sister", 10),
    ("Occupational therapist", 10),
    ("Physiotherapist", 8),
    ("Social worker", 7),
    ("", 10),
)
EXIT_OUTCOMES = (
    (ExitOutcome.GOALS_MET, 60),
    (ExitOutcome.LONGER_TERM_SUPPORT, 10),
    (ExitOutcome.DECLINED, 10),
    (ExitOutcome.MOVED_AWAY, 3),
    (ExitOutcome.DIED, 4),
    (ExitOutcome.NO_CONTACT, 5),
)
CONCERNS = (
    (ConcernCategory.HEALTH, 35),
    (ConcernCategory.NOT_COPING, 25),
    (ConcernCategory.NO_ANSWER, 25),
    (ConcernCategory.SAFEGUARDING, 8),
    (ConcernCategory.OTHER, 7),
)


class _Chooser:
    """rng.choices with the cumulative weights worked out once."""

    def __init__(self, rng, pairs):
        self.rng = rng
        self.values = [value for value, _ in pairs]
        self.cumulative = []
        total = 0
        for _, weight in pairs:
            total += weight
            self.cumulative.append(total)

    def __call__(self):
        return self.rng.choices(self.values, cum_weights=self.cumulative)[0]


class Command(BaseCommand):
    help = "Add a synthetic national-scale year of data (new schemes) to time the reports."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiplies every count.")
        parser.add_argument(
            "--schemes",
            type=int,
            default=100,
            help="Schemes of one provider to share them (1: the single-scheme extreme).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="For the random numbers.")

    def handle(self, *args, scale, schemes, seed, **options):
        if scale <= 0 or schemes < 1:
            raise CommandError("--scale must be above 0 and --schemes at least 1.")
        counts = planned_counts(scale, schemes)
        if counts["episodes"] > NHS_NUMBER_SEEDS * (1 - REPEAT_CLIENT_SHARE):
            raise CommandError(
                "Too many clients for one scheme's synthetic NHS numbers: use more --schemes."
            )
        self.stdout.write(
            f"Database: {connection.vendor}; {schemes} scheme(s), each with "
            + ", ".join(f"{number:,} {name}" for name, number in counts.items())
        )
        started = time.perf_counter()
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets # nosec B311
        if not Need.objects.exists():
            load_catalogues(Need, KnownRisk)
        # Inside someone else's transaction (a test), rows already written there may have
        # foreign-key checks pending, and PostgreSQL then refuses to drop the keys.
        own_transaction = not connection.in_atomic_block
        with (
            transaction.atomic(),
            _foreign_keys_checked_at_the_end(FILLED, self.stdout.write, own_transaction),
        ):
            # The schemes are one provider's, as a national charity's local services are (a
            # single scheme is a provider's too: its organisation's page is timed beside it).
            organisation = _provider()
            for _ in range(schemes):
                _SchemeBuilder(self, rng, counts, organisation).build()
        if connection.vendor == "postgresql":
            # Fresh bulk inserts have no planner statistics yet; a live database does.
            step = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(f"ANALYZE in {time.perf_counter() - step:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s"))


def _provider():
    """A new organisation for the schemes about to be made, with an organisation manager."""
    number = Organisation.objects.filter(slug__startswith="scale-provider").count() + 1
    organisation = Organisation.objects.create(
        name=f"Scale test provider {number}", slug=f"scale-provider-{number}"
    )
    User.objects.create(
        email=f"scale-provider-{number}.manager@scale.example.org",
        full_name="Organisation manager",
        role=Role.ORGANISATION_MANAGER,
        organisation=organisation,
        password=make_password(None),
    )
    return organisation


class _SchemeBuilder:
    def __init__(self, command, rng, counts, organisation=None):
        self.organisation = organisation
        self.command = command
        self.rng = rng
        self.counts = counts
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.zone = timezone.get_default_timezone()
        self.chosen_gender = _Chooser(rng, GENDERS)
        self.chosen_ethnic = _Chooser(rng, ETHNIC)
        self.chosen_role = _Chooser(rng, ROLES)
        self.chosen_outcome = _Chooser(rng, EXIT_OUTCOMES)
        self.chosen_concern = _Chooser(rng, CONCERNS)
        self.needs = list(Need.objects.values_list("pk", flat=True))
        self.made = {}
        self.writer = _Writer(self.now)

    def insert(self, model, rows, returning=True):
        ids = self.writer.insert(model, rows, returning)
        reset_queries()  # with DEBUG on, Django keeps every query's text
        return ids

    def say(self, message):
        self.command.stdout.write(message)
        self.command.stdout.flush()

    def step(self, name, started, rows):
        self.made[name] = self.made.get(name, 0) + rows
        self.say(f"  {name}: {rows:,} in {time.perf_counter() - started:.1f} s")

    def build(self):
        started = time.perf_counter()
        self._scheme()
        self._people()
        referrals, episodes, clients = self._plan()
        self._clients(clients)
        self._referrals(referrals, clients)
        self._episodes(referrals, clients)
        self._contacts(episodes)
        self._schedule(episodes)
        self._assignments(episodes)
        self._episode_records(episodes)
        self._measures(episodes, clients)
        self._kept_figures()
        self.say(
            f"{self.scheme.name} ({self.scheme.slug}) in {time.perf_counter() - started:.1f} s"
        )

    # --- The scheme and its people ------------------------------------------------------

    def _scheme(self):
        number = 1
        while Scheme.objects.filter(slug=_slug(number)).exists():
            number += 1
        name = "Scale test scheme" + (f" {number}" if number > 1 else "")
        self.scheme = Scheme.objects.create(
            name=name,
            slug=_slug(number),
            organisation=self.organisation,
            readmission_comparison_30=Decimal("14.0"),
            readmission_comparison_60=Decimal("21.0"),
            readmission_comparison_source="Synthetic comparison figures",
        )
        self.say(f"{name} ({self.scheme.slug})")
        hospitals = Hospital.objects.bulk_create(
            Hospital(scheme=self.scheme, name=f"Scale Hospital {n + 1:02d}", ods_code=f"ZZ{n:03d}")
            for n in range(HOSPITALS)
        )
        self.wards = Ward.objects.bulk_create(
            Ward(hospital=hospital, name=f"Ward {n + 1}")
            for hospital in hospitals
            for n in range(WARDS_PER_HOSPITAL)
        )
        for ward in self.wards:  # no query for ward.hospital_id later
            ward.hospital = next(h for h in hospitals if h.pk == ward.hospital_id)
        self.services = CommunityService.objects.bulk_create(
            CommunityService(
                scheme=self.scheme,
                name=f"Community service {n + 1}",
                category=ServiceCategory.values[n % len(ServiceCategory.values)],
            )
            for n in range(COMMUNITY_SERVICES)
        )

    def _people(self):
        started = time.perf_counter()
        password = make_password(None)  # unusable: nobody signs in as these
        slug = self.scheme.slug

        def user(role, label, n):
            return User(
                email=f"{slug}.{label}{n}@scale.example.org",
                full_name=f"{label.replace('_', ' ').capitalize()} {n}",
                role=role,
                scheme=self.scheme,
                password=password,
            )

        volunteers = self.counts["volunteers"]
        signed_in = max(1, round(volunteers * VOLUNTEER_USER_SHARE))
        users = User.objects.bulk_create(
            [user(Role.COORDINATOR, "coordinator", n) for n in range(5)]
            + [user(Role.MANAGER, "manager", n) for n in range(1)]
            + [user(Role.WARD_STAFF, "ward_staff", n) for n in range(40)]
            + [user(Role.VOLUNTEER, "volunteer", n) for n in range(signed_in)],
            batch_size=WIDE_BATCH,
        )
        self.coordinators = [u.pk for u in users if u.role == Role.COORDINATOR]
        self.ward_staff = [u for u in users if u.role == Role.WARD_STAFF]
        self.volunteer_users = [u.pk for u in users if u.role == Role.VOLUNTEER]
        self.step("users", started, len(users))

        started = time.perf_counter()
        rng = self.rng
        stages = _Chooser(
            rng, ((Stage.ACTIVE, 70), (Stage.PAUSED, 8), (Stage.TRAINED, 7), (Stage.LEFT, 15))
        )
        rows = []
        for n in range(volunteers):
            rows.append(
                Volunteer(
                    scheme=self.scheme,
                    user_id=self.volunteer_users[n] if n < signed_in else None,
                    given_name="Volunteer",
                    family_name=str(n + 1),
                    postcode=_postcode(rng),
                    gender=rng.choice(("woman", "woman", "man", "")),
                    stage=Stage.ACTIVE if n < signed_in else stages(),
                    availability=rng.getrandbits(21),
                    latitude=rng.uniform(50.2, 57.5),
                    longitude=rng.uniform(-5.5, 1.7),
                    driver=rng.random() < 0.4,
                )
            )
        made = Volunteer.objects.bulk_create(rows, batch_size=WIDE_BATCH)
        self.volunteers = [volunteer.pk for volunteer in made]
        self.volunteer_of_user = {v.user_id: v.pk for v in made if v.user_id}
        self.step("volunteers", started, volunteers)
        self._vetting(made)

    def _vetting(self, volunteers):
        """A DBS check for every volunteer (a few lapsed) and the mandatory training."""
        started = time.perf_counter()
        rng = self.rng
        courses = TrainingCourse.objects.bulk_create(
            TrainingCourse(scheme=self.scheme, name=name, mandatory=True, valid_for_months=36)
            for name in MANDATORY_COURSES
        )
        checks, records = [], []
        for volunteer in volunteers:
            issued = self.today - timedelta(days=rng.randint(30, 1000))
            lapsed = rng.random() < LAPSED_DBS_SHARE
            checks.append(
                {
                    "volunteer_id": volunteer.pk,
                    "level": "enhanced_barred",
                    "certificate_number": f"{volunteer.pk:012d}",
                    "issued_on": issued,
                    "recheck_due": self.today - timedelta(days=rng.randint(1, 60))
                    if lapsed
                    else issued + timedelta(days=1095),
                    "recorded_by_id": self.coordinators[0],
                }
            )
            for course in courses:
                completed = self.today - timedelta(days=rng.randint(30, 900))
                records.append(
                    {
                        "volunteer_id": volunteer.pk,
                        "course_id": course.pk,
                        "completed_on": completed,
                        "expires_on": completed + timedelta(days=1095),
                        "recorded_by_id": self.coordinators[0],
                    }
                )
        for batch in _batches(checks, NARROW_BATCH):
            self.insert(DbsCheck, batch, returning=False)
        for batch in _batches(records, NARROW_BATCH):
            self.insert(TrainingRecord, batch, returning=False)
        self.step("DBS checks and training records", started, len(checks) + len(records))

    # --- The plan: every referral and episode, in memory, before any row is written -----

    def _plan(self):
        rng = self.rng
        counts = self.counts
        year = DAYS * 86400
        accepted = counts["episodes"]
        others = counts["referrals"] - accepted
        # A realistic triage queue: about a day's referrals waiting for a decision.
        waiting = min(max(1, round(counts["referrals"] / DAYS)), others)
        statuses = [Status.ACCEPTED] * accepted + ["wait"] * waiting
        for n in range(others - waiting):
            statuses.append(Status.DECLINED if n / others < 0.69 else Status.WITHDRAWN)
        rng.shuffle(statuses)
        referrals = []
        for status in statuses:
            if status == "wait":
                # Awaiting a decision: sent in the last day.
                ago = rng.uniform(0, 86400)
                referrals.append(
                    _Referral(self.now - timedelta(seconds=ago), Status.SUBMITTED, None, 0)
                )
            else:
                ago = rng.uniform(0, year)
                referrals.append(_Referral(self.now - timedelta(seconds=ago), status, None, 0))
        referrals.sort(key=lambda referral: referral.submitted_at)

        clients = []
        episodes = []
        outsiders = 0
        for referral in referrals:
            referral.ward = rng.choice(self.wards)
            if referral.status in (Status.ACCEPTED, Status.DECLINED):
                hours = min(rng.lognormvariate(1.1, 1.0), 240)
                referral.decided_at = min(referral.submitted_at + timedelta(hours=hours), self.now)
            if referral.status == Status.DECLINED:
                referral.decline_reason = rng.choice(DeclineReason.values)
            if referral.status != Status.ACCEPTED:
                referral.nhs_seed = (accepted + outsiders) % NHS_NUMBER_SEEDS
                outsiders += 1
                continue
            if episodes and rng.random() < REPEAT_CLIENT_SHARE:
                referral.client = rng.choice(episodes).client
            else:
                referral.client = len(clients)
                clients.append(
                    _Client(
                        nhs_seed=len(clients),
                        date_of_birth=self._date_of_birth(),
                        gender=self.chosen_gender(),
                        ethnic_category=self.chosen_ethnic(),
                        postcode=_postcode(rng),
                    )
                )
            referral.nhs_seed = clients[referral.client].nhs_seed
            referral.episode = self._episode(referral)
            episodes.append(referral.episode)
        return referrals, episodes, clients

    def _date_of_birth(self):
        rng = self.rng
        old = min(max(rng.gauss(79, 8), 50), 103)
        age = rng.uniform(25, 50) if rng.random() < 0.05 else old
        return self.today - timedelta(days=int(age * 365.25))

    def _episode(self, referral):
        rng = self.rng
        submitted_on = timezone.localdate(referral.submitted_at)
        start = submitted_on + timedelta(days=rng.choice((0, 1, 1, 2, 2, 3, 5)))
        episode = _Episode(client=referral.client, status=EpisodeStatus.AWAITING_DISCHARGE)
        if start > self.today:
            return episode  # still in hospital
        if rng.random() < 0.02:  # closed before the client went home
            episode.status = EpisodeStatus.CLOSED
            episode.closed_on = min(submitted_on + timedelta(days=rng.randint(1, 5)), self.today)
            episode.exit_outcome = rng.choice((ExitOutcome.DECLINED, ExitOutcome.DIED))
            return episode
        episode.start_date = start
        episode.discharge_at = datetime.combine(start, clock(12), tzinfo=self.zone)
        episode.volunteer_user = rng.choice(self.volunteer_users)
        age = (self.today - start).days
        length = int(rng.triangular(5, 56, 42))
        if age >= 35 and rng.random() < EXTENDED_SHARE / 0.8:
            weeks = rng.choice((1, 2))
            extended_at = episode.discharge_at + timedelta(days=35, hours=rng.uniform(-2, 30))
            if extended_at <= self.now:
                episode.extension = (weeks, extended_at)
                episode.planned_weeks = 6 + weeks
                length = min(max(length, 42) + 7 * weeks, 56)
        if rng.random() < READMITTED_SHARE:
            readmitted = start + timedelta(days=rng.randint(1, 75))
            if readmitted <= self.today:
                episode.readmitted_on = readmitted
        last = start + timedelta(days=length - 1)
        if last < self.today:
            episode.status = EpisodeStatus.CLOSED
            episode.closed_on = last
            readmitted = episode.readmitted_on
            if readmitted and readmitted <= last and rng.random() < 0.6:
                episode.exit_outcome = ExitOutcome.READMITTED
                episode.closed_on = readmitted
            else:
                episode.exit_outcome = self.chosen_outcome()
        elif episode.readmitted_on and self.today - episode.readmitted_on < timedelta(days=7):
            episode.status = EpisodeStatus.SUSPENDED
        elif episode.extension:
            episode.status = EpisodeStatus.EXTENDED
        elif age >= 35:
            episode.status = EpisodeStatus.IN_REVIEW
        else:
            episode.status = EpisodeStatus.ACTIVE
        return episode

    # --- Clients, referrals, episodes ----------------------------------------------------

    def _clients(self, clients):
        started = time.perf_counter()
        for batch in _batches(clients, WIDE_BATCH):
            ids = self.insert(
                Client,
                (
                    {
                        "scheme_id": self.scheme.pk,
                        "nhs_number": synthetic_nhs_number(client.nhs_seed),
                        **_name_fields(client.nhs_seed),
                        "date_of_birth": client.date_of_birth,
                        "gender": client.gender,
                        "ethnic_category": client.ethnic_category,
                        "address_line_1": f"{client.nhs_seed % 200 + 1} Synthetic Street",
                        "town": "Scaleton",
                        "postcode": client.postcode,
                        "created_at": self.now,
                    }
                    for client in batch
                ),
            )
            for client, pk in zip(batch, ids, strict=True):
                client.pk = pk
        self.step("clients", started, len(clients))

    def _referrals(self, referrals, clients):
        started = time.perf_counter()
        rng = self.rng
        for batch in _batches(referrals, WIDE_BATCH):
            rows = []
            for referral in batch:
                if referral.client is not None:
                    client = clients[referral.client]
                    born, postcode = client.date_of_birth, client.postcode
                else:
                    born, postcode = self._date_of_birth(), _postcode(rng)
                episode = referral.episode
                expected = timezone.localdate(referral.submitted_at) + timedelta(days=2)
                referrer = rng.choice(self.ward_staff)
                rows.append(
                    {
                        "scheme_id": self.scheme.pk,
                        "hospital_id": referral.ward.hospital_id,
                        "ward_id": referral.ward.pk,
                        "status": referral.status,
                        "submitted_at": referral.submitted_at,
                        **_name_fields(referral.nhs_seed),
                        "date_of_birth": born,
                        "nhs_number": synthetic_nhs_number(referral.nhs_seed),
                        "address_line_1": f"{referral.nhs_seed % 200 + 1} Synthetic Street",
                        "town": "Scaleton",
                        "postcode": postcode,
                        "expected_discharge_date": expected,
                        "actual_discharge_date": episode.start_date if episode else None,
                        "discharge_pathway": rng.choice((0, 1, 1, 1)),
                        "consent_to_referral": True,
                        "consent_to_hold": True,
                        "consent_to_share_with_nhs": True,
                        "consent_obtained_by": referrer.full_name,
                        "consent_obtained_on": timezone.localdate(referral.submitted_at),
                        "referred_by_id": referrer.pk,
                        "referrer_name": referrer.full_name,
                        "referrer_role": self.chosen_role(),
                        "referrer_contact": "01632 960000",
                        "decided_by_id": rng.choice(self.coordinators)
                        if referral.decided_at
                        else None,
                        "decided_at": referral.decided_at,
                        "decline_reason": referral.decline_reason,
                        "withdrawn_reason": "Synthetic: plans changed"
                        if referral.status == Status.WITHDRAWN
                        else "",
                    }
                )
            ids = self.insert(Referral, rows)
            for referral, pk in zip(batch, ids, strict=True):
                referral.pk = pk
        self.step("referrals", started, len(referrals))

    def _episodes(self, referrals, clients):
        started = time.perf_counter()
        rng = self.rng
        accepted = [referral for referral in referrals if referral.episode]
        for batch in _batches(accepted, NARROW_BATCH):
            ids = self.insert(
                SupportEpisode,
                (
                    {
                        "scheme_id": self.scheme.pk,
                        "client_id": clients[referral.client].pk,
                        "referral_id": referral.pk,
                        "status": referral.episode.status,
                        "start_date": referral.episode.start_date,
                        "planned_weeks": referral.episode.planned_weeks,
                        "opened_by_id": rng.choice(self.coordinators),
                        "opened_at": referral.decided_at,
                        "exit_outcome": referral.episode.exit_outcome,
                        "closed_on": referral.episode.closed_on,
                        "closed_by_id": rng.choice(self.coordinators)
                        if referral.episode.closed_on
                        else None,
                    }
                    for referral in batch
                ),
            )
            for referral, pk in zip(batch, ids, strict=True):
                referral.episode.pk = pk
        self.step("support episodes", started, len(accepted))

    # --- Calls and visits ----------------------------------------------------------------

    def _window(self, episode):
        """Seconds from discharge to the end of support (or now), or 0 if none yet."""
        if episode.discharge_at is None:
            return 0
        if episode.closed_on:
            end = datetime.combine(episode.closed_on + timedelta(days=1), clock(), self.zone)
            end = min(end, self.now)
        else:
            end = self.now
        return max((end - episode.discharge_at).total_seconds() - 60, 0)

    def _allocate(self, episodes):
        """Share the calls and visits out exactly, in proportion to each episode's length."""
        rng = self.rng
        total = self.counts["contacts"]
        windows = [(episode, self._window(episode)) for episode in episodes]
        windows = [(episode, seconds) for episode, seconds in windows if seconds > 0]
        if not windows:
            return []
        if total < len(windows):
            for episode, _ in rng.sample(windows, total):
                episode.contacts = 1
            return windows
        for episode, _ in windows:
            episode.contacts = 1
        remaining = total - len(windows)
        all_seconds = sum(seconds for _, seconds in windows)
        given = 0
        for episode, seconds in windows:
            share = math.floor(remaining * seconds / all_seconds)
            episode.contacts += share
            given += share
        for episode, _ in rng.sample(windows, remaining - given):
            episode.contacts += 1
        return windows

    def _contacts(self, episodes):
        started = time.perf_counter()
        rng = self.rng
        random_ = rng.random
        uniform = rng.uniform
        coordinators = self.coordinators
        needs = self.needs
        through = Contact.activities.through
        batch, activities = [], []
        made = 0
        reported = 0

        def flush():
            ids = self.insert(Contact, batch)
            links = [
                {"contact_id": pk, "need_id": need}
                for pk, chosen in zip(ids, activities, strict=True)
                for need in chosen
            ]
            self.insert(through, links, returning=False)
            self.made["contact activities"] = self.made.get("contact activities", 0) + len(links)
            batch.clear()
            activities.clear()

        for episode, seconds in self._allocate(episodes):
            for n in range(episode.contacts):
                if n == 0:  # the first call, usually within three days of discharge
                    offset = min(rng.triangular(1800, 100 * 3600, 12 * 3600), seconds)
                else:
                    offset = uniform(0, seconds)
                if random_() < 0.2:
                    kind = CallKind.VISIT
                    answered = random_() < 0.93
                    minutes = int(uniform(30, 120)) if answered else 0
                else:
                    kind = CallKind.CALL
                    answered = random_() < 0.78
                    minutes = int(uniform(3, 45)) if answered else int(uniform(0, 2))
                happened_at = episode.discharge_at + timedelta(seconds=offset)
                batch.append(
                    {
                        "episode_id": episode.pk,
                        "kind": kind,
                        "happened_at": happened_at,
                        "answered": answered,
                        "duration_minutes": minutes,
                        "wellbeing": int(uniform(1, 6)) if answered else None,
                        "logged_by_id": episode.volunteer_user
                        if random_() < VOLUNTEER_LOGS_SHARE
                        else coordinators[int(random_() * len(coordinators))],
                        "logged_at": happened_at,
                        "notes": "",
                    }
                )
                if answered and random_() < ACTIVITY_SHARE:
                    activities.append(rng.sample(needs, 1 + (random_() < 0.4)))
                else:
                    activities.append(())
                if len(batch) >= NARROW_BATCH:
                    made += len(batch)
                    flush()
                    if made - reported >= 500_000:
                        reported = made
                        self.say(
                            f"    {made:,} calls and visits ({time.perf_counter() - started:.0f} s)"
                        )
        made += len(batch)
        if batch:
            flush()
        self.step("calls and visits", started, made)
        self.say(f"  contact activities: {self.made.get('contact activities', 0):,}")

    def _kept_figures(self):
        """The figures the services keep as the work is logged (referrals, discharges,
        contacts, calls and concerns), worked out at once from the rows."""
        started = time.perf_counter()
        figures_rebuilt([self.scheme.pk])
        referral_days_rebuilt([self.scheme.pk])
        days = ContactDay.objects.filter(scheme=self.scheme).count()
        self.step("days of kept contact figures", started, days)

    # --- The call schedule, offers and assignments ----------------------------------------

    def _schedule(self, episodes):
        """The scheduled calls the sweeps and the board read: the first the day after
        discharge, then weekly to the planned end. Those past are done, or (a few) missed:
        overdue with an alert while support runs, cancelled once it has ended. Open support
        keeps its calls to come, and some a planned home visit."""
        started = time.perf_counter()
        rng = self.rng
        week = timedelta(weeks=1)
        end_of_today = datetime.combine(self.today, clock.max, tzinfo=self.zone)
        calls, overdue = [], []
        made = 0

        def flush():
            nonlocal made
            ids = self.insert(ScheduledCall, [row for row, _ in calls])
            for pk, (row, episode) in zip(ids, calls, strict=True):
                if row["status"] == CallStatus.OVERDUE:
                    overdue.append((pk, row, episode))
            made += len(calls)
            calls.clear()

        for episode in episodes:
            if episode.discharge_at is None:
                continue
            is_open = episode.status != EpisodeStatus.CLOSED
            end = episode.discharge_at + timedelta(weeks=episode.planned_weeks)
            due = episode.discharge_at + timedelta(hours=22)
            number = 0
            while due < end:
                if due >= self.now:
                    status = CallStatus.PENDING if is_open else CallStatus.CANCELLED
                elif rng.random() >= MISSED_CALL_SHARE:
                    status = CallStatus.DONE
                else:
                    status = CallStatus.OVERDUE if is_open else CallStatus.CANCELLED
                calls.append(
                    (
                        {
                            "episode_id": episode.pk,
                            "kind": CallKind.CALL,
                            "due_at": due,
                            "status": status,
                            "is_first": number == 0,
                            # The reminder sweep has had every call due by tonight.
                            "reminded_at": min(due - timedelta(hours=12), self.now)
                            if due <= end_of_today
                            else None,
                            "overdue_at": due + timedelta(hours=24)
                            if status == CallStatus.OVERDUE
                            else None,
                            "planned_by_id": None,  # the schedule's (COPY: every row alike)
                        },
                        episode,
                    )
                )
                due += week
                number += 1
            if is_open and rng.random() < PLANNED_VISIT_SHARE:
                visit_due = self.now + timedelta(hours=rng.uniform(2, 240))
                calls.append(
                    (
                        {
                            "episode_id": episode.pk,
                            "kind": CallKind.VISIT,
                            "due_at": visit_due,
                            "status": CallStatus.PENDING,
                            "is_first": False,
                            # As for calls: the reminder sweep has had every visit due by tonight.
                            "reminded_at": min(visit_due - timedelta(hours=12), self.now)
                            if visit_due <= end_of_today
                            else None,
                            "overdue_at": None,
                            "planned_by_id": rng.choice(self.coordinators),
                        },
                        episode,
                    )
                )
            if len(calls) >= NARROW_BATCH:
                flush()
        if calls:
            flush()
        self.step("scheduled calls", started, made)

        started = time.perf_counter()
        rows = [
            {
                "scheme_id": self.scheme.pk,
                "kind": AlertKind.OVERDUE_CALL,
                "episode_id": episode.pk,
                "scheduled_call_id": pk,
                "message": "Synthetic: the call was not logged",
                "created_at": row["overdue_at"],
            }
            for pk, row, episode in overdue
        ]
        for batch in _batches(rows, NARROW_BATCH):
            self.insert(Alert, batch, returning=False)
        self.step("alerts", started, len(rows))

    def _assignments(self, episodes):
        """Who supports each client: accepted while support runs, ended when it closes, an
        earlier offer declined for some, and offers made for some still in hospital."""
        started = time.perf_counter()
        rng = self.rng
        rows = []
        for episode in episodes:
            offered_at = (episode.discharge_at or self.now) - timedelta(hours=20)
            if episode.discharge_at is None:
                if episode.status == EpisodeStatus.CLOSED or rng.random() >= OFFERED_WAITING_SHARE:
                    continue
                volunteer = rng.choice(self.volunteers)
                rows.append(
                    self._assignment(episode, volunteer, AssignmentStatus.OFFERED, offered_at, None)
                )
                continue
            if rng.random() < DECLINED_FIRST_SHARE:
                rows.append(
                    self._assignment(
                        episode,
                        rng.choice(self.volunteers),
                        AssignmentStatus.DECLINED,
                        offered_at - timedelta(hours=6),
                        offered_at - timedelta(hours=2),
                    )
                )
            closed = episode.status == EpisodeStatus.CLOSED
            rows.append(
                self._assignment(
                    episode,
                    self.volunteer_of_user[episode.volunteer_user],
                    AssignmentStatus.ENDED if closed else AssignmentStatus.ACCEPTED,
                    offered_at,
                    offered_at + timedelta(hours=rng.uniform(1, 12)),
                    ended_at=datetime.combine(episode.closed_on, clock(17), self.zone)
                    if closed
                    else None,
                )
            )
        for batch in _batches(rows, NARROW_BATCH):
            self.insert(Assignment, batch, returning=False)
        self.step("assignments", started, len(rows))

    def _assignment(self, episode, volunteer, status, offered_at, responded_at, ended_at=None):
        return {
            "episode_id": episode.pk,
            "volunteer_id": volunteer,
            "status": status,
            "phone_only": False,
            "offered_by_id": self.coordinators[0],
            "offered_at": offered_at,
            "responded_at": responded_at,
            "ended_at": ended_at,
            "ended_by_id": self.coordinators[0] if ended_at else None,
            "decline_reason": "Synthetic: away" if status == AssignmentStatus.DECLINED else "",
        }

    # --- Readmissions, extensions, concerns, onward referrals ---------------------------

    def _during(self, episode, seconds=None):
        """A random moment of the episode's support."""
        seconds = self._window(episode) if seconds is None else seconds
        return episode.discharge_at + timedelta(seconds=self.rng.uniform(0, seconds))

    def _episode_records(self, episodes):
        rng = self.rng
        started_episodes = [episode for episode in episodes if episode.discharge_at]

        started = time.perf_counter()
        rows = [
            {
                "episode_id": episode.pk,
                "admitted_on": episode.readmitted_on,
                "source": rng.choice(ReadmissionSource.values),
                "returned_home_on": episode.readmitted_on + timedelta(days=rng.randint(2, 14))
                if rng.random() < 0.6
                else None,
                "recorded_by_id": rng.choice(self.coordinators),
            }
            for episode in started_episodes
            if episode.readmitted_on
        ]
        self.insert(Readmission, rows, returning=False)
        self.step("readmissions", started, len(rows))

        started = time.perf_counter()
        rows = [
            {
                "episode_id": episode.pk,
                "weeks": episode.extension[0],
                "reason": "Synthetic: more time needed",
                "extended_by_id": rng.choice(self.coordinators),
                "extended_at": episode.extension[1],
            }
            for episode in started_episodes
            if episode.extension
        ]
        self.insert(Extension, rows, returning=False)
        self.step("extensions", started, len(rows))

        started = time.perf_counter()
        rows = []
        for episode in started_episodes:
            seconds = self._window(episode)
            if seconds <= 0 or rng.random() >= CONCERN_SHARE:
                continue
            for _ in range(1 + (rng.random() < 0.2)):
                raised_at = self._during(episode, seconds)
                closed = raised_at < self.now - timedelta(days=2)
                rows.append(
                    {
                        "episode_id": episode.pk,
                        "category": self.chosen_concern(),
                        "urgency": rng.choice(Urgency.values),
                        "description": "Synthetic concern",
                        "status": ConcernStatus.CLOSED if closed else ConcernStatus.OPEN,
                        "raised_by_id": episode.volunteer_user,
                        "raised_at": raised_at,
                        "last_alerted_at": raised_at,
                        "closed_by_id": self.coordinators[0] if closed else None,
                        "closed_at": raised_at + timedelta(days=1) if closed else None,
                    }
                )
        self.insert(Concern, rows, returning=False)
        self.step("concerns", started, len(rows))

        started = time.perf_counter()
        outcomes = _Chooser(
            rng,
            (
                (OnwardOutcome.ACCEPTED, 60),
                (OnwardOutcome.WAITING, 25),
                (OnwardOutcome.DECLINED, 15),
            ),
        )
        rows = []
        for episode in started_episodes:
            seconds = self._window(episode)
            if seconds <= 0 or rng.random() >= ONWARD_SHARE:
                continue
            rows.append(
                {
                    "episode_id": episode.pk,
                    "service_id": rng.choice(self.services).pk,
                    "referred_on": timezone.localdate(self._during(episode, seconds)),
                    "made_by_id": rng.choice(self.coordinators),
                    "outcome": outcomes(),
                }
            )
        self.insert(OnwardReferral, rows, returning=False)
        self.step("onward referrals", started, len(rows))

    # --- Outcome measures ----------------------------------------------------------------

    def _measures(self, episodes, clients):
        started = time.perf_counter()
        rng = self.rng
        planned = []  # (measure, instrument)
        for episode in episodes:
            if not episode.start_date or rng.random() >= BASELINE_SHARE:
                continue
            baseline_on = min(episode.start_date + timedelta(days=rng.randint(0, 7)), self.today)
            takes = [(Timepoint.BASELINE, baseline_on)]
            if episode.closed_on and rng.random() < END_SHARE:
                end_on = max(episode.closed_on - timedelta(days=rng.randint(0, 3)), baseline_on)
                takes.append((Timepoint.END, end_on))
            for instrument in INSTRUMENTS.values():
                if instrument.code == "ons4" and rng.random() < 0.2:
                    continue
                for timepoint, taken_on in takes:
                    planned.append(
                        (
                            {
                                "client_id": clients[episode.client].pk,
                                "episode_id": episode.pk,
                                "instrument": instrument.code,
                                "instrument_version": instrument.version,
                                "timepoint": timepoint,
                                "taken_on": taken_on,
                                "recorded_by_id": self.coordinators[0],
                                "recorded_at": datetime.combine(taken_on, clock(15), self.zone),
                            },
                            instrument,
                        )
                    )
        answers = 0
        for batch in _batches(planned, NARROW_BATCH):
            values = [self._answers(measure, instrument) for measure, instrument in batch]
            for (measure, instrument), answered in zip(batch, values, strict=True):
                measure["scores"] = scored(instrument, answered)
            ids = self.insert(OutcomeMeasure, [measure for measure, _ in batch])
            rows = [
                {"measure_id": pk, "item": item, "value": value}
                for pk, answered in zip(ids, values, strict=True)
                for item, value in answered.items()
            ]
            self.insert(OutcomeAnswer, rows, returning=False)
            answers += len(rows)
        if connection.vendor == "postgresql":
            # Without statistics of the rows just written the planner takes the table for
            # empty and looks up each end's baseline by reading every measure: hours at
            # national size, against seconds with them.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {OutcomeMeasure._meta.db_table}")
        ends_paired(OutcomeMeasure.objects.filter(client__scheme=self.scheme))
        self.step("outcome measures", started, len(planned))
        self.made["outcome answers"] = answers
        self.say(f"  outcome answers: {answers:,}")

    def _answers(self, measure, instrument):
        """{item code: value or None} for one measure: a few unanswered, and a little better
        at the end, on the whole."""
        rng = self.rng
        answered = {}
        for item in instrument.items:
            values = [value for value, _ in item.choices]
            if rng.random() < MISSING_ANSWER_SHARE:
                value = None
            elif measure["timepoint"] == Timepoint.END:
                better = min(values) if item_lower_is_better(instrument, item.code) else max(values)
                value = better if rng.random() < 0.25 else rng.choice(values)
            else:
                value = rng.choice(values)
            answered[item.code] = value
        return answered


class _Writer:
    """Inserts rows (dicts of field attnames) fast: COPY on PostgreSQL, where bulk_create
    spends about 0.1 ms a row compiling SQL; bulk_create elsewhere (SQLite, for the tests).

    A row gives every field it sets; any other field takes its default. With `returning`,
    the new rows' primary keys come back in order.
    """

    def __init__(self, now):
        self.copy = connection.vendor == "postgresql"
        self.now = now

    def insert(self, model, rows, returning=True):
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return []
        if not self.copy:
            made = model.objects.bulk_create([model(**row) for row in rows], batch_size=WIDE_BATCH)
            return [row.pk for row in made] if returning else None
        meta = model._meta
        given = list(rows[0])
        columns = [meta.get_field(name).column for name in given]
        tail = ""
        for field in meta.concrete_fields:
            # A generated column (an episode's seconds to first contact) is the database's.
            if field.primary_key or field.generated or field.attname in given:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = self.now
            else:
                value = field.get_default()
            if value is None and not field.null:
                raise ValueError(f"{meta.label}.{field.name} needs a value.")
            columns.append(field.column)
            tail += "\t" + _copy_text(value)
        tail += "\n"
        text = _copy_text
        with connection.cursor() as cursor:
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(rows)],
                )
                ids = [pk for (pk,) in cursor.fetchall()]
                columns.insert(0, meta.pk.column)
                lines = (
                    f"{pk}\t" + "\t".join(map(text, row.values())) + tail
                    for pk, row in zip(ids, rows, strict=True)
                )
            else:
                ids = None
                lines = ("\t".join(map(text, row.values())) + tail for row in rows)
            quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
            cursor.copy_expert(
                f"COPY {connection.ops.quote_name(meta.db_table)} ({quoted}) FROM STDIN",
                io.StringIO("".join(lines)),
            )
        return ids


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_FORMATS = {
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    int: str,
    str: lambda value: value.translate(_COPY_ESCAPES),
    date: str,
    datetime: lambda value: value.isoformat(" "),  # with its UTC offset
    dict: lambda value: json.dumps(value).translate(_COPY_ESCAPES),  # a JSON field
}


def _copy_text(value):
    """A value in COPY's text format."""
    format_ = _COPY_FORMATS.get(type(value))
    if format_ is not None:
        return format_(value)
    if isinstance(value, str):  # a choice (an enum member)
        return str.translate(value, _COPY_ESCAPES)
    return str(value)  # Decimal, and other numbers


@contextmanager
def _foreign_keys_checked_at_the_end(models, say, enabled=True):
    """On PostgreSQL, drop the foreign keys of the tables about to be filled and add them
    back at the end, which checks every row in one pass (as PostgreSQL's "Populating a
    Database" advises) rather than row by row at commit. Call it inside the transaction:
    if anything fails, the rollback restores them. It locks the tables meanwhile."""
    if connection.vendor != "postgresql" or not enabled:
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
    say(f"{len(keys)} foreign keys added back and checked in {time.perf_counter() - started:.1f} s")


def _slug(number):
    return "scale-test" + (f"-{number}" if number > 1 else "")


def _postcode(rng):
    """Synthetic postcodes in 99 districts of the made-up SC area."""
    district, sector = rng.randint(1, 99), rng.randint(1, 9)
    return f"SC{district} {sector}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"


def _batches(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]
