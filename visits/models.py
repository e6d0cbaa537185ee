"""Support episodes: the weeks of help after discharge, the volunteer assigned to each, their
call schedule, contacts, concerns, alerts to coordinators, readmissions, and onward referrals."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aligns.accounts.models import Role
from aligns.expressions import AssumedDischargeAt, SecondsBetween
from volunteers.models import dbs_current

# No episode may be planned longer than this, whatever the extensions.
MAX_EPISODE_WEEKS = 8
# The week in which a coordinator is prompted to review the episode: at its start.
REVIEW_WEEK = 6
REVIEW_AFTER = timedelta(weeks=REVIEW_WEEK - 1)


class EpisodeStatus(models.TextChoices):
    AWAITING_DISCHARGE = "awaiting_discharge", pgettext_lazy("episode status", "Awaiting discharge")
    ACTIVE = "active", pgettext_lazy("episode status", "Active")
    IN_REVIEW = "in_review", pgettext_lazy("episode status", "In review")
    EXTENDED = "extended", pgettext_lazy("episode status", "Extended")
    SUSPENDED = "suspended", pgettext_lazy("episode status", "Suspended (readmitted)")
    CLOSED = "closed", pgettext_lazy("episode status", "Closed")


# An episode's figures kept by visits.figures (or, the seconds to its first contact, by the
# database) rather than changed by anyone: its first contact, and what the board sorts by.
BOARD_FIGURES = ["overdue_calls", "open_concerns", "next_call_due_at"]
KEPT_EPISODE_FIGURES = ["first_contact_at", "first_contact_seconds", *BOARD_FIGURES]

# Statuses in which a client is the scheme's current responsibility.
OPEN_EPISODE_STATUSES = [
    EpisodeStatus.AWAITING_DISCHARGE,
    EpisodeStatus.ACTIVE,
    EpisodeStatus.IN_REVIEW,
    EpisodeStatus.EXTENDED,
    EpisodeStatus.SUSPENDED,
]
# Statuses in which calls are made.
RUNNING_STATUSES = [EpisodeStatus.ACTIVE, EpisodeStatus.IN_REVIEW, EpisodeStatus.EXTENDED]

EPISODE_TRANSITIONS = {
    EpisodeStatus.AWAITING_DISCHARGE: {EpisodeStatus.ACTIVE, EpisodeStatus.CLOSED},
    EpisodeStatus.ACTIVE: {
        EpisodeStatus.IN_REVIEW,
        EpisodeStatus.EXTENDED,
        EpisodeStatus.SUSPENDED,
        EpisodeStatus.CLOSED,
    },
    EpisodeStatus.IN_REVIEW: {
        EpisodeStatus.EXTENDED,
        EpisodeStatus.SUSPENDED,
        EpisodeStatus.CLOSED,
    },
    EpisodeStatus.EXTENDED: {EpisodeStatus.SUSPENDED, EpisodeStatus.CLOSED},
    EpisodeStatus.SUSPENDED: {
        EpisodeStatus.ACTIVE,
        EpisodeStatus.IN_REVIEW,
        EpisodeStatus.EXTENDED,
        EpisodeStatus.CLOSED,
    },
    EpisodeStatus.CLOSED: set(),
}


class ExitOutcome(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    LONGER_TERM_SUPPORT = "longer_term", _("Moved to longer-term support")
    READMITTED = "readmitted", _("Readmitted")
    DECLINED = "declined", _("Declined further support")
    MOVED_AWAY = "moved_away", _("Moved away")
    DIED = "died", _("Died")
    NO_CONTACT = "no_contact", _("No contact")


class SupportEpisodeQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.scheme_id:
            return self.none()
        if user.role in (Role.COORDINATOR, Role.MANAGER):
            return self.filter(scheme_id=user.scheme_id)
        if user.role == Role.VOLUNTEER:
            # Only while they support it: access ends when the episode closes.
            return self.filter(
                scheme_id=user.scheme_id,
                status__in=OPEN_EPISODE_STATUSES,
                assignments__volunteer__user=user,
                assignments__status=AssignmentStatus.ACCEPTED,
            )
        return self.none()

    def open(self):
        return self.filter(status__in=OPEN_EPISODE_STATUSES)


class SupportEpisode(models.Model):
    scheme = models.ForeignKey(
        "accounts.Scheme", on_delete=models.PROTECT, related_name="support_episodes"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="support_episodes"
    )
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="support_episode"
    )
    status = models.CharField(
        max_length=30, choices=EpisodeStatus.choices, default=EpisodeStatus.AWAITING_DISCHARGE
    )
    start_date = models.DateField(
        null=True, blank=True, help_text="The day the client went home: support starts then."
    )
    planned_weeks = models.PositiveSmallIntegerField(default=6)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="episodes_opened"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    exit_outcome = models.CharField(max_length=20, choices=ExitOutcome.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    review_prompted_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When someone first spoke with the client (kept by visits.figures).",
    )
    # Seconds from discharge (its assumed moment: local midday, as the call schedule assumes)
    # to that first contact, negative if it came before; what the reports judge the
    # first-contact window by. The database works it out whenever either changes, so a
    # quarter's share contacted in time compares a number a row rather than working out a
    # local time a row.
    first_contact_seconds = models.GeneratedField(
        expression=SecondsBetween(AssumedDischargeAt("start_date"), "first_contact_at"),
        output_field=models.FloatField(),
        db_persist=True,
    )
    # What the episodes board sorts by, kept from the episode's calls and concerns each time
    # one changes (visits.figures.needs_kept): counted on each load for every open episode,
    # the board would grow with the scheme.
    overdue_calls = models.PositiveIntegerField(default=0, editable=False)
    open_concerns = models.PositiveIntegerField(default=0, editable=False)
    next_call_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Kept figures, worked out from the contacts, calls and concerns: not changes anyone made.
    history = HistoricalRecords(excluded_fields=KEPT_EPISODE_FIGURES)
    objects = SupportEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            # The reports' and the dashboard's discharges in a period, and how many were
            # contacted in time: counted from the index alone.
            models.Index(
                fields=["scheme", "start_date", "first_contact_seconds"],
                name="episode_discharged",
            ),
            models.Index(fields=["scheme", "status"], name="episode_scheme_status"),
            # The clients supported in a period (reports.figures.supported_episodes): counted
            # from the index alone, never from the rows.
            models.Index(
                fields=["scheme", "closed_on", "start_date", "client"], name="episode_supported"
            ),
            # The episodes board's order (visits.views.board), read a page at a time.
            models.Index(
                "scheme",
                models.F("overdue_calls").desc(),
                models.F("open_concerns").desc(),
                # Ascending puts nulls last in PostgreSQL, as the board's order asks (SQLite
                # takes no NULLS LAST in an index).
                models.F("next_call_due_at").asc(),
                "id",
                condition=models.Q(status__in=OPEN_EPISODE_STATUSES),
                name="episode_board_order",
            ),
        ]

    def __str__(self):
        return f"Support for {self.client} ({self.get_status_display().lower()})"

    def save(self, *args, **kwargs):
        # The kept figures are written only by visits.figures, in one UPDATE from the rows
        # they count: a copy of the episode read before they last changed must not put the
        # old ones back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in KEPT_EPISODE_FIGURES
            ]
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.status in OPEN_EPISODE_STATUSES

    @property
    def planned_end(self):
        """The last day of planned support."""
        if self.start_date is None:
            return None
        return self.start_date + timedelta(weeks=self.planned_weeks) - timedelta(days=1)

    @property
    def weeks_left_to_extend(self):
        """How many weeks support can still be extended by: MAX_EPISODE_WEEKS in all."""
        return max(MAX_EPISODE_WEEKS - self.planned_weeks, 0)

    @property
    def review_due_on(self):
        if self.start_date is None:
            return None
        return self.start_date + REVIEW_AFTER


class AssignmentStatus(models.TextChoices):
    OFFERED = "offered", pgettext_lazy("offer status", "Offered")
    ACCEPTED = "accepted", pgettext_lazy("offer status", "Accepted")
    DECLINED = "declined", pgettext_lazy("offer status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("offer status", "Withdrawn by the scheme")
    ENDED = "ended", pgettext_lazy("offer status", "Ended")


# Assignments that take up a place in the volunteer's caseload.
LIVE_ASSIGNMENT_STATUSES = [AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED]


class AssignmentQuerySet(models.QuerySet):
    def live(self):
        """Offered or accepted, on an open episode: a place in the volunteer's caseload."""
        return self.filter(
            status__in=LIVE_ASSIGNMENT_STATUSES, episode__status__in=OPEN_EPISODE_STATUSES
        )

    def supporting(self, today):
        """Accepted: the volunteer supporting the client, with whether their DBS check is
        current on `today` (dbs_current), which home visits wait for (visit_refusal)."""
        return (
            self.filter(status=AssignmentStatus.ACCEPTED)
            .select_related("volunteer")
            .annotate(dbs_current=dbs_current(today, "volunteer"))
        )


