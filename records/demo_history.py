"""A synthetic year of finished support for the demo scheme, so the manager's dashboard, the
charts and the quarterly report have four quarters of history to compare on the first run.

The rest of the demo goes through the services, as a person would; a year of calls that way
would take minutes, so these rows go in directly (as seed_scale's do) and the figures kept as
contacts are logged are then worked out from them (visits.figures.figures_rebuilt). Every
episode here has ended, so nothing in it falls due, alerts anyone or sits in a queue.
The same day gives the same data: the random numbers are seeded.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from aligns.accounts.models import Role, User, Ward
from aligns.catalogues.models import Need
from aligns.nhs import synthetic_nhs_number
from clients.instruments import INSTRUMENTS, item_lower_is_better
from clients.models import Client, OutcomeAnswer, OutcomeMeasure, Timepoint
from clients.outcomes import ends_paired, scored
from referrals.figures import referral_days_rebuilt
from referrals.models import DeclineReason, Referral, Status
from reports.period import Period
from visits.figures import figures_rebuilt
from visits.models import (
    Assignment,
    AssignmentStatus,
    CallKind,
    Contact,
    EpisodeStatus,
    ExitOutcome,
    Readmission,
    ReadmissionSource,
    SupportEpisode,
)
from volunteers.models import Stage, Volunteer

# Synthetic NHS numbers from this seed on (the demo's current referrals use 1000 to 1099).
FIRST_NHS_SEED = 20_000
# From the start of the fourth quarter before this one (so the dashboard and the report
# have this quarter so far and four whole quarters before it) to a fortnight ago.
QUARTERS = 4
QUIET_DAYS = 14
REFERRALS_A_DAY = 0.35
GIVEN = (
    "Agnes", "Albert", "Alice", "Bernard", "Betty", "Cyril", "Dennis", "Dorothy", "Elsie",
    "Ernest", "Florence", "Frank", "Gladys", "Gordon", "Hilda", "Irene", "Jean", "Kenneth",
    "Lilian", "Mabel", "Margaret", "Nora", "Percy", "Rita", "Ronald", "Sidney", "Sylvia",
    "Violet", "Walter", "Wilfred",
)  # fmt: skip
FAMILY = (
    "Abbott", "Bamford", "Chaudhry", "Davies", "Ellison", "Fenwick", "Gallagher", "Hughes",
    "Ingram", "Jackson", "Kaur", "Lowry", "Mensah", "Nowak", "O'Brien", "Patel", "Rahman",
    "Sutcliffe", "Thornton", "Walsh", "Yates",
)  # fmt: skip
EXIT_OUTCOMES = (
    [ExitOutcome.GOALS_MET] * 12
    + [ExitOutcome.LONGER_TERM_SUPPORT] * 2
    + [ExitOutcome.DECLINED] * 2
    + [ExitOutcome.NO_CONTACT, ExitOutcome.MOVED_AWAY, ExitOutcome.DIED]
)


def seed_history(*, scheme, coordinator):
    """Add the year once: a scheme that already has it is left alone. Returns the number of
    referrals made."""
    first = synthetic_nhs_number(FIRST_NHS_SEED)
    if Referral.objects.filter(scheme=scheme, nhs_number=first).exists():
        return 0
    return _History(scheme, coordinator).build()


class _History:
    def __init__(self, scheme, coordinator):
        self.scheme = scheme
        self.coordinator = coordinator
        self.now = timezone.localtime()
        self.today = self.now.date()
        self.rng = random.Random(f"demo history {self.today.isoformat()}")  # noqa: S311 # nosec B311
        self.wards = list(Ward.objects.filter(hospital__scheme=scheme).order_by("pk"))
        self.referrers = list(
            User.objects.filter(scheme=scheme, role=Role.WARD_STAFF).order_by("pk")
        )
        # (volunteer, their sign-in) of those who supported the year's clients and logged
        # their calls.
        self.volunteers = self._volunteers_signed_in(scheme)

    @staticmethod
    def _volunteers_signed_in(scheme):
        """The active volunteers other than Val, each given a sign-in that has never been
        used, as a scheme's volunteers have: they log their own calls, and the report's
        active volunteers and their hours count those who did. (Val, who signs in to the
        demo, is left out: her own pages stay as the rest of the demo left them.)"""
        pairs = []
        others = Volunteer.objects.filter(scheme=scheme, stage=Stage.ACTIVE, user__isnull=True)
        for volunteer in others.order_by("pk"):
            volunteer.user = User.objects.create_user(
                volunteer.email, None, full_name=volunteer.full_name, role=Role.VOLUNTEER,
                scheme=scheme, phone=volunteer.phone, job_title="Volunteer",
            )  # fmt: skip
            volunteer.save(update_fields=["user"])
            pairs.append((volunteer.pk, volunteer.user.pk))
        return pairs

    def build(self):
        plans = self._plan()
        self._write(plans)
        figures_rebuilt([self.scheme.pk])
        referral_days_rebuilt([self.scheme.pk])
        ends_paired(OutcomeMeasure.objects.filter(client__scheme=self.scheme))
        return len(plans)

    def _plan(self):
        """When each referral came and what became of it, oldest first: more of them as the
        year goes on, as a growing scheme's are."""
        rng = self.rng
        first = Period.recent_quarters(self.today, QUARTERS + 1)[-1].start
        last = self.today - timedelta(days=QUIET_DAYS)
        span = (last - first).days
        plans = []
        for _ in range(round(span * REFERRALS_A_DAY)):
            progress = rng.random() ** 0.7  # denser towards the end
            day = first + timedelta(days=int(progress * span))
            submitted_at = datetime.combine(
                day, time(rng.randint(8, 17), rng.randint(0, 59)), self.now.tzinfo
            )
            roll = rng.random()
            status = (
                Status.ACCEPTED
                if roll < 0.84
                else Status.DECLINED
                if roll < 0.95
                else Status.WITHDRAWN
            )
            plans.append({"submitted_at": submitted_at, "status": status, "progress": progress})
        plans.sort(key=lambda plan: plan["submitted_at"])
        for number, plan in enumerate(plans):
            plan["seed"] = FIRST_NHS_SEED + number
            if plan["status"] == Status.ACCEPTED:
                self._plan_episode(plan)
        return plans

    def _plan_episode(self, plan):
        rng = self.rng
        submitted_on = timezone.localdate(plan["submitted_at"])
        start = submitted_on + timedelta(days=rng.choice((0, 1, 1, 2, 2, 3)))
        length = int(rng.triangular(21, 56, 42))
        # Support ended by yesterday at the latest: nothing here is still running.
        end = min(start + timedelta(days=length), self.today - timedelta(days=1))
        outcome = rng.choice(EXIT_OUTCOMES)
        readmitted_on = None
        if rng.random() < 0.12 - 0.05 * plan["progress"]:  # fewer as the scheme matures
            readmitted_on = start + timedelta(days=rng.randint(3, 40))
            if readmitted_on < end:
                end, outcome = readmitted_on, ExitOutcome.READMITTED
            elif readmitted_on >= self.today:
                readmitted_on = None
        # The first call: sooner, and more often within 72 hours, as the year goes on.
        late = rng.random() < 0.3 - 0.2 * plan["progress"]
        plan["episode"] = {
            "start": start,
            "end": end,
            "outcome": outcome,
            "readmitted_on": readmitted_on,
            "first_call_hours": rng.uniform(74, 110) if late else rng.uniform(3, 60),
            # (volunteer, sign-in)
            "volunteer": rng.choice(self.volunteers) if self.volunteers else None,
        }

    def _write(self, plans):
        rng = self.rng
        referrals = _created(
            Referral, [self._referral(plan) for plan in plans], when=lambda r: r.submitted_at
        )
        accepted = [
            (plan, referral)
            for plan, referral in zip(plans, referrals, strict=True)
            if "episode" in plan
        ]
        clients = [self._client(plan, referral) for plan, referral in accepted]
        for client, (_, referral) in zip(clients, accepted, strict=True):
            client._history_date = referral.decided_at
        clients = _created(Client, clients)
        episodes = _created(
            SupportEpisode,
            [
                self._episode(plan, referral, client)
                for (plan, referral), client in zip(accepted, clients, strict=True)
            ],
            when=lambda episode: episode.opened_at,
        )
        contacts, readmissions, assignments, measures = [], [], [], []
        for (plan, referral), client, episode in zip(accepted, clients, episodes, strict=True):
            planned = plan["episode"]
            # Home at midday, or an hour after the referral was accepted if that was later
            # the same day (by 11pm): nothing of the support comes before its referral.
            start = datetime.combine(planned["start"], time(12), self.now.tzinfo)
            latest = datetime.combine(planned["start"], time(23), self.now.tzinfo)
            discharged = max(start, min(referral.decided_at + timedelta(hours=1), latest))
            offered_at = max(
                referral.decided_at + timedelta(minutes=10), discharged - timedelta(hours=20)
            )
            contacts += self._contacts(episode, planned, discharged)
            if planned["volunteer"]:
                assignments.append(
                    Assignment(
                        episode=episode,
                        volunteer_id=planned["volunteer"][0],
                        status=AssignmentStatus.ENDED,
                        offered_by=self.coordinator,
                        offered_at=offered_at,
                        responded_at=offered_at + timedelta(minutes=rng.uniform(10, 120)),
                        ended_at=datetime.combine(planned["end"], time(17), self.now.tzinfo),
                        ended_by=self.coordinator,
                    )
                )
            if planned["readmitted_on"]:
                readmissions.append(
                    Readmission(
                        episode=episode,
                        admitted_on=planned["readmitted_on"],
                        source=rng.choice(ReadmissionSource.values),
                        returned_home_on=planned["readmitted_on"]
                        + timedelta(days=rng.randint(3, 12))
                        if planned["readmitted_on"] + timedelta(days=12) < self.today
                        else None,
                        recorded_by=self.coordinator,
                    )
                )
            measures += self._measures(client, episode, planned)
        Contact.objects.bulk_create(contacts)
        self._activities(contacts)
        Assignment.objects.bulk_create(assignments)
        Readmission.objects.bulk_create(readmissions)
        made = OutcomeMeasure.objects.bulk_create([measure for measure, _ in measures])
        OutcomeAnswer.objects.bulk_create(
            [
                answer
                for measure, (_, answers) in zip(made, measures, strict=True)
                for answer in answers(measure)
            ]
        )

    def _referral(self, plan):
        rng = self.rng
        seed = plan["seed"]
        ward = rng.choice(self.wards)
        referrer = rng.choice(self.referrers)
        submitted_at = plan["submitted_at"]
        episode = plan.get("episode")
        decided_at = None
        if plan["status"] != Status.WITHDRAWN:
            decided_at = submitted_at + timedelta(
                hours=rng.uniform(0.5, 6 - 2.5 * plan["progress"])
            )
        return Referral(
            scheme=self.scheme,
            hospital_id=ward.hospital_id,
            ward=ward,
            status=plan["status"],
            submitted_at=submitted_at,
            given_name=GIVEN[seed % len(GIVEN)],
            family_name=FAMILY[(seed * 7) % len(FAMILY)],
            date_of_birth=self.today - timedelta(days=int(rng.gauss(80, 7) * 365.25)),
            nhs_number=synthetic_nhs_number(seed),
            address_line_1=f"{seed % 90 + 1} Riverside Road",
            town="Riverside",
            postcode=f"RV{seed % 9 + 1} {seed % 7 + 1}CD",
            phone=f"07700 9{seed % 100_000:05d}",
            expected_discharge_date=episode["start"]
            if episode
            else timezone.localdate(submitted_at) + timedelta(days=2),
            actual_discharge_date=episode["start"] if episode else None,
            discharge_pathway=1,
            language="English",
            consent_to_referral=True,
            consent_to_hold=True,
            consent_to_share_with_nhs=True,
            consent_obtained_by=referrer.full_name,
            consent_obtained_on=timezone.localdate(submitted_at),
            referred_by=referrer,
            referrer_name=referrer.full_name,
            referrer_role=referrer.job_title,
            referrer_contact=referrer.phone or referrer.email,
            decided_by=self.coordinator if decided_at else None,
            decided_at=decided_at,
            decline_reason=rng.choice(DeclineReason.values)
            if plan["status"] == Status.DECLINED
            else "",
            withdrawn_reason="Went to stay with family instead."
            if plan["status"] == Status.WITHDRAWN
            else "",
        )

    def _client(self, plan, referral):
        return Client(
            scheme=self.scheme,
            nhs_number=referral.nhs_number,
            given_name=referral.given_name,
            family_name=referral.family_name,
            date_of_birth=referral.date_of_birth,
            gender=self.rng.choice(("1", "2", "2", "")),
            ethnic_category=self.rng.choice(("A", "A", "A", "C", "M", "N", "Z", "")),
            address_line_1=referral.address_line_1,
            town=referral.town,
            postcode=referral.postcode,
            phone=referral.phone,
        )

    def _episode(self, plan, referral, client):
        planned = plan["episode"]
        return SupportEpisode(
            scheme=self.scheme,
            client=client,
            referral=referral,
            status=EpisodeStatus.CLOSED,
            start_date=planned["start"],
            opened_by=self.coordinator,
            opened_at=referral.decided_at,
            exit_outcome=planned["outcome"],
            closed_on=planned["end"],
            closed_by=self.coordinator,
        )

    def _contacts(self, episode, planned, discharged):
        """A first call, then about one call a week, and a visit or two, logged by the
        volunteer (or the coordinator, where no volunteer was matched)."""
        rng = self.rng
        by = planned["volunteer"][1] if planned["volunteer"] else self.coordinator.pk
        ended = datetime.combine(planned["end"], time(17), self.now.tzinfo)
        moments = [discharged + timedelta(hours=planned["first_call_hours"])]
        while moments[-1] + timedelta(days=7) < ended:
            moments.append(moments[-1] + timedelta(days=7, hours=rng.uniform(-20, 20)))
        contacts = []
        for number, happened_at in enumerate(moments):
            if happened_at >= ended:
                break
            visit = number > 0 and rng.random() < 0.2
            answered = rng.random() < (0.93 if visit else 0.8)
            if not answered and number == 0:  # tried again the next morning
                contacts.append(self._contact(episode, CallKind.CALL, happened_at, False, by))
                happened_at += timedelta(hours=18)
                answered = True
            contacts.append(
                self._contact(
                    episode, CallKind.VISIT if visit else CallKind.CALL, happened_at, answered, by
                )
            )
        return contacts

    def _activities(self, contacts):
        """What each answered call or visit included (a chat, shopping, a lift to the GP), one
        or two of the catalogue's needs, so the report's activity table has figures."""
        needs = list(Need.objects.order_by("position", "pk").values_list("pk", flat=True))
        if not needs:
            return
        through = Contact.activities.through
        through.objects.bulk_create(
            [
                through(contact_id=contact.pk, need_id=need)
                for contact in contacts
                if contact.answered
                for need in self.rng.sample(needs, self.rng.choice((1, 1, 2)))
            ]
        )

    def _contact(self, episode, kind, happened_at, answered, by):
        rng = self.rng
        if not answered:
            minutes = 0
        elif kind == CallKind.VISIT:
            minutes = rng.randint(30, 90)
        else:
            minutes = rng.randint(5, 35)
        return Contact(
            episode=episode,
            kind=kind,
            happened_at=happened_at,
            answered=answered,
            duration_minutes=minutes,
            wellbeing=rng.randint(2, 5) if answered else None,
            logged_by_id=by,
            logged_at=happened_at + timedelta(minutes=rng.randint(5, 180)),
            notes="",
        )

    def _measures(self, client, episode, planned):
        """Measures at the start for most, and at the end for most of those: a little better
        at the end, on the whole."""
        rng = self.rng
        if rng.random() >= 0.75:
            return []
        takes = [(Timepoint.BASELINE, planned["start"] + timedelta(days=rng.randint(1, 6)))]
        if planned["outcome"] == ExitOutcome.GOALS_MET and rng.random() < 0.8:
            takes.append((Timepoint.END, planned["end"] - timedelta(days=rng.randint(0, 3))))
        measures = []
        for instrument in INSTRUMENTS.values():
            for timepoint, taken_on in takes:
                taken_on = min(max(taken_on, planned["start"]), planned["end"])
                measure = OutcomeMeasure(
                    client=client,
                    episode=episode,
                    instrument=instrument.code,
                    instrument_version=instrument.version,
                    timepoint=timepoint,
                    taken_on=taken_on,
                    recorded_by=self.coordinator,
                    recorded_at=datetime.combine(taken_on, time(15), self.now.tzinfo),
                )
                values = [self._answer(instrument, item, timepoint) for item in instrument.items]
                codes = [item.code for item in instrument.items]
                measure.scores = scored(instrument, dict(zip(codes, values, strict=True)))
                measures.append((measure, self._answers_for(instrument, values)))
        return measures

    def _answer(self, instrument, item, timepoint):
        rng = self.rng
        values = sorted(value for value, _ in item.choices)
        better = values[0] if item_lower_is_better(instrument, item.code) else values[-1]
        if timepoint == Timepoint.END and rng.random() < 0.45:
            return better
        return rng.choice(values)

    @staticmethod
    def _answers_for(instrument, values):
        def answers(measure):
            return [
                OutcomeAnswer(measure=measure, item=item.code, value=value)
                for item, value in zip(instrument.items, values, strict=True)
            ]

        return answers


def _created(model, objects, when=None):
    """Saved at once, each with the history row saying it was made when it happened, not
    when the demo was loaded: their change history opens like any other record's."""
    for instance in objects:
        if when is not None:
            instance._history_date = when(instance)
    return bulk_create_with_history(objects, model)
