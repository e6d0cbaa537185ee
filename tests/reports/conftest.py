"""A small scheme whose right answers are worked out by hand in the tests.

The quarter is Q3 2026/27 (1 October to 31 December 2026); the report is made on
15 March 2027, when every 72-hour, 30-day and 60-day window of the quarter has passed.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from aligns.accounts.models import Role
from aligns.catalogues.models import Need
from clients.models import Timepoint
from clients.services import measure_record
from referrals.models import DeclineReason, Status
from reports.period import Period
from tests.factories import (
    ClientFactory,
    HospitalFactory,
    OrganisationFactory,
    OrganisationManagerFactory,
    ReferralFactory,
    SchemeFactory,
    UserFactory,
    WardFactory,
)
from visits.figures import contact_counted, episode_dates_kept, needs_kept
from visits.models import (
    CallKind,
    CommunityService,
    Concern,
    Contact,
    EpisodeStatus,
    Extension,
    OnwardReferral,
    Readmission,
    SupportEpisode,
)

LONDON = timezone.get_default_timezone()
QUARTER = Period(datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
REPORT_MADE_AT = datetime.datetime(2027, 3, 15, 12, 0, tzinfo=LONDON)


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def day(*args):
    return datetime.date(*args)


class SchemeData:
    """Builds records directly, so each date and time is exactly what the test says."""

    def __init__(self, scheme, coordinator):
        self.scheme = scheme
        self.coordinator = coordinator

    def referral(self, ward, submitted_at, status=Status.ACCEPTED, decided_at=None, **fields):
        return ReferralFactory(
            ward=ward, submitted_at=submitted_at, status=status, decided_at=decided_at,
            decided_by=self.coordinator if decided_at else None, **fields,
        )  # fmt: skip

    def client(self, **fields):
        return ClientFactory(scheme=self.scheme, **fields)

    def episode(self, referral, client, start_date, status=EpisodeStatus.ACTIVE, **fields):
        episode = SupportEpisode.objects.create(
            scheme=self.scheme, client=client, referral=referral, status=status,
            start_date=start_date, opened_by=self.coordinator, **fields,
        )  # fmt: skip
        episode_dates_kept(episode)  # as the services that open and close it keep it
        return episode

    def contact(self, episode, happened_at, *, by, kind=CallKind.CALL, answered=True,
                minutes=0, activities=()):  # fmt: skip
        contact = Contact.objects.create(
            episode=episode, kind=kind, happened_at=happened_at, answered=answered,
            duration_minutes=minutes, logged_by=by,
        )  # fmt: skip
        contact.activities.set(Need.objects.filter(code__in=activities))
        # Hand-built past contacts (for closed episodes too, which contact_log refuses), kept
        # in the figures as contact_log keeps them.
        contact_counted(contact, scheme_id=episode.scheme_id)
        return contact

    def measure(self, client, instrument, timepoint, taken_on, values):
        items = {
            "ucla3": ("companionship", "left_out", "isolated"),
            "ons4": ("life_satisfaction", "worthwhile", "happiness", "anxiety"),
        }[instrument]
        return measure_record(
            client=client, instrument=instrument, timepoint=timepoint, taken_on=taken_on,
            values=dict(zip(items, values, strict=True)), by=self.coordinator,
        )  # fmt: skip


@pytest.fixture
def report_made_now():
    with time_machine.travel(REPORT_MADE_AT, tick=False):
        yield


@pytest.fixture
def hand_built(db, scheme, coordinator, make_user, other_scheme):
    """The dataset; `hand_built.<name>` gives its records. See each test for the sums."""
    data = SchemeData(scheme, coordinator)
    scheme.readmission_comparison_30 = Decimal("12.5")
    scheme.readmission_comparison_source = "Test trust, 2025/26"
    scheme.save()
    north = HospitalFactory(scheme=scheme, name="North Hospital")
    south = HospitalFactory(scheme=scheme, name="South Hospital")
    w1 = WardFactory(hospital=north, name="Ward 1")
    w2 = WardFactory(hospital=north, name="Ward 2")
    w3 = WardFactory(hospital=south, name="Ward 3")
    v1 = make_user(Role.VOLUNTEER)
    v2 = make_user(Role.VOLUNTEER)

    # Clients: A (two episodes), B, C (an episode spanning two quarters), D (before).
    # A distinctive surname, so that the test that no name reaches the report cannot pass or
    # fail by chance on a random one.
    a = data.client(
        family_name="Quillfeather", date_of_birth=day(1941, 12, 31), gender="2",
        ethnic_category="A", postcode="RV1 1AA",
    )  # 85 on the last day of the quarter  # fmt: skip
    b = data.client(
        date_of_birth=day(1942, 1, 1), gender="1", ethnic_category="Z", postcode="RV1 2BB"
    )  # still 84
    c = data.client(
        date_of_birth=day(1980, 6, 1), gender="", ethnic_category="", postcode="RV10 3CD"
    )
    d = data.client(gender="1", ethnic_category="A", postcode="RV9 9ZZ")  # fmt: skip

    # Referrals. In the quarter: r1, r2, r3, r4, r7, r8. Outside: r0, r5, r6.
    r0 = data.referral(w1, at(2026, 7, 30, 9), decided_at=at(2026, 7, 30, 10))
    r1 = data.referral(
        w1, at(2026, 10, 5, 9), decided_at=at(2026, 10, 5, 11), referrer_role="Staff nurse"
    )  # 2 hours
    data.referral(
        w1,
        at(2026, 10, 10, 9),
        status=Status.DECLINED,
        decided_at=at(2026, 10, 10, 13),
        decline_reason=DeclineReason.OUT_OF_AREA,
        referrer_role="  staff NURSE ",
    )  # 4 hours
    data.referral(
        w2, at(2026, 11, 1, 10), status=Status.WITHDRAWN, referrer_role="Discharge coordinator"
    )
    data.referral(
        w3,
        at(2026, 12, 31, 23, 30),
        status=Status.SUBMITTED,
        referrer_role='=HYPERLINK("http://example.org","x")',
    )
    data.referral(w3, at(2027, 1, 1, 0, 30), status=Status.SUBMITTED)
    r6 = data.referral(w1, at(2026, 9, 30, 23, 59), decided_at=at(2026, 10, 1, 9))
    r7 = data.referral(
        w3, at(2026, 11, 10, 8), decided_at=at(2026, 11, 10, 18), referrer_role="Staff nurse"
    )  # 10 hours
    r8 = data.referral(w2, at(2026, 12, 1, 9), decided_at=at(2026, 12, 1, 9, 30),
                       referrer_role="Staff nurse")  # half an hour  # fmt: skip

    # Episodes. e0 ended before the quarter; e6 spans two quarters; e1, e7, e8 start in it.
    e0 = data.episode(
        r0,
        d,
        day(2026, 8, 1),
        EpisodeStatus.CLOSED,
        closed_on=day(2026, 9, 15),
        exit_outcome="goals_met",
    )
    e6 = data.episode(
        r6,
        c,
        day(2026, 9, 28),
        EpisodeStatus.CLOSED,
        closed_on=day(2026, 10, 20),
        exit_outcome="goals_met",
    )  # 23 days
    e1 = data.episode(
        r1,
        a,
        day(2026, 10, 6),
        EpisodeStatus.CLOSED,
        closed_on=day(2026, 11, 16),
        exit_outcome="readmitted",
    )  # 42 days
    e7 = data.episode(r7, b, day(2026, 11, 12))
    e8 = data.episode(r8, a, day(2026, 12, 29))  # fmt: skip

    # Calls and visits. In the quarter: 4 calls (2 answered, 50 minutes), 2 visits (1 made,
    # 60 minutes); volunteers logged 50 minutes; the coordinator logged the visit.
    data.contact(e0, at(2026, 8, 2, 10), by=v1, minutes=45)
    data.contact(e6, at(2026, 10, 2, 10), by=v1, minutes=20, activities=["shopping"])
    data.contact(e1, at(2026, 10, 7, 10), by=v1, answered=False)
    # Discharge at midday BST (11:00 UTC) on 6 October: 72.5 hours later.
    data.contact(
        e1, at(2026, 10, 9, 12, 30), by=v1, minutes=30, activities=["shopping", "prescriptions"]
    )
    data.contact(
        e7,
        at(2026, 11, 12, 15),
        by=coordinator,
        kind=CallKind.VISIT,
        minutes=60,
        activities=["prescriptions"],
    )  # 3 hours after discharge
    data.contact(e7, at(2026, 11, 19, 10), by=v2, kind=CallKind.VISIT, answered=False)
    data.contact(e7, at(2026, 12, 31, 23, 50), by=v2, answered=False)
    data.contact(e8, at(2027, 1, 1, 12), by=v2, minutes=15)  # exactly 72 hours  # fmt: skip

    Extension.objects.create(
        episode=e7,
        weeks=2,
        reason="More time",
        extended_by=coordinator,
        extended_at=at(2026, 12, 10, 10),
    )
    Extension.objects.create(
        episode=e6,
        weeks=1,
        reason="Before",
        extended_by=coordinator,
        extended_at=at(2026, 9, 20, 10),
    )
    # Readmitted on day 30 after discharge (e1) and on day 31 (e7).
    Readmission.objects.create(
        episode=e1, admitted_on=day(2026, 11, 5), source="client", recorded_by=coordinator
    )
    Readmission.objects.create(episode=e7, admitted_on=day(2026, 12, 13), source="ward",
                               recorded_by=coordinator)  # fmt: skip

    for episode, category, raised_at in (
        (e1, "health", at(2026, 10, 8, 9)),
        (e7, "safeguarding", at(2026, 12, 31, 23)),
        (e7, "no_answer", at(2027, 1, 2, 9)),
    ):
        Concern.objects.create(episode=episode, category=category, description="Worried",
                               raised_by=coordinator, raised_at=raised_at)  # fmt: skip
        needs_kept([episode.pk])  # as concern_raise would
    transport = CommunityService.objects.create(
        scheme=scheme, name="Ring and Ride", category="transport"
    )
    friends = CommunityService.objects.create(
        scheme=scheme, name="Good Neighbours", category="befriending"
    )
    for episode, service, on, outcome in (
        (e1, transport, day(2026, 10, 20), "accepted"),
        (e7, friends, day(2026, 11, 20), "waiting"),
        (e6, transport, day(2026, 9, 29), "accepted"),
    ):
        OnwardReferral.objects.create(episode=episode, service=service, referred_on=on,
                                      made_by=coordinator, outcome=outcome)  # fmt: skip

    # Outcome measures. A: UCLA 9 -> 5 (October to November), then a newer pair in the
    # quarter, 7 -> 4, which is the one that counts; ONS4 with anxiety missing at the end.
    # B: UCLA baseline has a missing item (no total); ONS4 complete. C: an end measure only.
    data.measure(a, "ucla3", Timepoint.BASELINE, day(2026, 10, 6), (3, 3, 3))
    data.measure(a, "ucla3", Timepoint.END, day(2026, 11, 16), (2, 2, 1))
    data.measure(a, "ucla3", Timepoint.BASELINE, day(2026, 12, 29), (3, 2, 2))
    data.measure(a, "ucla3", Timepoint.END, day(2026, 12, 30), (2, 1, 1))
    data.measure(a, "ons4", Timepoint.BASELINE, day(2026, 10, 6), (4, 5, 3, 8))
    data.measure(a, "ons4", Timepoint.END, day(2026, 11, 16), (6, 6, 3, None))
    data.measure(b, "ucla3", Timepoint.BASELINE, day(2026, 11, 12), (1, 1, None))
    data.measure(b, "ucla3", Timepoint.END, day(2026, 12, 20), (1, 1, 1))
    data.measure(b, "ons4", Timepoint.BASELINE, day(2026, 11, 12), (5, 5, 5, 5))
    data.measure(b, "ons4", Timepoint.END, day(2026, 12, 20), (7, 4, 5, 2))
    data.measure(c, "ucla3", Timepoint.END, day(2026, 10, 20), (2, 2, 2))

    # Another scheme's activity in the same quarter must never be counted.
    stranger = SchemeData(other_scheme, make_user(Role.COORDINATOR, scheme=other_scheme))
    other_ward = WardFactory(hospital__scheme=other_scheme)
    other_referral = stranger.referral(
        other_ward, at(2026, 10, 5, 9), decided_at=at(2026, 10, 5, 10)
    )
    other_episode = stranger.episode(other_referral, stranger.client(), day(2026, 10, 6))
    stranger.contact(other_episode, at(2026, 10, 7, 10), by=stranger.coordinator, minutes=99)

    data.records = locals()
    return data


# --- A provider of two schemes, and a scheme of another (organisation managers' reports) ---

ASHFORD = "Ashford Home from Hospital"
BEXLEY = "Bexley Home from Hospital"
# November is GMT: a discharge on the 10th is taken to be at 12:00; 60 hours later is 00:00
# on the 13th, within a 72-hour window and outside a 48-hour one.
WENT_HOME = day(2026, 11, 10)
SIXTY_HOURS_LATER = at(2026, 11, 13, 0, 0)
AN_HOUR_LATER = at(2026, 11, 10, 13, 0)


def _scheme_with(scheme, *, discharges, declined, contacted_at):
    """`discharges` referrals accepted, each client home on WENT_HOME and first reached at
    `contacted_at`, and `declined` referrals declined; all from the scheme's one ward of
    "General Hospital"."""
    coordinator = UserFactory(scheme=scheme, role=Role.COORDINATOR)
    data = SchemeData(scheme, coordinator)
    ward = WardFactory(hospital__scheme=scheme, hospital__name="General Hospital", name="Ward 1")
    for _ in range(discharges):
        referral = data.referral(ward, at(2026, 11, 9, 9), decided_at=at(2026, 11, 9, 10))
        episode = data.episode(referral, data.client(), WENT_HOME)
        data.contact(episode, contacted_at, by=coordinator, minutes=10)
    for _ in range(declined):
        data.referral(
            ward, at(2026, 11, 9, 9), status=Status.DECLINED, decided_at=at(2026, 11, 9, 11),
            decline_reason=DeclineReason.OUT_OF_AREA,
        )  # fmt: skip
    return scheme


@pytest.fixture
def provider(db, report_made_now):
    """Two schemes of one provider with different first-contact windows, and a third
    scheme of another provider; each has a hospital called "General Hospital".

    | scheme  | window | referrals (accepted + declined) | discharges | first contact |
    | Ashford | 72 h   | 7 (5 + 2)                       | 5          | 60 h: in time |
    | Bexley  | 48 h   | 6 (5 + 1)                       | 5          | 60 h: late    |
    | Croydon | 72 h   | 6 (6 + 0), another provider     | 6          | 1 h           |

    Ashford and Bexley together: 13 referrals received, 10 accepted, 3 declined (under 5:
    hidden); 10 discharges, 5 contacted within their own scheme's window (50%).
    """
    organisation = OrganisationFactory(name="Home Help Nationwide")
    ashford = SchemeFactory(name=ASHFORD, organisation=organisation, first_contact_hours=72)
    bexley = SchemeFactory(name=BEXLEY, organisation=organisation, first_contact_hours=48)
    croydon = SchemeFactory(
        name="Croydon Home from Hospital", organisation=OrganisationFactory(name="Elsewhere"),
        first_contact_hours=72,
    )  # fmt: skip
    _scheme_with(ashford, discharges=5, declined=2, contacted_at=SIXTY_HOURS_LATER)
    _scheme_with(bexley, discharges=5, declined=1, contacted_at=SIXTY_HOURS_LATER)
    _scheme_with(croydon, discharges=6, declined=0, contacted_at=AN_HOUR_LATER)
    manager = OrganisationManagerFactory(organisation=organisation)
    return ashford, bexley, croydon, manager
