"""Volunteers: profiles, the pipeline from application to active, vetting, training, and
postcode locations for matching. (Their assignments to support episodes are visits'.)"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from aligns.accounts.models import Role
from aligns.weekly_grid import describe


class Postcode(models.Model):
    """A full postcode's centre, imported from the ONS Postcode Directory (see import_postcodes)."""

    postcode = models.CharField(max_length=8, primary_key=True)
    district = models.CharField(max_length=4, db_index=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self):
        return self.postcode


class PostcodeDistrict(models.Model):
    """The centre of a postcode district (the part before the space), for unknown postcodes."""

    district = models.CharField(max_length=4, primary_key=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self):
        return self.district


class Stage(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("volunteer stage", "Applied")
    REFERENCES_RECEIVED = "references", pgettext_lazy("volunteer stage", "References received")
    DBS_CHECKED = "dbs_checked", pgettext_lazy("volunteer stage", "DBS checked")
    TRAINED = "trained", pgettext_lazy("volunteer stage", "Trained")
    ACTIVE = "active", pgettext_lazy("volunteer stage", "Active")
    PAUSED = "paused", pgettext_lazy("volunteer stage", "Paused")
    LEFT = "left", pgettext_lazy("volunteer stage", "Left")


# The pipeline's moves; services.volunteer_move enforces them.
STAGE_TRANSITIONS = {
    Stage.APPLIED: {Stage.REFERENCES_RECEIVED, Stage.LEFT},
    Stage.REFERENCES_RECEIVED: {Stage.DBS_CHECKED, Stage.LEFT},
    Stage.DBS_CHECKED: {Stage.TRAINED, Stage.LEFT},
    Stage.TRAINED: {Stage.ACTIVE, Stage.LEFT},
    Stage.ACTIVE: {Stage.PAUSED, Stage.LEFT},
    Stage.PAUSED: {Stage.ACTIVE, Stage.LEFT},
    Stage.LEFT: set(),
}


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("In another way")
    NOT_SAID = "", _("Prefers not to say")


class VolunteerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators and managers: the scheme's volunteers. A volunteer: only themselves."""
        if not user.is_authenticated or not user.scheme_id:
            return self.none()
        if user.role in (Role.COORDINATOR, Role.MANAGER):
            return self.filter(scheme_id=user.scheme_id)
        if user.role == Role.VOLUNTEER:
            return self.filter(scheme_id=user.scheme_id, user=user)
        return self.none()

    def with_checks_expiring(self, today, horizon):
        """Volunteers still volunteering whose latest DBS check is due for a recheck, or whose
        latest record of a mandatory course expires, between `today` and `horizon`.

        The same rule as the reminders (volunteers/services._expiring), counted in the
        database for the dashboard.
        """
        newer_dbs = DbsCheck.objects.filter(volunteer=OuterRef("volunteer")).filter(
            Q(issued_on__gt=OuterRef("issued_on"))
            | Q(issued_on=OuterRef("issued_on"), pk__gt=OuterRef("pk"))
        )
        dbs_due = DbsCheck.objects.filter(recheck_due__range=(today, horizon)).exclude(
            Exists(newer_dbs)
        )
        newer_training = TrainingRecord.objects.filter(
            volunteer=OuterRef("volunteer"),
            course=OuterRef("course"),
            completed_on__gt=OuterRef("completed_on"),
        )
        training_due = TrainingRecord.objects.filter(
            course__mandatory=True, expires_on__range=(today, horizon)
        ).exclude(Exists(newer_training))
        # From the few checks falling due (indexed by date) to their volunteers, not from
        # every volunteer of the scheme to their checks.
        due = (
            dbs_due.order_by()
            .values("volunteer")
            .union(training_due.order_by().values("volunteer"))
        )
        return self.filter(stage__in=[Stage.ACTIVE, Stage.PAUSED, Stage.TRAINED], pk__in=due)

    def with_vetting(self, today=None):
        """Annotate dbs_valid and training_current, in the database. (How many clients each
        supports is the episodes' to say: visits.models.with_caseload.)"""
        today = today or timezone.localdate()
        missing_training = TrainingCourse.objects.filter(
            scheme=OuterRef("scheme"), mandatory=True
        ).exclude(
            Exists(
                TrainingRecord.objects.filter(
                    volunteer=OuterRef(OuterRef("pk")), course=OuterRef("pk")
                ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            )
        )
        return self.annotate(
            dbs_valid=dbs_current(today), training_current=~Exists(missing_training)
        )


def dbs_current(today, volunteer="pk"):
    """Whether the volunteer (`volunteer`: the field of the outer query that names them) holds
    a DBS check whose recheck date is `today` or later: current on the date itself, lapsed from
    the day after. The one rule for matching, the volunteer's record and home visits
    (docs/safety hazard H14)."""
    return Exists(DbsCheck.objects.filter(volunteer=OuterRef(volunteer), recheck_due__gte=today))


class Volunteer(models.Model):
    scheme = models.ForeignKey(
        "accounts.Scheme", on_delete=models.PROTECT, related_name="volunteers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer",
        help_text="Their sign-in, once they have one.",
    )
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    postcode = models.CharField(_("home postcode"), max_length=8)
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    languages = models.CharField(
        max_length=200,
        default="English",
        help_text=_("Comma-separated, for example: English, Polish"),
    )
    skills = models.ManyToManyField("catalogues.Need", blank=True, related_name="volunteers")
    driver = models.BooleanField(_("drives and has a car"), default=False)
    car_insurance_confirmed = models.BooleanField(
        default=False, help_text=_("Business use for volunteering confirmed by their insurer.")
    )
    availability = models.PositiveIntegerField(
        default=0, help_text="A weekly grid as a bitmask: see aligns/weekly_grid.py."
    )
    max_active_clients = models.PositiveSmallIntegerField(default=2)
    preferences = models.TextField(blank=True)
    lived_experience = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Tags the volunteer chose to share, comma-separated."),
    )
    experienced = models.BooleanField(
        default=False, help_text=_("The scheme trusts them with high-risk clients.")
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.APPLIED)
    left_reason = models.TextField(blank=True)
    # Where they live, from the postcode table; district centre if the postcode is unknown.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_is_district = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(m2m_fields=[skills])
    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["scheme", "stage", "latitude", "longitude"]),
            # The volunteer list's order, so a page is read from the index (paginate first).
            models.Index(
                fields=["scheme", "family_name", "id"], name="volunteer_scheme_family_name"
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def contact_email(self):
        """Where emails to the volunteer go: their profile's address, else their sign-in's."""
        return self.email or (self.user.email if self.user_id else "")

    @property
    def language_list(self):
        return [language.strip() for language in self.languages.split(",") if language.strip()]

    @property
    def availability_text(self):
        return describe(self.availability)


class StageChange(models.Model):
    """Each move along the pipeline: when, by whom, and why (for leaving or pausing)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_on = models.DateField(default=timezone.localdate)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_on", "pk"]

    def __str__(self):
        return f"{self.volunteer}: {self.get_stage_display()} on {self.changed_on}"


class DbsLevel(models.TextChoices):
    BASIC = "basic", pgettext_lazy("DBS check level", "Basic")
    STANDARD = "standard", pgettext_lazy("DBS check level", "Standard")
    ENHANCED = "enhanced", pgettext_lazy("DBS check level", "Enhanced")
    ENHANCED_BARRED = (
        "enhanced_barred",
        pgettext_lazy("DBS check level", "Enhanced with adults' barred list"),
    )


class DbsCheck(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="dbs_checks")
    level = models.CharField(max_length=20, choices=DbsLevel.choices)
    certificate_number = models.CharField(max_length=20)
    issued_on = models.DateField()
    update_service = models.BooleanField(_("on the DBS update service"), default=False)
    recheck_due = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        # The checks falling due soon (Volunteer.with_checks_expiring, the reminders): a
        # few rows of the index, not every check of every volunteer.
        indexes = [models.Index(fields=["recheck_due"], name="dbs_recheck_due")]

    def __str__(self):
        return f"{self.get_level_display()} DBS, issued {self.issued_on}"


class Reference(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="references")
    referee_name = models.CharField(max_length=200)
    received_on = models.DateField()
    satisfactory = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    def __str__(self):
        return f"Reference from {self.referee_name}"


class TrainingCourse(models.Model):
    """The scheme's training catalogue; it marks which courses are mandatory."""

    scheme = models.ForeignKey("accounts.Scheme", on_delete=models.PROTECT, related_name="courses")
    name = models.CharField(max_length=200)
    mandatory = models.BooleanField(default=False)
    valid_for_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave blank if it never expires."
    )

    class Meta:
        ordering = ["-mandatory", "name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="course_name_unique_in_scheme")
        ]

    def __str__(self):
        return self.name


class TrainingRecord(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="training")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [models.Index(fields=["expires_on"], name="training_expires")]  # as above

    def __str__(self):
        return f"{self.course} completed {self.completed_on}"


class ExpiryReminder(models.Model):
    """A reminder sent for one expiry date: the row makes sending it twice impossible."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="reminders")
    subject = models.CharField(max_length=100, help_text="dbs:<id> or training:<id>")
    expires_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "subject", "expires_on"], name="one_reminder_per_expiry"
            )
        ]

    def __str__(self):
        return f"Reminder to {self.volunteer} about {self.subject} expiring {self.expires_on}"
