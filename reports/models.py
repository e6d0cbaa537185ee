"""Reports hold no figures of their own: they aggregate the other apps' data. The one table
here holds what is built in the background for large schemes, until it is fetched: report
files, and the report page's figures (PAGE), of a scheme or of all an organisation's schemes
together."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Finished files are offered, then deleted, after this long (services.exports_delete_expired).
EXPORT_KEPT_FOR = timedelta(days=7)

# The export_format of the report page's figures worked out by the worker (a large scheme's
# report would keep the page waiting seconds): the page's tables, rendered, in the language
# of the person who asked. Not a file to download.
PAGE = "page"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReportExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Each person sees only what they asked for, for a week: in their own scheme, or
        (an organisation manager) of their organisation's schemes."""
        if not user.is_authenticated:
            return self.none()
        if user.scheme_id:
            reported = Q(scheme_id=user.scheme_id)
        elif user.organisation_id:
            reported = Q(scheme__organisation_id=user.organisation_id) | Q(
                scheme__isnull=True, organisation_id=user.organisation_id
            )
        else:
            return self.none()
        return self.filter(
            reported,
            requested_by=user,
            requested_at__gte=timezone.now() - EXPORT_KEPT_FOR,
        )


class ReportExport(models.Model):
    # One scheme's report; or, with no scheme, all the organisation's schemes together.
    scheme = models.ForeignKey(
        "accounts.Scheme", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    period_start = models.DateField()
    period_end = models.DateField()
    suppress_small_numbers = models.BooleanField(default=False)
    export_format = models.CharField(max_length=10)
    # The language its words are in (the person's who asked, when they asked).
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    # Aggregates only (no personal data), and small: kept in the database so that the web
    # and worker containers need no shared disk.
    content = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportExportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheme__isnull=False) | Q(organisation__isnull=False),
                name="report_export_of_a_scheme_or_an_organisation",
            )
        ]

    def __str__(self):
        return f"{self.export_format} report {self.period_start} to {self.period_end}"

    @property
    def reported(self):
        """What build_report is given: the scheme, or the organisation's schemes as a list
        (as the organisation's report page gives them, by name)."""
        if self.scheme_id:
            return self.scheme
        return list(self.organisation.schemes.order_by("name"))

    @property
    def is_finished(self):
        return self.status in (ExportStatus.READY, ExportStatus.FAILED)
