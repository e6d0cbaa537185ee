"""The access log: who viewed which person's record, when, and from which page.

Change history (who changed what) is django-simple-history's, on each model that
holds personal data. Rows here are written once and never edited or deleted through
the app or the admin; the model refuses both.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit rows cannot be deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit rows cannot be deleted.")


class AccessLogEntry(AppendOnlyModel):
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_log_entries"
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    page = models.CharField(max_length=100, help_text=_("The name of the page (URL name)."))
    path = models.CharField(max_length=500)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["subject_type", "subject_id", "viewed_at"])]

    def __str__(self):
        subject = f"{self.subject_type.name} {self.subject_id}"
        return f"{self.user} viewed {subject} at {self.viewed_at:%Y-%m-%d %H:%M}"


class LawfulBasis(models.TextChoices):
    """The UK GDPR articles a scheme relies on when it shares health information."""

    PUBLIC_TASK_HEALTH = (
        "6(1)(e), 9(2)(h)",
        _("UK GDPR 6(1)(e) public task and 9(2)(h) health or social care"),
    )
    CONSENT = "6(1)(a), 9(2)(a)", _("UK GDPR 6(1)(a) and 9(2)(a) explicit consent")
    VITAL_INTERESTS = (
        "6(1)(d), 9(2)(c)",
        _("UK GDPR 6(1)(d) and 9(2)(c) vital interests (safeguarding)"),
    )


class SharingLogEntryQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.is_scheme_staff:
            return self.filter(scheme_id=user.scheme_id)
        return self.none()


class SharingLogEntry(AppendOnlyModel):
    """Information about a person sent outside the scheme: what, to whom, why, on what basis.

    An entry made although the person had withdrawn consent to share is an override, with
    its reason, and is flagged for review.
    """

    shared_at = models.DateTimeField(auto_now_add=True, db_index=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sharing_log_entries"
    )
    scheme = models.ForeignKey("accounts.Scheme", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("Whom the information is about (empty for a referral not yet accepted)."),
    )  # fmt: skip
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    what = models.CharField(_("what was shared"), max_length=200)
    fields_shared = models.TextField(help_text=_("The fields or sections the document holds."))
    recipient_organisation = models.CharField(_("shared with (organisation)"), max_length=200)
    recipient_person = models.CharField(
        _("shared with (person or team)"), max_length=200, blank=True
    )
    purpose = models.TextField(_("why"))
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    consent = models.ForeignKey(
        "clients.ConsentRecord", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("The consent record in force when it was shared."),
    )  # fmt: skip
    consent_summary = models.CharField(max_length=200)
    is_override = models.BooleanField(
        default=False, help_text=_("Shared although consent to share had been withdrawn.")
    )
    override_reason = models.TextField(blank=True)

    objects = SharingLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-shared_at", "-id"]
        verbose_name = _("information-sharing log entry")
        verbose_name_plural = _("information-sharing log")

    def __str__(self):
        return _("%(what)s shared with %(organisation)s by %(who)s") % {
            "what": self.what,
            "organisation": self.recipient_organisation,
            "who": self.shared_by,
        }
