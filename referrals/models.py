"""Referrals from ward staff, and their triage by the scheme's coordinators."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aligns.accounts.models import Role, discharged_at
from aligns.catalogues.models import KnownRisk, Need
from clients.models import Person


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The only moves a referral can make; services._lock_for_change enforces them.
TRANSITIONS = {
    Status.SUBMITTED: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
    Status.ACCEPTED: set(),
    Status.DECLINED: set(),
    Status.WITHDRAWN: set(),
}


class DeclineReason(models.TextChoices):
    OUT_OF_AREA = "out_of_area", _("Out of the scheme's area")
    BEYOND_SCOPE = "beyond_scope", _("Needs are beyond the scheme's scope")
    PATIENT_DECLINED = "patient_declined", _("Patient declined support")
    DUPLICATE = "duplicate", _("Duplicate referral")
    OTHER = "other", _("Other reason")


class DischargePathway(models.IntegerChoices):
    PATHWAY_0 = 0, _("Pathway 0: home, no new support from health or social care")
    PATHWAY_1 = 1, _("Pathway 1: home, with new or more support")
    PATHWAY_2 = 2, _("Pathway 2: short-term bed-based rehabilitation")
    PATHWAY_3 = 3, _("Pathway 3: long-term care in a care home")


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators: the scheme's referrals. Ward staff: their wards' and their own."""
        if not user.is_authenticated or not user.scheme_id:
            return self.none()
        in_scheme = self.filter(scheme_id=user.scheme_id)
        if user.role == Role.COORDINATOR:
            return in_scheme
        if user.role == Role.WARD_STAFF:
            return in_scheme.filter(Q(ward__in=user.wards.all()) | Q(referred_by=user)).distinct()
        return self.none()

    def open(self):
        return self.filter(status=Status.SUBMITTED)

    def with_discharge_on(self):
        """Annotate `discharge_on`: the actual discharge date if known, else the expected one."""
        return self.annotate(
            discharge_on=Coalesce("actual_discharge_date", "expected_discharge_date")
        )

    def by_urgency(self):
        """Discharged, or discharging soonest, first; then the longest waiting."""
        return self.with_discharge_on().order_by("discharge_on", "submitted_at", "pk")

    def for_nhs_number(self, scheme, nhs_number):
        return self.filter(scheme=scheme, nhs_number=nhs_number)


class Referral(Person):
    scheme = models.ForeignKey(
        "accounts.Scheme", on_delete=models.PROTECT, related_name="referrals"
    )
    hospital = models.ForeignKey(
        "accounts.Hospital", on_delete=models.PROTECT, related_name="referrals"
    )
    ward = models.ForeignKey("accounts.Ward", on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)

    # The patient (the rest of their fields are a Person's): referrals are found by NHS number.
    nhs_number = models.CharField(_("NHS number"), max_length=10, db_index=True)

    # Discharge
    expected_discharge_date = models.DateField()
    actual_discharge_date = models.DateField(null=True, blank=True)
    discharge_pathway = models.PositiveSmallIntegerField(choices=DischargePathway.choices)

    # Needs, risks and communication
    needs = models.ManyToManyField(Need, related_name="referrals")
    risks = models.ManyToManyField(KnownRisk, related_name="referrals", blank=True)
    risk_notes = models.TextField(blank=True)

    # Consent, as the ward asked it: to be referred; to the scheme holding and using what the
    # ward sends; and (a separate, optional question) to sharing with NHS partners.
    consent_to_referral = models.BooleanField(default=False)
    consent_to_hold = models.BooleanField(
        _("agrees to the scheme holding and using their information"), default=False
    )
    consent_to_share_with_nhs = models.BooleanField(
        _("agrees to the scheme sharing with their GP and the hospital"),
        default=False,
        help_text=_("Not ticked: not asked on the ward; the coordinator asks."),
    )
    consent_obtained_by = models.CharField(max_length=200)
    consent_obtained_on = models.DateField()

    # The referrer (from their account, editable on the form)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_name = models.CharField(max_length=200)
    referrer_role = models.CharField(_("referrer's job title"), max_length=100)
    referrer_contact = models.CharField(_("referrer's phone or email"), max_length=200)

    # The decision
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(blank=True)
    withdrawn_reason = models.TextField(blank=True)

    # Needs and risks are set once, on submission; nothing edits them afterwards yet.
    # (Tracking them in history would write a history row per many-to-many change.)
    history = HistoricalRecords()
    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["scheme", "status", "expected_discharge_date"]),
            # A period's referrals received and accepted (the dashboard, the report): counted
            # from the index alone, never from the rows.
            models.Index(fields=["scheme", "submitted_at", "status"], name="referral_received"),
        ]

    def __str__(self):
        return _("Referral of %(name)s (%(status)s)") % {
            "name": self.patient_name,
            "status": self.get_status_display().lower(),
        }

    @property
    def patient_name(self):
        return self.full_name

    @property
    def discharge_date(self):
        return self.actual_discharge_date or self.expected_discharge_date

    @property
    def is_discharged(self):
        return self.actual_discharge_date is not None

    @property
    def is_open(self):
        return self.status == Status.SUBMITTED

    def can_become(self, status):
        return status in TRANSITIONS[Status(self.status)]

    def discharge_is_imminent(self, today=None):
        """Discharged already, or due home within the scheme's first-contact window (72 hours
        unless the scheme says otherwise): the first call will soon be due, so triage cannot
        wait."""
        today = today or timezone.localdate()
        window = self.scheme.first_contact_window
        return discharged_at(self.discharge_date) <= discharged_at(today) + window


class ReferralDay(models.Model):
    """One scheme's referrals sent on one day (UK time), by where each stands now, kept by
    referrals.figures as referrals are sent and decided, so that the dashboard's referrals
    received and accepted are a sum of some ninety days, not a count of the quarter's
    referrals. A figure, not a record of a person: retention leaves it."""

    scheme = models.ForeignKey("accounts.Scheme", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    received = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    awaiting = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "day"], name="one_referral_day_per_scheme")
        ]

    def __str__(self):
        return f"{self.day}: {self.received} referrals"