def with_caseload(volunteers):
    """`volunteers` (a Volunteer queryset) annotated with active_clients: how many clients each
    is offered or supporting now."""
    return volunteers.annotate(
        active_clients=Count(
            "assignments",
            filter=Q(assignments__status__in=LIVE_ASSIGNMENT_STATUSES)
            & Q(assignments__episode__status__in=OPEN_EPISODE_STATUSES),
            distinct=True,
        )
    )


ASSIGNMENT_TRANSITIONS = {
    AssignmentStatus.OFFERED: {
        AssignmentStatus.ACCEPTED,
        AssignmentStatus.DECLINED,
        AssignmentStatus.WITHDRAWN,
    },
    AssignmentStatus.ACCEPTED: {AssignmentStatus.ENDED},
    AssignmentStatus.DECLINED: set(),
    AssignmentStatus.WITHDRAWN: set(),
    AssignmentStatus.ENDED: set(),
}


class Assignment(models.Model):
    """A volunteer offered (and, once they accept, supporting) one support episode."""

    episode = models.ForeignKey(
        SupportEpisode, on_delete=models.PROTECT, related_name="assignments"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="assignments"
    )
    status = models.CharField(
        max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.OFFERED
    )
    phone_only = models.BooleanField(
        default=False, help_text="Phone support only: no home visits (high risk, not yet cleared)."
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    offered_at = models.DateTimeField(default=timezone.now)
    # The volunteer's own answer (accepted or declined).
    responded_at = models.DateTimeField(null=True, blank=True)
    # When and by whom the scheme stopped it: an offer withdrawn, a support handed over or
    # ended with its episode. Kept apart from the answer, so the record shows both.
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The volunteer's reason for declining, or the scheme's for withdrawing or ending.
    decline_reason = models.TextField(blank=True)

    # The tables keep the names they had when assignments lived with volunteers.
    history = HistoricalRecords(table_name="volunteers_historicalassignment")
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        db_table = "volunteers_assignment"
        ordering = ["-offered_at", "-pk"]
        # The sweep for offers nobody has answered.
        indexes = [models.Index(fields=["status", "offered_at"], name="assignment_status_offered")]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(status__in=LIVE_ASSIGNMENT_STATUSES),
                name="one_live_assignment_per_episode",
            )
        ]

    # The reason the code gives when support ends with an offer unanswered; the volunteer's
    # or coordinator's own reasons are kept as they wrote them.
    ENDED_BEFORE_ANSWER = gettext_noop("Support ended before an answer")

    def __str__(self):
        # Translators: a volunteer's offer: "Ann Lee for Mr B Jones (accepted)".
        return gettext("%(volunteer)s for %(client)s (%(status)s)") % {
            "volunteer": self.volunteer,
            "client": self.episode.client,
            "status": self.get_status_display().lower(),
        }

    @property
    def decline_reason_shown(self):
        """Why the offer was declined or withdrawn, in the reader's language where the code
        gave the reason."""
        if self.decline_reason == self.ENDED_BEFORE_ANSWER:
            return gettext(self.decline_reason)
        return self.decline_reason


