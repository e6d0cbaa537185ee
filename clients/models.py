"""Clients: the people the scheme supports, their consent, risk assessments, goals and
outcome measures."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aligns.accounts.models import Role
from aligns.nhs import format_nhs_number
from aligns.text import lower_first
from aligns.validators import is_plain_digits
from clients.assessment import QUESTIONS, RiskLevel, flags, score
from clients.instruments import INSTRUMENTS

# Words of a client search that count; the rest are ignored.
SEARCH_WORDS = 5


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators and managers see their scheme's clients; others none (for now)."""
        if not user.is_authenticated or not user.scheme_id:
            return self.none()
        if user.role in (Role.COORDINATOR, Role.MANAGER):
            return self.filter(scheme_id=user.scheme_id)
        return self.none()

    def search(self, text):
        text = (text or "").replace("\x00", "").strip()  # PostgreSQL refuses NUL characters
        if not text:
            return self
        digits = text.replace(" ", "")
        if is_plain_digits(digits):
            return self.filter(nhs_number__startswith=digits)
        query = models.Q()
        # A name is a few words: more is a paste gone wrong, and one condition per word
        # would soon be a query too deep for the database.
        for word in text.split()[:SEARCH_WORDS]:
            query &= models.Q(given_name__icontains=word) | models.Q(family_name__icontains=word)
        return self.filter(query)


class Person(models.Model):
    """Who a person is and how to reach them: the same fields, named the same, on the
    referral the ward sends (as the ward typed them) and on the client record the scheme
    keeps. A new client is made from a referral's (PERSON_FIELDS); retention removes them."""

    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField()
    nhs_number = models.CharField(_("NHS number"), max_length=10)
    nhs_number_verified = models.BooleanField(
        _("NHS number verified"),
        default=False,
        help_text=_("Traced against the national record. Numbers typed on a referral are not."),
    )
    address_line_1 = models.CharField(_("address line 1"), max_length=200)
    address_line_2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    town = models.CharField(_("town or city"), max_length=100)
    postcode = models.CharField(max_length=8)
    phone = models.CharField(max_length=30, blank=True)
    no_phone_reason = models.CharField(
        _("why there is no phone number"), max_length=200, blank=True,
        help_text=_("For example: in a care home, call the home's office."),
    )  # fmt: skip
    next_of_kin_name = models.CharField(_("next of kin or contact"), max_length=200, blank=True)
    next_of_kin_relationship = models.CharField(_("relationship"), max_length=100, blank=True)
    next_of_kin_phone = models.CharField(_("their phone"), max_length=30, blank=True)
    language = models.CharField(_("main language"), max_length=100, default="English")
    interpreter_needed = models.BooleanField(default=False)
    communication_notes = models.TextField(
        _("hearing, sight or other communication needs"), blank=True
    )

    class Meta:
        abstract = True

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def nhs_number_display(self):
        return format_nhs_number(self.nhs_number)


# The fields a person has wherever they are recorded, in the order of the Person model.
PERSON_FIELDS = [field.name for field in Person._meta.fields]


class Gender(models.TextChoices):
    """NHS Data Dictionary: Person Stated Gender Code. Blank: never asked."""

    MALE = "1", _("Male")
    FEMALE = "2", _("Female")
    INDETERMINATE = "9", _("Indeterminate (unable to be classified as male or female)")
    NOT_KNOWN = "X", _("Not known (not recorded)")


class EthnicCategory(models.TextChoices):
    """NHS Data Dictionary: Ethnic Category (2001 census categories). Blank: never asked."""

    WHITE_BRITISH = "A", _("White: British")
    WHITE_IRISH = "B", _("White: Irish")
    WHITE_OTHER = "C", _("White: any other White background")
    MIXED_WHITE_BLACK_CARIBBEAN = "D", _("Mixed: White and Black Caribbean")
    MIXED_WHITE_BLACK_AFRICAN = "E", _("Mixed: White and Black African")
    MIXED_WHITE_ASIAN = "F", _("Mixed: White and Asian")
    MIXED_OTHER = "G", _("Mixed: any other mixed background")
    ASIAN_INDIAN = "H", _("Asian or Asian British: Indian")
    ASIAN_PAKISTANI = "J", _("Asian or Asian British: Pakistani")
    ASIAN_BANGLADESHI = "K", _("Asian or Asian British: Bangladeshi")
    ASIAN_OTHER = "L", _("Asian or Asian British: any other Asian background")
    BLACK_CARIBBEAN = "M", _("Black or Black British: Caribbean")
    BLACK_AFRICAN = "N", _("Black or Black British: African")
    BLACK_OTHER = "P", _("Black or Black British: any other Black background")
    CHINESE = "R", _("Other ethnic groups: Chinese")
    OTHER = "S", _("Other ethnic groups: any other ethnic group")
    NOT_STATED = "Z", _("Not stated (the person chose not to say)")


