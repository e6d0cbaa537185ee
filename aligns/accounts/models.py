"""Who uses ALIGNS: schemes (the tenants), their hospitals and wards, and users with one role."""

import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# A domain name as people write it after the @: labels of letters, digits and hyphens.
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def email_domain_list(text):
    """The domains in `text` (commas, spaces or new lines between them), lower case, no "@"."""
    return [d.lstrip("@").lower() for d in re.split(r"[\s,;]+", text or "") if d.lstrip("@")]


def validate_email_domains(text):
    wrong = [d for d in email_domain_list(text) if not _DOMAIN.match(d)]
    if wrong:
        raise ValidationError(
            "These are not email domains: %(wrong)s. Write each like nhs.net",
            params={"wrong": ", ".join(wrong[:5])},
            code="domain",
        )


# Discharge times are not recorded: a discharge is taken to be at midday.
ASSUMED_DISCHARGE_TIME = time(12, 0)


def discharged_at(day):
    """The moment of discharge assumed for a discharge date (aligns/expressions.py too)."""
    return timezone.make_aware(datetime.combine(day, ASSUMED_DISCHARGE_TIME))


class Organisation(models.Model):
    """A provider running several schemes (a national charity's local services). Its
    organisation managers see each scheme's figures and the figures of all together, and
    nothing about any person."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SchemeQuerySet(models.QuerySet):
    def taking_account_requests(self):
        return self.exclude(account_request_domains="")


class Scheme(models.Model):
    """One charity's Home from Hospital service: the tenant. Nothing crosses schemes."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schemes",
        help_text="The provider running it, if it is one of several.",
    )
    contact_phone = models.CharField(
        max_length=30, blank=True, help_text="The coordinators' number that ward staff should call."
    )
    contact_email = models.EmailField(blank=True)
    triage_target_hours = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
        help_text="Working hours within which a new referral should be accepted or declined.",
    )
    area_postcode = models.CharField(
        max_length=10,
        blank=True,
        help_text=(
            "A postcode near the middle of the area the scheme serves: volunteers are looked "
            "for around it when a client's postcode (and its district) is not known."
        ),
    )
    first_contact_hours = models.PositiveSmallIntegerField(
        default=72,
        validators=[MinValueValidator(24), MaxValueValidator(72)],
        help_text="Hours after discharge by which the first call must be made (24 to 72).",
    )
    episode_weeks = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text="Planned length of support in weeks; extensions may take it to 8 at most.",
    )
    overdue_grace_hours = models.PositiveSmallIntegerField(
        default=4, help_text="How long after a call falls due it becomes overdue."
    )
    offer_answer_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text="Coordinators are alerted when a volunteer has not answered an offer in this "
        "many hours, or sooner if the client's first call falls due within it.",
    )
    retention_years = models.PositiveSmallIntegerField(
        _("keep personal data for (years)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "After a client's last support ends; then their personal details are removed and "
            "only the figures for reports are kept."
        ),
    )
    # Reports
    coordinators_see_reports = models.BooleanField(
        _("coordinators may see reports"),
        default=False,
        help_text=_("Managers always can. Reports hold figures only, never names."),
    )
    readmission_comparison_30 = models.DecimalField(
        _("comparison figure: readmitted within 30 days (%)"),
        max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("For example the hospital trust's own rate, shown beside the scheme's."),
    )  # fmt: skip
    readmission_comparison_60 = models.DecimalField(
        _("comparison figure: readmitted within 60 days (%)"),
        max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    readmission_comparison_source = models.CharField(
        _("where the comparison figures come from"),
        max_length=200,
        blank=True,
        help_text=_(
            "For example: Northgate Hospitals NHS Trust, all discharges aged 65+, 2025/26."
        ),
    )
    # Ward staff asking for an account
    account_request_domains = models.TextField(
        "email domains that may ask for an account",
        blank=True,
        validators=[validate_email_domains],
        help_text="Ward staff whose work email ends with one of these (exactly: not its "
        "subdomains) may ask for an account, for example: nhs.net, example-trust.nhs.uk. "
        "Separate them with commas or new lines. Empty: the scheme takes no requests.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def first_contact_window(self):
        """How soon after discharge the first call must be made: the scheme's 24 to 72 hours."""
        return timedelta(hours=self.first_contact_hours)

    def first_call_due(self, discharged_on):
        """When the first call after a discharge on `discharged_on` falls due. The one rule
        for it: the schedule plans the call then, the report counts a contact by then as in
        time, and the triage queue flags a patient going home within one window of today."""
        return discharged_at(discharged_on) + self.first_contact_window

    @property
    def allowed_email_domains(self):
        return email_domain_list(self.account_request_domains)

    def accepts_requests_from(self, email):
        """May someone with this email address ask this scheme for an account?"""
        domain = email.rpartition("@")[2].lower()
        return bool(domain) and domain in self.allowed_email_domains

    @property
    def contact_text(self):
        """How ward staff reach the coordinators, for messages such as duplicate warnings."""
        if self.contact_phone and self.contact_email:
            return gettext("%(phone)s or %(email)s") % {
                "phone": self.contact_phone,
                "email": self.contact_email,
            }
        return self.contact_phone or self.contact_email or gettext("the scheme's coordinators")


class HospitalQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scheme_id=user.scheme_id) if user.scheme_id else self.none()


class Hospital(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="hospitals")
    name = models.CharField(max_length=200)
    ods_code = models.CharField(
        "ODS code", max_length=10, blank=True, help_text="The NHS organisation code, if known."
    )

    objects = HospitalQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "name"], name="hospital_name_unique_in_scheme"
            )
        ]

    def __str__(self):
        return self.name


class WardQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.scheme_id:
            return self.none()
        return self.filter(hospital__scheme_id=user.scheme_id)


class Ward(models.Model):
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="wards")
    name = models.CharField(max_length=200)

    objects = WardQuerySet.as_manager()

    class Meta:
        ordering = ["hospital__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "name"], name="ward_name_unique_in_hospital"
            )
        ]

    def __str__(self):
        return f"{self.name}, {self.hospital.name}"


class Role(models.TextChoices):
    WARD_STAFF = "ward_staff", _("Ward staff")
    COORDINATOR = "coordinator", _("Coordinator")
    VOLUNTEER = "volunteer", _("Volunteer")
    MANAGER = "manager", _("Manager")
    ORGANISATION_MANAGER = "organisation_manager", _("Organisation manager")


# Where each role lands after signing in: the page it needs first.
ROLE_START_PAGES = {
    Role.WARD_STAFF: "referrals:ward_list",
    Role.COORDINATOR: "referrals:queue",
    Role.VOLUNTEER: "visits:today",
    Role.MANAGER: "reports:dashboard",
    Role.ORGANISATION_MANAGER: "reports:organisation",
}


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Scheme staff see their scheme's people; everyone else only themselves."""
        if user.is_scheme_staff:
            return self.filter(scheme_id=user.scheme_id)
        return self.filter(pk=user.pk)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who signs in. Signs in with an email address; has exactly one role."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text="Every user but a platform administrator belongs to one scheme.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managers",
        help_text="For an organisation manager (who has no scheme): the organisation.",
    )
    wards = models.ManyToManyField(
        Ward,
        blank=True,
        related_name="staff",
        help_text="For ward staff: the wards they refer from.",
    )
    phone = models.CharField(max_length=30, blank=True)
    preferred_language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    job_title = models.CharField(
        max_length=100, blank=True, help_text="For example: staff nurse, discharge coordinator."
    )
    invited_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last email inviting them to set a password went."
    )
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_reason = models.CharField("why deactivated", max_length=500, blank=True)

    # Wards decide whose referrals ward staff see, so changes to them are history too.
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[wards])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]
        # The team list's order, so a page is read from the index.
        indexes = [
            models.Index(
                fields=["scheme", "is_active", "role", "full_name", "id"], name="user_team"
            )
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_scheme_staff(self):
        """Coordinators and managers run the scheme and see all of it."""
        return bool(self.scheme_id) and self.role in (Role.COORDINATOR, Role.MANAGER)

    def clean(self):
        """An organisation manager belongs to an organisation and to no scheme; nobody else
        belongs to an organisation (the admin's forms show this beside the fields)."""
        super().clean()
        if self.role == Role.ORGANISATION_MANAGER:
            errors = {}
            if not self.organisation_id:
                errors["organisation"] = "An organisation manager needs their organisation."
            if self.scheme_id:
                errors["scheme"] = "An organisation manager belongs to no one scheme."
            if errors:
                raise ValidationError(errors)
        elif self.organisation_id:
            raise ValidationError(
                {"organisation": "Only an organisation manager belongs to an organisation."}
            )

    @property
    def start_page(self):
        return ROLE_START_PAGES.get(self.role)

    @property
    def invitation_pending(self):
        """Invited, but no password set yet: they cannot sign in until they use the link."""
        return self.is_active and not self.has_usable_password()


# --- Ward staff asking for an account -------------------------------------------------------


class RequestStatus(models.TextChoices):
    # Written by the public page whatever the address, then checked by the worker: the page
    # does the same work for every address, so its timing tells nobody who has an account.
    RECEIVED = "received", _("Received, not yet checked")
    UNVERIFIED = "unverified", _("Email not yet confirmed")
    WAITING = "waiting", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


REQUEST_TRANSITIONS = {
    RequestStatus.RECEIVED: {RequestStatus.UNVERIFIED},
    RequestStatus.UNVERIFIED: {RequestStatus.WAITING},
    RequestStatus.WAITING: {RequestStatus.APPROVED, RequestStatus.DECLINED},
    RequestStatus.APPROVED: set(),
    RequestStatus.DECLINED: set(),
}
OPEN_REQUEST_STATUSES = (RequestStatus.UNVERIFIED, RequestStatus.WAITING)
# Not yet confirmed from the emailed link (or not yet even checked): nobody at the scheme
# sees these, and they are deleted when the link's time is up.
UNCONFIRMED_STATUSES = (RequestStatus.RECEIVED, RequestStatus.UNVERIFIED)


class AccountRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators and managers see their scheme's confirmed requests; nobody else any."""
        if not (user.is_authenticated and user.is_scheme_staff):
            return self.none()
        return self.filter(scheme_id=user.scheme_id).exclude(status__in=UNCONFIRMED_STATUSES)

    def waiting(self):
        return self.filter(status=RequestStatus.WAITING)

    def unverified_since(self, moment):
        return self.filter(status__in=UNCONFIRMED_STATUSES, created_at__lt=moment)


class AccountRequest(models.Model):
    """Someone on a ward asking a scheme for an account, from the public request page."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="account_requests")
    full_name = models.CharField(max_length=200)
    email = models.EmailField("email address")
    job_title = models.CharField(max_length=100)
    workplace = models.CharField(
        "ward and hospital", max_length=200, help_text="As the person wrote it."
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.UNVERIFIED
    )
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(blank=True)
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language they asked in: the emails about the request are in it."),
    )
    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_requests",
        help_text="The account made when the request was approved.",
    )

    history = HistoricalRecords()
    objects = AccountRequestQuerySet.as_manager()

    class Meta:
        ordering = ["verified_at", "created_at"]
        constraints = [
            # One open request per email address: asking again cannot send more emails.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(status__in=OPEN_REQUEST_STATUSES),
                name="account_request_one_open_per_email",
            )
        ]

    def __str__(self):
        return f"{self.full_name} ({self.email})"


class FormSubmission(models.Model):
    """A form posted once. The page hands out a one-time token with the form; posting it again
    (a double tap, a retry after an error page, a phone resending when the signal returns)
    answers with the first result and makes nothing twice (aligns/submissions.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField(unique=True)
    result_url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"Form {self.token} posted by {self.user_id}"
