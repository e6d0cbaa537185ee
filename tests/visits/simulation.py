"""A scheme's weeks in simulated time: people doing their work through the services, the beat's
schedule run in order, workers killed and the broker stopped, and what it proves counted.

Time is frozen and moved forward (time-machine) from one thing happening to the next. What
happens is drawn from a seeded random generator, so a run can be repeated:

- the ward refers patients across the weeks, some still waiting for discharge;
- coordinators (on duty 08:00 to 18:00) accept them, offer each to a volunteer from the
  shortlist, act on their alerts (ringing a client whose call is overdue, withdrawing an offer
  nobody answered, extending some episodes at review), acknowledge concerns (some late), and
  close episodes at their planned end;
- volunteers answer offers once the email has told them (some decline, some never answer), go
  through their calls once a day (some days they forget; some calls are not answered; some
  raise a concern); some volunteers' DBS checks lapse;
- some clients are readmitted and come home again, or stay in past the planned end;
- the beat runs the support sweeps every `sweep_minutes` and the outbox's dispatch with them,
  and the volunteer-expiry reminders each morning;
- faults: a sweep killed inside a batch (rolled back), a worker killed after the mail server
  took an email but before its row was marked sent, and the broker down for `outage_hours`
  (no beat, no task queued by a request).

What it proves is in `Findings`: the test (tests/visits/test_simulation.py) asserts it and
`make simulate` prints it at full size.
"""

import heapq
import itertools
import random
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import time_machine
from celery.app.task import Task
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from kombu.exceptions import OperationalError

from aligns.catalogues.models import Need
from aligns.nhs import synthetic_nhs_number
from aligns.outbox.models import Message, MessageStatus
from aligns.outbox.services import dispatch, message_id
from referrals.services import referral_accept
from tests.factories import (
    CoordinatorFactory,
    HospitalFactory,
    ReferralFactory,
    SchemeFactory,
    VolunteerFactory,
    WardFactory,
    WardStaffFactory,
)
from visits import sweeps
from visits.models import (
    REALERT_AFTER,
    RUNNING_STATUSES,
    Alert,
    AlertKind,
    Assignment,
    AssignmentStatus,
    CallKind,
    CallStatus,
    Concern,
    ConcernStatus,
    EpisodeStatus,
    ExitOutcome,
    ScheduledCall,
    SupportEpisode,
)
from visits.services import (
    EpisodeActionRefused,
    alert_acknowledge,
    assignment_accept,
    assignment_decline,
    assignment_end,
    assignment_withdraw,
    concern_close,
    contact_log,
    episode_assign_volunteer,
    episode_close,
    episode_extend,
    episode_readmit,
    episode_record_discharge,
    episode_return_home,
    episode_shortlist,
)
from volunteers.models import Postcode, TrainingCourse
from volunteers.services import (
    dbs_record,
    send_expiry_reminders,
    training_record,
    volunteer_create,
    volunteer_move,
)

START = datetime(2027, 1, 4, 0, 0)  # a Monday
ON_DUTY = (8, 18)  # coordinators' hours


class WorkerKilled(BaseException):
    """A worker process dying (SIGKILL): nothing after it runs and no `except Exception` sees it,
    so an open transaction rolls back and a claimed row stays claimed until its lease ends."""


class Faults:
    """Where the simulation kills a worker, drawn at random; and whether the broker is down."""

    def __init__(self, rng, *, sweep_kill_chance, send_kill_chance):
        self.rng = rng
        self.sweep_kill_chance = sweep_kill_chance
        self.send_kill_chance = send_kill_chance
        self.in_beat = False  # kills land in the worker's tasks, never in a person's request
        self.broker_down = False
        self.sweeps_killed = 0
        self.kills_while_sending = 0

    def maybe_kill_sweep(self):
        if self.in_beat and self.rng.random() < self.sweep_kill_chance:
            self.sweeps_killed += 1
            raise WorkerKilled

    def maybe_kill_sending(self):
        if self.in_beat and self.rng.random() < self.send_kill_chance:
            self.kills_while_sending += 1
            raise WorkerKilled