class VolunteerGender(models.TextChoices):
    NO_PREFERENCE = "", _("No preference")
    WOMAN = "woman", _("A woman")
    MAN = "man", _("A man")


class Client(Person):
    """One person in one scheme, found again by NHS number when they are referred again."""

    scheme = models.ForeignKey("accounts.Scheme", on_delete=models.PROTECT, related_name="clients")
    gender = models.CharField(max_length=1, choices=Gender.choices, blank=True)
    ethnic_category = models.CharField(max_length=1, choices=EthnicCategory.choices, blank=True)
    gp_practice = models.CharField(_("GP practice"), max_length=200, blank=True)
    preferred_volunteer_gender = models.CharField(
        _("volunteer gender preferred"), max_length=10, choices=VolunteerGender.choices, blank=True
    )
    preferred_volunteer_language = models.CharField(
        _("volunteer language preferred"), max_length=100, blank=True
    )
    preferred_times = models.PositiveIntegerField(
        default=0,
        help_text="When the client would like calls or visits: see aligns/weekly_grid.py.",
    )
    pets = models.CharField(max_length=200, blank=True)
    access_notes = models.TextField(
        _("access instructions"),
        blank=True,
        help_text=_("How a volunteer gets in. Never write a key safe code here."),
    )
    # What the ward knew of risks at home, from the latest referral accepted: the risk
    # assessment starts from it (clients.assessment.WARD_RISK_ANSWERS).
    ward_risks = models.ManyToManyField(
        "catalogues.KnownRisk", blank=True, related_name="+", verbose_name=_("risks the ward noted")
    )
    ward_risk_notes = models.TextField(_("the ward's notes on risks"), blank=True)
    reassessment_required_reason = models.TextField(
        blank=True, help_text=_("Set when a coordinator requires a new risk assessment.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When personal details were removed after retention.")
    )

    history = HistoricalRecords()
    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "nhs_number"], name="client_nhs_number_unique_in_scheme"
            )
        ]
        indexes = [
            # The client list's order, so a page is read from the index (paginate first).
            models.Index(fields=["scheme", "family_name", "id"], name="client_scheme_family_name"),
            # Search by the first digits of an NHS number (LIKE '999%'): pattern operators,
            # as the database's collation is not C. (Name search: migration 0010, trigrams.)
            models.Index(
                fields=["scheme", "nhs_number"],
                opclasses=["int8_ops", "varchar_pattern_ops"],
                name="client_nhs_number_prefix",
            ),
        ]

    def __str__(self):
        return self.full_name


class ConsentKind(models.TextChoices):
    SUPPORT = "support", _("To be supported by the scheme")
    HOLD = "hold", _("To the scheme holding and using their information")
    # What allows sharing with the GP or the ward (clients.services.consent_to_share).
    SHARE = "share", _("To information being shared with NHS partners")