class Extension(models.Model):
    episode = models.ForeignKey(SupportEpisode, on_delete=models.CASCADE, related_name="extensions")
    weeks = models.PositiveSmallIntegerField()
    reason = models.TextField()
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    extended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["extended_at"]

    def __str__(self):
        return f"Extended by {self.weeks} weeks"


class ReadmissionSource(models.TextChoices):
    CLIENT = "client", _("The client")
    FAMILY = "family", _("Family")
    WARD = "ward", _("The ward")
    VOLUNTEER = "volunteer", _("The volunteer")


class Readmission(models.Model):
    episode = models.ForeignKey(
        SupportEpisode, on_delete=models.CASCADE, related_name="readmissions"
    )
    admitted_on = models.DateField()
    source = models.CharField(_("who told us"), max_length=20, choices=ReadmissionSource.choices)
    reason = models.TextField(blank=True)
    returned_home_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["admitted_on", "pk"]

    def __str__(self):
        return f"Readmitted on {self.admitted_on}"


class CallKind(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Home visit")


class CallStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("call status", "Due")
    DONE = "done", pgettext_lazy("call status", "Done")
    OVERDUE = "overdue", pgettext_lazy("call status", "Overdue")
    PAUSED = "paused", pgettext_lazy("call status", "Paused (readmitted)")
    CANCELLED = "cancelled", pgettext_lazy("call status", "Cancelled")


# Calls still to be made: the sweeps look at these.
OUTSTANDING_CALL_STATUSES = [CallStatus.PENDING, CallStatus.OVERDUE]

# A call is made (done), missed (overdue, still to make), paused while the client is back in
# hospital, or cancelled when the plan changes. Done and cancelled are final.
CALL_TRANSITIONS = {
    CallStatus.PENDING: {
        CallStatus.DONE,
        CallStatus.OVERDUE,
        CallStatus.PAUSED,
        CallStatus.CANCELLED,
    },
    CallStatus.OVERDUE: {CallStatus.DONE, CallStatus.PAUSED, CallStatus.CANCELLED},
    CallStatus.PAUSED: {CallStatus.CANCELLED},
    CallStatus.DONE: set(),
    CallStatus.CANCELLED: set(),
}


class ScheduledCall(models.Model):
    """A call or visit that falls due: rows are the truth, so a lost message loses nothing."""

    episode = models.ForeignKey(SupportEpisode, on_delete=models.CASCADE, related_name="calls")
    kind = models.CharField(max_length=10, choices=CallKind.choices, default=CallKind.CALL)
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=CallStatus.choices, default=CallStatus.PENDING)
    is_first = models.BooleanField(default=False, help_text="The first call after discharge.")
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Who planned a visit (calls are planned by the schedule).",
    )

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            # The reminder sweep's claim: only the calls still to remind, so each batch
            # finds the next without passing those just reminded.
            models.Index(
                fields=["due_at", "id"],
                name="calls_to_remind",
                condition=models.Q(status="pending", reminded_at__isnull=True),
            ),
            # The board's overdue count and next call per episode: only the calls still to
            # make, so its cost follows the open episodes, not every call ever planned.
            models.Index(
                fields=["episode", "status", "due_at"],
                name="calls_outstanding",
                condition=models.Q(status__in=OUTSTANDING_CALL_STATUSES),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} due {self.due_at:%Y-%m-%d %H:%M}"