class Taken:
    """What the mail server took: how many emails of each Message-ID, and for whom."""

    def __init__(self):
        self.count = Counter()
        self.addresses = {}

    def add(self, email):
        key = email.extra_headers.get("Message-ID")
        self.count[key] += 1
        self.addresses.setdefault(key, set()).update(email.to)

    def reached(self, address, key):
        """Whether an email of the message `key` reached `address`."""
        return address in self.addresses.get(message_id(key), ())


FAULTS = None  # the running simulation's faults and mail, for the mail server below
TAKEN = None


class SimulatedMailServer(EmailBackend):
    """Takes each email (recorded in TAKEN); while a fault is armed, the worker may be killed just
    after the server took one, before its row is marked sent."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        for email in messages:
            TAKEN.add(email)
        FAULTS.maybe_kill_sending()
        return sent


@dataclass
class Findings:
    """What a run proves, counted from the rows and the emails the mail server took."""

    episodes: int = 0
    calls_fell_due: int = 0
    first_calls: Counter = field(default_factory=Counter)
    silently_missed: list = field(default_factory=list)
    late_escalations: list = field(default_factory=list)
    held_up_by_faults: int = 0  # escalations later than one interval, because the beat was down
    escalation_minutes: list = field(default_factory=list)
    emails: int = 0
    resent_same_id: int = 0
    duplicate_reminders: list = field(default_factory=list)
    undelivered: list = field(default_factory=list)
    offers: int = 0
    offers_untold: list = field(default_factory=list)
    concerns: int = 0
    concerns_unalerted: list = field(default_factory=list)
    lapsed_unwarned: list = field(default_factory=list)
    lapsed_unalerted: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def report(self):
        delays = sorted(self.escalation_minutes)
        median = delays[len(delays) // 2] if delays else 0
        lines = [
            f"episodes {self.episodes}, calls that fell due {self.calls_fell_due}",
            "first calls: "
            + ", ".join(f"{what} {n}" for what, n in sorted(self.first_calls.items())),
            f"silently missed: {len(self.silently_missed)}; escalations later than the sweep "
            f"interval allows: {len(self.late_escalations)}; held up by a killed sweep or the "
            f"outage, then made: {self.held_up_by_faults}; minutes from deadline to alert: "
            f"median {median}, max {delays[-1] if delays else 0}",
            f"emails taken by the mail server {self.emails}; sent again with the same Message-ID "
            f"after a kill while sending {self.resent_same_id}; duplicate reminders "
            f"{len(self.duplicate_reminders)}; messages never delivered {len(self.undelivered)}",
            f"offers {self.offers}, volunteers never told {len(self.offers_untold)}",
            f"concerns {self.concerns}, left unacknowledged without a re-alert "
            f"{len(self.concerns_unalerted)}",
            f"volunteers whose DBS lapsed without a reminder first {len(self.lapsed_unwarned)}; "
            f"supports through a lapse not alerted in time {len(self.lapsed_unalerted)}",
            "happened: " + ", ".join(f"{what} {n}" for what, n in sorted(self.counts.items())),
        ]
        return "\n".join(lines)


class Simulation:
    def __init__(
        self,
        *,
        episodes=1000,
        weeks=8,
        seed=1,
        sweep_minutes=5,
        outage_day=20,
        outage_hours=6,
        sweep_kill_chance=0.02,
        send_kill_chance=0.05,
    ):
        self.rng = random.Random(seed)  # noqa: S311 # nosec B311 - a repeatable run, no secret
        self.episodes = episodes
        self.end = timezone.make_aware(START + timedelta(weeks=weeks))
        self.start = timezone.make_aware(START)
        self.interval = timedelta(minutes=sweep_minutes)
        # From noon: across the afternoon's deadlines (a first call falls due 72 hours after
        # the assumed discharge at noon, overdue 4 hours later) and the people's working day.
        outage_start = self.start + timedelta(days=outage_day, hours=12)
        self.outage = (outage_start, outage_start + timedelta(hours=outage_hours))
        self.faults = Faults(
            self.rng, sweep_kill_chance=sweep_kill_chance, send_kill_chance=send_kill_chance
        )
        self.beat_down = []  # (from, to): sweeps that did not run or were killed
        self.queue = []
        self.sequence = itertools.count()
        self.counts = Counter()
        self.flagged_missed = {}  # call id: when a finished sweep left it unflagged

    # --- The calendar ----------------------------------------------------------------------

    def at(self, when, action, *args):
        heapq.heappush(self.queue, (when, next(self.sequence), action, args))

    def on_duty(self, when):
        """`when`, or the next moment a coordinator is on duty."""
        local = timezone.localtime(when)
        if local.hour < ON_DUTY[0]:
            return local.replace(hour=ON_DUTY[0], minute=self.rng.randrange(60))
        if local.hour >= ON_DUTY[1]:
            tomorrow = local + timedelta(days=1)
            return tomorrow.replace(hour=ON_DUTY[0], minute=self.rng.randrange(60))
        return when

    def later(self, hours_from, hours_to):
        return timezone.now() + timedelta(hours=self.rng.uniform(hours_from, hours_to))

    # --- The scheme -------------------------------------------------------------------------

    def set_up(self):
        # Clients and volunteers all live at RV1 1AA (the factories' postcode).
        Postcode.objects.get_or_create(
            postcode="RV1 1AA", defaults={"district": "RV1", "latitude": 52.48, "longitude": -1.21}
        )
        self.scheme = SchemeFactory()
        self.ward = WardFactory(hospital=HospitalFactory(scheme=self.scheme))
        self.ward_staff = WardStaffFactory(scheme=self.scheme, wards=[self.ward])
        self.coordinators = [CoordinatorFactory(scheme=self.scheme) for _ in range(2)]
        course = TrainingCourse.objects.create(
            scheme=self.scheme, name="Safeguarding adults", mandatory=True, valid_for_months=36
        )
        today = timezone.localdate()
        self.volunteers = []
        self.lapsing = {}  # volunteer id: the day their DBS check lapses
        for number in range(max(8, self.episodes // 3)):
            by = self.coordinator()
            volunteer = volunteer_create(
                scheme=self.scheme, by=by, user=VolunteerFactory(scheme=self.scheme),
                given_name="Vol", family_name=f"Unteer {number}", postcode="RV1 1AA",
                skills=Need.objects.filter(code="shopping"),
                max_active_clients=self.rng.randint(2, 6),
            )  # fmt: skip
            recheck_due = today + timedelta(days=1000)
            if self.rng.random() < 0.1:
                recheck_due = today + timedelta(days=self.rng.randrange(56))
                self.lapsing[volunteer.pk] = recheck_due
            dbs_record(
                volunteer=volunteer, by=by, level="enhanced_barred",
                certificate_number=f"{number:012d}", issued_on=today - timedelta(days=900),
                recheck_due=recheck_due,
            )  # fmt: skip
            training_record(
                volunteer=volunteer, course=course, completed_on=today - timedelta(days=30), by=by
            )
            for stage in ("references", "dbs_checked", "trained", "active"):
                volunteer = volunteer_move(volunteer=volunteer, stage=stage, by=by)
            self.volunteers.append(volunteer)
            self.at(self.start + timedelta(hours=self.rng.uniform(9, 20)), self.volunteer_round,
                    volunteer)  # fmt: skip
        span = (self.end - self.start).total_seconds()
        for number in range(self.episodes):
            when = self.start + timedelta(seconds=self.rng.uniform(0, span * 0.95))
            self.at(when, self.refer, number)
        day = self.start
        while day < self.end:
            self.at(day + timedelta(hours=7, minutes=30), self.expiry_reminders)
            self.at(day + timedelta(hours=9), self.close_ended)
            for hour in range(ON_DUTY[0], ON_DUTY[1]):
                for minute in (0, 30):
                    self.at(day + timedelta(hours=hour, minutes=minute), self.alerts_round)
            day += timedelta(days=1)
        beat = self.start
        while beat <= self.end:
            self.at(beat, self.beat)
            beat += self.interval

    def coordinator(self):
        return self.rng.choice(self.coordinators)

    # --- The ward and the coordinators ------------------------------------------------------

    def refer(self, number):
        today = timezone.localdate()
        home = self.rng.random() < 0.6
        referral = ReferralFactory(
            ward=self.ward, referred_by=self.ward_staff,
            nhs_number=synthetic_nhs_number(500_000 + number),
            actual_discharge_date=today if home else None,
            expected_discharge_date=today + timedelta(days=0 if home else self.rng.randint(1, 3)),
        )  # fmt: skip
        self.at(self.on_duty(self.later(0.5, 4)), self.accept, referral)

    def accept(self, referral):
        _, episode = referral_accept(referral=referral, by=self.coordinator())
        self.counts["referrals accepted"] += 1
        if episode.status == EpisodeStatus.AWAITING_DISCHARGE:
            went_home = timezone.make_aware(
                datetime.combine(referral.expected_discharge_date, datetime.min.time())
            ) + timedelta(hours=self.rng.uniform(11, 17))
            self.at(max(went_home, timezone.now()), self.discharge, episode)
        else:
            self.maybe_readmit(episode)
        self.at(self.on_duty(self.later(0.2, 1)), self.offer, episode)

    def discharge(self, episode):
        episode = episode_record_discharge(
            episode=episode, discharged_on=timezone.localdate(), by=self.coordinator()
        )
        self.counts["discharges recorded"] += 1
        self.maybe_readmit(episode)

    def maybe_readmit(self, episode):
        if self.rng.random() < 0.08:
            self.at(self.later(24 * 3, 24 * 30), self.readmit, episode)

    def offer(self, episode):
        episode.refresh_from_db()
        if (
            not episode.is_open
            or episode.assignments.filter(
                status__in=[AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED]
            ).exists()
        ):
            return
        lapsed = [v for v in self.volunteers if self.lapsing.get(v.pk, self.end.date()) <
                  timezone.localdate()]  # fmt: skip
        if lapsed and self.rng.random() < 0.05:
            # A coordinator picks from a list they printed last month.
            try:
                episode_assign_volunteer(
                    episode=episode, volunteer=self.rng.choice(lapsed), by=self.coordinator()
                )
                self.counts["offers to a lapsed volunteer ALLOWED"] += 1
            except EpisodeActionRefused:
                self.counts["offers to a lapsed volunteer refused"] += 1
            else:
                return
        shortlist = episode_shortlist(episode).shortlist
        if not shortlist:
            self.counts["no volunteer free (tried again later)"] += 1
            self.at(self.on_duty(self.later(4, 24)), self.offer, episode)
            return
        chosen = self.rng.choice(shortlist[:3]).volunteer
        assignment = episode_assign_volunteer(
            episode=episode, volunteer=chosen, by=self.coordinator()
        )
        self.counts["offers made"] += 1
        choice = self.rng.random()
        answer = "accept" if choice < 0.72 else "decline" if choice < 0.87 else "ignore"
        if answer != "ignore":
            self.at(self.later(0.2, 12), self.answer_offer, assignment, answer)

    def alerts_round(self):
        by = self.coordinator()
        for alert in Alert.objects.filter(
            scheme=self.scheme, acknowledged_at__isnull=True
        ).select_related("assignment", "concern", "scheduled_call", "episode"):
            if alert.kind == AlertKind.CONCERN and self.rng.random() < 0.3:
                continue  # busy: left for a later round (the sweep alerts again)
            if alert.kind == AlertKind.OFFER_UNANSWERED:
                if alert.assignment.status == AssignmentStatus.OFFERED:
                    assignment_withdraw(assignment=alert.assignment, by=by, reason="No answer")
                    self.counts["offers withdrawn unanswered"] += 1
                    self.at(timezone.now() + timedelta(minutes=5), self.offer, alert.episode)
            elif alert.kind == AlertKind.DBS_LAPSED:
                # The recheck is not back: the client goes to another volunteer.
                if alert.assignment.status == AssignmentStatus.ACCEPTED:
                    assignment_end(assignment=alert.assignment, by=by, reason="Recheck not back")
                    self.counts["supports handed over after a lapsed check"] += 1
                    self.at(timezone.now() + timedelta(minutes=5), self.offer, alert.episode)
            elif alert.kind == AlertKind.OVERDUE_CALL:
                call = alert.scheduled_call
                call.refresh_from_db()
                if call.status == CallStatus.OVERDUE and alert.episode.status in RUNNING_STATUSES:
                    contact_log(
                        episode=alert.episode, by=by, kind=CallKind.CALL,
                        happened_at=timezone.now(), answered=True, duration_minutes=10,
                    )  # fmt: skip
                    self.counts["overdue calls made by a coordinator"] += 1
            elif alert.kind == AlertKind.REVIEW_DUE:
                episode = alert.episode
                episode.refresh_from_db()
                if episode.status == EpisodeStatus.IN_REVIEW and self.rng.random() < 0.3:
                    episode_extend(episode=episode, weeks=2, reason="Still settling", by=by)
                    self.counts["episodes extended"] += 1
            with suppress(EpisodeActionRefused):  # acknowledged with its concern just now
                alert_acknowledge(alert=alert, by=by)

    def close_ended(self):
        today = timezone.localdate()
        for episode in SupportEpisode.objects.filter(
            scheme=self.scheme, status__in=[*RUNNING_STATUSES, EpisodeStatus.SUSPENDED]
        ).exclude(start_date__isnull=True):
            if episode.planned_end < today:
                by = self.coordinator()
                # Support does not close over a worry nobody has answered (H18): each open
                # concern is dealt with and closed first.
                for concern in episode.concerns.exclude(status=ConcernStatus.CLOSED):
                    concern_close(concern=concern, by=by, action_taken="Rang them: settled")
                    self.counts["concerns closed before closing support"] += 1
                if episode.status == EpisodeStatus.SUSPENDED:
                    outcome = ExitOutcome.READMITTED
                elif episode.contacts.filter(answered=True).exists():
                    outcome = ExitOutcome.GOALS_MET
                else:
                    outcome = ExitOutcome.NO_CONTACT
                episode_close(episode=episode, outcome=outcome, by=by)
                self.counts["episodes closed"] += 1

    def readmit(self, episode):
        episode.refresh_from_db()
        if episode.status not in RUNNING_STATUSES:
            return
        episode_readmit(episode=episode, admitted_on=timezone.localdate(), source="ward",
                        reason="", by=self.coordinator())  # fmt: skip
        self.counts["readmissions"] += 1
        self.at(self.later(24 * 2, 24 * 10), self.return_home, episode)

    def return_home(self, episode):
        episode.refresh_from_db()
        try:
            episode_return_home(
                episode=episode, returned_on=timezone.localdate(), by=self.coordinator()
            )
            self.counts["returned home"] += 1
        except EpisodeActionRefused:
            self.counts["stayed in past the planned end"] += 1  # closed by close_ended

    def expiry_reminders(self):
        send_expiry_reminders()

    # --- The volunteers ---------------------------------------------------------------------

    def told(self, assignment):
        """Whether the offer's email has reached the volunteer."""
        return TAKEN.reached(assignment.volunteer.user.email, f"offer-made:{assignment.pk}")

    def answer_offer(self, assignment, answer):
        assignment.refresh_from_db()
        if assignment.status != AssignmentStatus.OFFERED:
            return
        if not self.told(assignment):
            self.at(timezone.now() + timedelta(hours=1), self.answer_offer, assignment, answer)
            return
        user = assignment.volunteer.user
        if answer == "accept":
            assignment_accept(assignment=assignment, by=user)
            self.counts["offers accepted"] += 1
        else:
            assignment_decline(assignment=assignment, by=user, reason="Away that week")
            self.counts["offers declined"] += 1
            self.at(self.on_duty(self.later(0.5, 3)), self.offer, assignment.episode)

    def volunteer_round(self, volunteer):
        """Once a day: make the calls due by this time tomorrow (most days); a call made up to
        three days early counts (visits.services.EARLY_ALLOWANCE)."""
        self.at(timezone.now() + timedelta(days=1, minutes=self.rng.uniform(-90, 90)),
                self.volunteer_round, volunteer)  # fmt: skip
        if self.rng.random() < 0.1:
            self.counts["volunteer days forgotten"] += 1
            return
        soon = timezone.now() + timedelta(days=1)
        for assignment in Assignment.objects.filter(
            volunteer=volunteer, status=AssignmentStatus.ACCEPTED,
            episode__status__in=RUNNING_STATUSES,
        ).select_related("episode"):  # fmt: skip
            due = assignment.episode.calls.filter(
                kind=CallKind.CALL,
                status__in=[CallStatus.PENDING, CallStatus.OVERDUE],
                due_at__lte=soon,
            )
            if not due.exists():
                continue
            answered = self.rng.random() < 0.85
            concern = None
            if answered and self.rng.random() < 0.05:
                concern = {
                    "category": "health",
                    "urgency": self.rng.choice(["today", "soon"]),
                    "description": "Seems more unwell than last time",
                }
            contact_log(
                episode=assignment.episode, by=volunteer.user, kind=CallKind.CALL,
                happened_at=timezone.now(), answered=answered,
                duration_minutes=20 if answered else 0, concern=concern,
            )  # fmt: skip
            self.counts["calls answered" if answered else "calls not answered"] += 1

    # --- The beat -----------------------------------------------------------------------------

    def in_outage(self, when):
        return self.outage[0] <= when < self.outage[1]

    def beat(self):
        now = timezone.now()
        if self.in_outage(now):
            self.beat_down.append((now, now + self.interval))
            return
        self.faults.in_beat = True
        try:
            sweeps.run_sweeps()
        except WorkerKilled:
            self.beat_down.append((now, now + self.interval))
            return
        finally:
            self.faults.in_beat = False
        self.check_nothing_missed(now)
        self.faults.in_beat = True
        try:
            dispatch()
        except WorkerKilled:
            pass  # the rows it claimed are taken again when the lease ends
        finally:
            self.faults.in_beat = False

    def check_nothing_missed(self, now):
        """Straight after a sweep that finished: no call is still waiting past its deadline
        (due time plus the scheme's grace) without having been made overdue and alerted."""
        grace = timedelta(hours=self.scheme.overdue_grace_hours)
        for call in ScheduledCall.objects.filter(
            episode__scheme=self.scheme, status=CallStatus.PENDING,
            episode__status__in=RUNNING_STATUSES, due_at__lt=now - grace,
        ).values_list("pk", flat=True):  # fmt: skip
            self.flagged_missed.setdefault(call, now)

    # --- Running ------------------------------------------------------------------------------

    def run(self):
        global FAULTS, TAKEN
        FAULTS, TAKEN = self.faults, Taken()
        original_apply_async = Task.apply_async
        faults = self.faults

        def apply_async(task, *args, **kwargs):
            if faults.broker_down:
                raise OperationalError("Error 111 connecting to the broker. Connection refused.")
            return original_apply_async(task, *args, **kwargs)

        Task.apply_async = apply_async
        wrapped = sweeps.queue_messages_from

        def queue_then_maybe_die(*args, **kwargs):
            written = wrapped(*args, **kwargs)
            faults.maybe_kill_sweep()  # inside the batch's transaction: it rolls back
            return written

        sweeps.queue_messages_from = queue_then_maybe_die
        wrapped_each = sweeps.queue_messages

        def queue_each_then_maybe_die(*args, **kwargs):
            written = wrapped_each(*args, **kwargs)
            faults.maybe_kill_sweep()
            return written

        sweeps.queue_messages = queue_each_then_maybe_die
        try:
            with time_machine.travel(self.start, tick=False) as traveller:
                self.set_up()
                while self.queue and self.queue[0][0] <= self.end:
                    when, _, action, args = heapq.heappop(self.queue)
                    traveller.move_to(when)
                    faults.broker_down = self.in_outage(when)
                    action(*args)
                # The end: the broker is up; the last messages go.
                faults.broker_down = False
                traveller.move_to(self.end + timedelta(hours=4))
                dispatch()
                return self.findings(TAKEN)
        finally:
            Task.apply_async = original_apply_async
            sweeps.queue_messages_from = wrapped
            sweeps.queue_messages = wrapped_each
            FAULTS = TAKEN = None

    # --- What it proves -----------------------------------------------------------------------

    def downtime(self, since, until):
        """How long the beat was down or its sweep killed between `since` and `until`."""
        return sum(
            (min(to, until) - max(start, since) for start, to in self.beat_down
             if start < until and to > since),
            timedelta(),
        )  # fmt: skip

    def findings(self, taken):
        found = Findings(counts=self.counts + Counter(
            {"sweeps killed": self.faults.sweeps_killed,
             "workers killed while sending": self.faults.kills_while_sending,
             "outage hours": (self.outage[1] - self.outage[0]).total_seconds() / 3600},
        ))  # fmt: skip
        last_deadline = self.end - self.interval
        grace = timedelta(hours=self.scheme.overdue_grace_hours)
        episodes = SupportEpisode.objects.filter(scheme=self.scheme)
        found.episodes = episodes.count()
        found.silently_missed = sorted(self.flagged_missed)

        alerts = {
            alert.scheduled_call_id: alert
            for alert in Alert.objects.filter(scheme=self.scheme, kind=AlertKind.OVERDUE_CALL)
        }
        calls = ScheduledCall.objects.filter(episode__scheme=self.scheme, due_at__lte=last_deadline)
        for call in calls:
            found.calls_fell_due += 1
            alert = alerts.get(call.pk)
            if call.is_first:
                found.first_calls["escalated" if alert else call.get_status_display().lower()] += 1
            if alert is None:
                continue
            deadline = call.due_at + grace
            delay = alert.created_at - deadline
            found.escalation_minutes.append(round(delay.total_seconds() / 60))
            if delay > self.interval + self.downtime(deadline, alert.created_at):
                found.late_escalations.append(call.pk)
            elif delay > self.interval:
                found.held_up_by_faults += 1

        found.emails = sum(taken.count.values())
        found.resent_same_id = sum(n - 1 for n in taken.count.values() if n > 1)
        for message in Message.objects.filter(scheme_id=self.scheme.pk).exclude(
            status=MessageStatus.NOT_NEEDED
        ):
            if message.status != MessageStatus.SENT or not taken.count[message_id(message.key)]:
                found.undelivered.append(message.key)
        reminders = Counter(
            message.ids["call_id"]
            for message in Message.objects.filter(kind="call_reminder", scheme_id=self.scheme.pk)
        )
        found.duplicate_reminders = [call for call, n in reminders.items() if n > 1]

        for assignment in Assignment.objects.filter(episode__scheme=self.scheme).select_related(
            "volunteer__user"
        ):
            found.offers += 1
            told = self.told(assignment)
            withdrawn_first = assignment.status == AssignmentStatus.WITHDRAWN and not told
            if not told and not withdrawn_first:
                found.offers_untold.append(assignment.pk)

        realerted = {}  # concern id: when it was alerted again, from the keys the sweep wrote
        for key, created_at in Message.objects.filter(
            scheme_id=self.scheme.pk, kind="concern_raised", key__startswith="concern-again:"
        ).values_list("key", "created_at"):
            realerted.setdefault(int(key.split(":")[1]), []).append(created_at)
        for concern in Concern.objects.filter(episode__scheme=self.scheme):
            found.concerns += 1
            if concern.status == ConcernStatus.OPEN:
                found.counts["concerns still open at the end"] += 1
            wait = REALERT_AFTER.get(concern.urgency)
            if wait is None:
                continue
            alerted = sorted([concern.raised_at, *realerted.get(concern.pk, [])])
            until = concern.acknowledged_at or self.end
            for since, then in zip(alerted, [*alerted[1:], until], strict=True):
                if then - since > wait + self.interval + self.downtime(since, then):
                    found.concerns_unalerted.append(concern.pk)
                    break

        expiry_keys = list(
            Message.objects.filter(kind="expiry_reminder", scheme_id=self.scheme.pk).values_list(
                "key", flat=True
            )
        )
        for volunteer in self.volunteers:
            if volunteer.pk in self.lapsing and not any(
                taken.reached(volunteer.user.email, key) for key in expiry_keys
            ):
                found.lapsed_unwarned.append(volunteer.pk)
        found.lapsed_unalerted = self.lapsed_unalerted()
        return found

    def lapsed_unalerted(self):
        """Supports that went on past their volunteer's recheck date without the coordinators
        alerted within a sweep interval (plus the time the beat was down) of the lapse."""
        alerted = dict(
            Alert.objects.filter(scheme=self.scheme, kind=AlertKind.DBS_LAPSED).values_list(
                "assignment_id", "created_at"
            )
        )
        unalerted = []
        for assignment in Assignment.objects.filter(
            volunteer_id__in=self.lapsing, responded_at__isnull=False,
            status__in=[AssignmentStatus.ACCEPTED, AssignmentStatus.ENDED],
        ):  # fmt: skip
            lapsed = timezone.make_aware(
                datetime.combine(
                    self.lapsing[assignment.volunteer_id] + timedelta(days=1), datetime.min.time()
                )
            )
            since = max(lapsed, assignment.responded_at)
            until = alerted.get(assignment.pk) or assignment.ended_at or self.end
            if until - since > self.interval + self.downtime(since, until):
                unalerted.append(assignment.pk)
        return unalerted