class ConsentRecord(models.Model):
    """Each time consent is given or withdrawn. The latest of each kind is what counts."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=10, choices=ConsentKind.choices)
    given = models.BooleanField(help_text=_("False records a withdrawal."))
    decided_on = models.DateField(help_text=_("The day the client gave or withdrew consent."))
    obtained_by = models.CharField(
        max_length=200, help_text=_("Who the client told, if not the person recording it.")
    )
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-recorded_at", "-pk"]

    def __str__(self):
        kind = lower_first(self.get_kind_display())
        if self.given:
            return _("%(client)s gave consent %(kind)s") % {"client": self.client, "kind": kind}
        return _("%(client)s withdrew consent %(kind)s") % {"client": self.client, "kind": kind}


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_SECOND_SIGN_OFF = "awaiting_second", _("Awaiting second sign-off")
    SIGNED_OFF = "signed_off", _("Signed off")


ASSESSMENT_TRANSITIONS = {
    AssessmentStatus.DRAFT: {
        AssessmentStatus.SIGNED_OFF,
        AssessmentStatus.AWAITING_SECOND_SIGN_OFF,
    },
    AssessmentStatus.AWAITING_SECOND_SIGN_OFF: {AssessmentStatus.SIGNED_OFF},
    AssessmentStatus.SIGNED_OFF: set(),
}

# Statuses in which an assessment has been signed off at least once and so governs.
IN_FORCE_STATUSES = [AssessmentStatus.AWAITING_SECOND_SIGN_OFF, AssessmentStatus.SIGNED_OFF]


class RiskAssessment(models.Model):
    """The intake (or a later) risk assessment. A newer one in force supersedes older ones."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    # {question code: {"answer": value, "note": text}}; questions are in clients/assessment.py
    answers = models.JSONField(default=dict)
    level = models.CharField(
        _("overall risk"), max_length=10, choices=RiskLevel.choices, blank=True,
        help_text=_("Set at sign-off: the computed level, raised freely or lowered with a reason."),
    )  # fmt: skip
    level_reason = models.TextField(_("reason for changing the computed level"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    second_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    second_signed_off_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Risk assessment of %(client)s (%(status)s)") % {
            "client": self.client,
            "status": self.get_status_display().lower(),
        }

    @property
    def computed_level(self):
        return score(self.answer_values)

    @property
    def answer_values(self):
        return {code: entry.get("answer") for code, entry in self.answers.items()}

    @property
    def flags(self):
        return flags(self.answer_values)

    def note_for(self, code):
        return self.answers.get(code, {}).get("note", "")

    def question(self, code):
        return QUESTIONS[code]

    def answered(self, code):
        return QUESTIONS[code].answer(self.answers.get(code, {}).get("answer"))


class GoalCategory(models.TextChoices):
    CONFIDENCE = "confidence", _("Confidence")
    GETTING_OUT = "getting_out", _("Getting out")
    MANAGING_AT_HOME = "managing_at_home", _("Managing at home")
    STAYING_CONNECTED = "staying_connected", _("Staying connected")
    OTHER = "other", _("Something else")


class GoalOutcome(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class Goal(models.Model):
    """What the client wants from their time with the scheme, in their own words."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="goals")
    category = models.CharField(max_length=20, choices=GoalCategory.choices)
    description = models.TextField(_("the goal, in the client's words"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=GoalOutcome.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["set_at", "pk"]

    def __str__(self):
        return self.description


class Timepoint(models.TextChoices):
    BASELINE = "baseline", _("Baseline (at intake)")
    END = "end", _("End of support")


# Kept as each measure is recorded, for the report's outcome pairs: worked out from the
# answers and the client's other measures (clients/outcomes.py), so not part of the
# record's history.
KEPT_MEASURE_FIGURES = ["scores", "baseline"]


class OutcomeMeasure(models.Model):
    """One completed instrument for one client at one timepoint; answers are rows below."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measures")
    episode = models.ForeignKey(
        "visits.SupportEpisode",
        on_delete=models.PROTECT,
        related_name="measures",
        null=True,
        blank=True,
    )
    instrument = models.CharField(max_length=20)
    instrument_version = models.CharField(max_length=50)
    timepoint = models.CharField(max_length=10, choices=Timepoint.choices)
    taken_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # What the answers score (clients.outcomes.scored): {"total": n} for an instrument whose
    # items add up, {item code: n} for one whose items stand alone; no key where unanswered.
    scores = models.JSONField(default=dict, editable=False)
    # An end measure's baseline: the client's latest of the same instrument taken on or
    # before it (clients.outcomes.ends_paired). None for a baseline, or an end without one.
    baseline = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=KEPT_MEASURE_FIGURES)

    class Meta:
        ordering = ["taken_on", "pk"]
        indexes = [
            # The report's outcome pairs: a client's end measures in the period and the latest
            # baseline before each, read per client (a small scheme's from its own clients).
            models.Index(
                fields=["client", "instrument", "timepoint", "taken_on"],
                name="measure_client_instrument_time",
            ),
            # ... and the period's end measures of every scheme, for a scheme whose own clients
            # are too many to read one by one.
            models.Index(fields=["instrument", "timepoint", "taken_on"], name="measure_in_period"),
        ]

    def __str__(self):
        return _("%(instrument)s, %(timepoint)s") % {
            "instrument": self.definition.name,
            "timepoint": self.get_timepoint_display().lower(),
        }

    @property
    def definition(self):
        return INSTRUMENTS[self.instrument]


class OutcomeAnswer(models.Model):
    """One item's answer. A missing answer is a row with no value: never counted as zero."""

    measure = models.ForeignKey(OutcomeMeasure, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=40)
    value = models.SmallIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "item"], name="one_answer_per_item")
        ]

    def __str__(self):
        if self.value is None:
            return _("%(item)s: missing") % {"item": self.item}
        return f"{self.item}: {self.value}"