class Wellbeing(models.IntegerChoices):
    VERY_LOW = 1, _("Very low")
    LOW = 2, _("Low")
    OK = 3, _("Okay")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")


class Contact(models.Model):
    """A call or visit as it happened, logged by the volunteer (or a coordinator)."""

    episode = models.ForeignKey(SupportEpisode, on_delete=models.PROTECT, related_name="contacts")
    scheduled_call = models.OneToOneField(
        ScheduledCall, on_delete=models.SET_NULL, null=True, blank=True, related_name="contact"
    )
    kind = models.CharField(max_length=10, choices=CallKind.choices)
    happened_at = models.DateTimeField()
    answered = models.BooleanField(help_text="For a call: did the client answer?")
    duration_minutes = models.PositiveSmallIntegerField(default=0)
    activities = models.ManyToManyField("catalogues.Need", blank=True, related_name="contacts")
    wellbeing = models.PositiveSmallIntegerField(choices=Wellbeing.choices, null=True, blank=True)
    notes = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-happened_at", "-pk"]
        indexes = [
            # The first successful contact after discharge (the 72-hour figure in reports).
            models.Index(
                fields=["episode", "happened_at"],
                condition=models.Q(answered=True),
                name="contact_first_answered",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.happened_at:%Y-%m-%d}"


class ContactDay(models.Model):
    """One scheme's calls and visits on one day (UK time, by when they happened), kept by
    visits.figures as each is logged, so that a quarter's totals are a sum of days rather
    than a scan of every contact. A figure, not a record of a person: retention leaves it."""

    scheme = models.ForeignKey("accounts.Scheme", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    contacts = models.PositiveIntegerField(default=0)
    successful = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0)
    # Of those, the phone calls (the rest are home visits).
    calls = models.PositiveIntegerField(default=0)
    calls_successful = models.PositiveIntegerField(default=0)
    call_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "day"], name="one_contact_day_per_scheme")
        ]

    def __str__(self):
        return f"{self.day}: {self.contacts} calls and visits"


class ActivityDay(models.Model):
    """How many of one scheme's calls and visits on one day included an activity (kept with
    ContactDay)."""

    scheme = models.ForeignKey("accounts.Scheme", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    need = models.ForeignKey("catalogues.Need", on_delete=models.CASCADE, related_name="+")
    contacts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "day", "need"], name="one_activity_day_per_scheme"
            )
        ]

    def __str__(self):
        return f"{self.day}: {self.contacts} with {self.need_id}"


class LoggerDay(models.Model):
    """Someone who logged calls or visits for a scheme on a day, and their minutes (kept with
    ContactDay): the report's active volunteers and volunteer hours are a sum of the rows of
    those whose role is volunteer, as counting the contacts would give."""

    scheme = models.ForeignKey("accounts.Scheme", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    contacts = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "day", "logged_by"], name="one_logger_day_per_scheme"
            )
        ]

    def __str__(self):
        return f"{self.day}: {self.contacts} logged by {self.logged_by_id}"


class DischargeDay(models.Model):
    """One scheme's discharges on one day (the day support started) and how many of them were
    first contacted within the scheme's first-contact window, kept by visits.figures whenever
    an episode's start or first contact changes, so that the dashboard's share contacted in
    time is a sum of some ninety days, not a count of the quarter's episodes. `window_hours`
    is the window they were judged by: a day judged by another is counted again when read.
    A figure, not a record of a person: retention leaves it."""

    scheme = models.ForeignKey("accounts.Scheme", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    window_hours = models.PositiveSmallIntegerField()
    discharged = models.PositiveIntegerField(default=0)
    contacted_in_time = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "day"], name="one_discharge_day_per_scheme")
        ]

    def __str__(self):
        return f"{self.day}: {self.contacted_in_time} of {self.discharged} contacted in time"


class SchemeFigures(models.Model):
    """What the dashboard shows of one scheme that cannot be added up by day: how many
    episodes of support are open, and how many clients have had support open on a day since
    `since` (the start of the quarter under way when the dashboard last read them). Kept by
    visits.figures whenever support starts, closes or has its start corrected: counting them
    on each load grows with the scheme."""

    scheme = models.OneToOneField(
        "accounts.Scheme", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    since = models.DateField()
    clients_supported = models.PositiveIntegerField(default=0)
    open_episodes = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.open_episodes} open; {self.clients_supported} clients since {self.since}"


class ConcernCategory(models.TextChoices):
    SAFEGUARDING = "safeguarding", _("Safeguarding")
    HEALTH = "health", _("Health getting worse")
    NOT_COPING = "not_coping", _("Not coping at home")
    NO_ANSWER = "no_answer", _("No answer")
    OTHER = "other", _("Something else")


class Urgency(models.TextChoices):
    TODAY = "today", _("Needs action today")
    SOON = "soon", _("Needs action within 2 working days")


# How long a concern may wait for acknowledgement before coordinators are told again.
REALERT_AFTER = {Urgency.TODAY: timedelta(hours=1), Urgency.SOON: timedelta(hours=8)}


class ConcernStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("concern status", "Open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("concern status", "Acknowledged")
    CLOSED = "closed", pgettext_lazy("concern status", "Closed")


CONCERN_TRANSITIONS = {
    ConcernStatus.OPEN: {ConcernStatus.ACKNOWLEDGED, ConcernStatus.CLOSED},
    ConcernStatus.ACKNOWLEDGED: {ConcernStatus.CLOSED},
    ConcernStatus.CLOSED: set(),
}


class Concern(models.Model):
    episode = models.ForeignKey(SupportEpisode, on_delete=models.PROTECT, related_name="concerns")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns"
    )
    category = models.CharField(max_length=20, choices=ConcernCategory.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.TODAY)
    description = models.TextField()
    status = models.CharField(
        max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    raised_at = models.DateTimeField(default=timezone.now)
    last_alerted_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    action_taken = models.TextField(blank=True)
    escalated_to = models.CharField(_("escalated to an NHS partner"), max_length=200, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            # The board's open concerns per episode, without reading the closed ones.
            models.Index(
                fields=["episode"], condition=~models.Q(status="closed"), name="concerns_open"
            )
        ]

    # What the automatic concerns say (two unanswered calls in a row, nobody at the door of
    # a home visit); a volunteer's own description is kept as they wrote it.
    NO_ANSWER_TWICE = gettext_noop("No answer to two calls in a row. Check the client is safe.")
    NO_ANSWER_AT_VISIT = gettext_noop("No answer at a home visit. Check the client is safe.")

    def __str__(self):
        return gettext("%(category)s concern about %(client)s") % {
            "category": self.get_category_display(),
            "client": self.episode.client,
        }

    @property
    def description_shown(self):
        """The description in the reader's language where the code wrote it."""
        if self.description in (self.NO_ANSWER_TWICE, self.NO_ANSWER_AT_VISIT):
            return gettext(self.description)
        return self.description


class AlertKind(models.TextChoices):
    OVERDUE_CALL = "overdue_call", _("Call overdue")
    CONCERN = "concern", _("Concern raised")
    REVIEW_DUE = "review_due", _("Week-6 review due")
    OFFER_UNANSWERED = "offer_unanswered", _("Offer not answered")
    DBS_LAPSED = "dbs_lapsed", _("DBS check due for renewal")


class AlertQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.role in (Role.COORDINATOR, Role.MANAGER):
            return self.filter(scheme_id=user.scheme_id)
        return self.none()

    def open(self):
        return self.filter(acknowledged_at__isnull=True)


class Alert(models.Model):
    """Something a coordinator must act on, on their work queue until acknowledged."""

    scheme = models.ForeignKey("accounts.Scheme", on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    episode = models.ForeignKey(SupportEpisode, on_delete=models.CASCADE, related_name="alerts")
    scheduled_call = models.ForeignKey(
        ScheduledCall, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The alerts page and the header's count: a scheme's alerts not yet acknowledged,
            # newest first, without reading those dealt with.
            models.Index(
                "scheme",
                models.F("created_at").desc(),
                name="alerts_open",
                condition=models.Q(acknowledged_at__isnull=True),
            )
        ]
        constraints = [
            # One alert per overdue call and per concern, however often the sweeps run.
            models.UniqueConstraint(
                fields=["kind", "scheduled_call"],
                condition=models.Q(scheduled_call__isnull=False),
                name="one_alert_per_call",
            ),
            models.UniqueConstraint(
                fields=["kind", "concern"],
                condition=models.Q(concern__isnull=False),
                name="one_alert_per_concern",
            ),
            models.UniqueConstraint(
                fields=["kind", "assignment"],
                condition=models.Q(assignment__isnull=False),
                name="one_alert_per_offer",
            ),
        ]

    def __str__(self):
        return self.message

    @property
    def shown(self):
        """The alert in the reader's language, made again from what it points at. `message`
        keeps the words as they were written when it was raised, in the language of that
        moment, for the record (and for an alert whose call or concern has gone)."""
        client = self.episode.client
        if self.kind == AlertKind.OVERDUE_CALL and self.scheduled_call:
            words = {
                "kind": self.scheduled_call.get_kind_display(),
                "client": client,
                "due": dateformat.format(timezone.localtime(self.scheduled_call.due_at), "j M H:i"),
            }
            # What happened since is said, not an overdue call that no longer is.
            if self.scheduled_call.status == CallStatus.DONE:
                return (
                    gettext("%(kind)s to %(client)s was overdue (due %(due)s): made since") % words
                )
            if self.scheduled_call.status == CallStatus.PAUSED:
                return (
                    gettext(
                        "%(kind)s to %(client)s was overdue (due %(due)s): paused while they are "
                        "back in hospital"
                    )
                    % words
                )
            if self.scheduled_call.status not in OUTSTANDING_CALL_STATUSES:
                return gettext(
                    "%(kind)s to %(client)s was overdue (due %(due)s): no longer due (%(status)s)"
                ) % {**words, "status": self.scheduled_call.get_status_display().lower()}
            return gettext("%(kind)s to %(client)s is overdue (due %(due)s)") % words
        if self.kind == AlertKind.CONCERN and self.concern:
            return gettext("%(category)s concern about %(client)s") % {
                "category": self.concern.get_category_display(),
                "client": client,
            }
        if self.kind == AlertKind.OFFER_UNANSWERED and self.assignment:
            return gettext("%(volunteer)s has not answered the offer to support %(client)s") % {
                "volunteer": self.assignment.volunteer,
                "client": client,
            }
        if self.kind == AlertKind.DBS_LAPSED and self.assignment:
            named = {"volunteer": self.assignment.volunteer, "client": client}
            # What the coordinator did since is said, not the hold that no longer is: the
            # support handed over (or ended with the episode), or the check renewed (known
            # where the alerts were read with check_renewed, as the work queue reads them).
            if self.assignment.status != AssignmentStatus.ACCEPTED:
                return (
                    gettext(
                        "The DBS check of %(volunteer)s was due for renewal: they no longer "
                        "support %(client)s"
                    )
                    % named
                )
            if getattr(self, "check_renewed", False):
                return (
                    gettext(
                        "The DBS check of %(volunteer)s, who supports %(client)s, was due for "
                        "renewal and has been renewed since"
                    )
                    % named
                )
            return (
                gettext(
                    "The DBS check of %(volunteer)s, who supports %(client)s, is due for renewal: "
                    "home visits are on hold"
                )
                % named
            )
        if self.kind == AlertKind.REVIEW_DUE:
            # The review answered since is said, as for the other alerts: a closed or extended
            # support's alert asking to "extend it or plan to close" sends a coordinator to
            # a decision already made.
            if self.episode.status == EpisodeStatus.CLOSED:
                return gettext(
                    "The support of %(client)s was due for review: closed since (%(outcome)s)"
                ) % {"client": client, "outcome": self.episode.get_exit_outcome_display().lower()}
            if self.episode.status == EpisodeStatus.EXTENDED:
                return gettext(
                    "The support of %(client)s was due for review: extended since, to "
                    "%(weeks)s weeks"
                ) % {"client": client, "weeks": self.episode.planned_weeks}
            return gettext("Review the support of %(client)s: extend it or plan to close") % {
                "client": client
            }
        return self.message


class ServiceCategory(models.TextChoices):
    TRANSPORT = "transport", _("Community transport")
    REPAIRS = "repairs", _("Repairs and adaptations")
    BENEFITS = "benefits", _("Benefits advice")
    BEFRIENDING = "befriending", _("Befriending and good neighbours")
    DAY_CENTRE = "day_centre", _("Day centres")
    CARERS = "carers", _("Carers' support")
    OTHER = "other", _("Other")


class CommunityServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        if (
            user.is_authenticated
            and user.scheme_id
            and user.role in (Role.COORDINATOR, Role.MANAGER)
        ):
            return self.filter(scheme_id=user.scheme_id)
        return self.none()


class CommunityService(models.Model):
    """The scheme's directory of local services to signpost or refer clients to."""

    scheme = models.ForeignKey(
        "accounts.Scheme", on_delete=models.CASCADE, related_name="community_services"
    )
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=ServiceCategory.choices)
    description = models.TextField(blank=True)
    area_covered = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The id in an Open Referral UK import, to update it."
    )

    history = HistoricalRecords()
    objects = CommunityServiceQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name"]

    def __str__(self):
        return self.name


class OnwardOutcome(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("onward referral outcome", "Waiting")
    ACCEPTED = "accepted", pgettext_lazy("onward referral outcome", "Accepted")
    DECLINED = "declined", pgettext_lazy("onward referral outcome", "Declined")


class OnwardReferral(models.Model):
    episode = models.ForeignKey(
        SupportEpisode, on_delete=models.PROTECT, related_name="onward_referrals"
    )
    service = models.ForeignKey(
        CommunityService, on_delete=models.PROTECT, related_name="onward_referrals"
    )
    referred_on = models.DateField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(
        max_length=10, choices=OnwardOutcome.choices, default=OnwardOutcome.WAITING
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-pk"]

    def __str__(self):
        return f"Referred to {self.service} on {self.referred_on}"
