"""Support episodes: the weeks of help after discharge (calls and concerns come later)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from aligns.accounts.models import Role


class EpisodeStatus(models.TextChoices):
    AWAITING_DISCHARGE = "awaiting_discharge", "Awaiting discharge"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


# Statuses in which a client is the scheme's current responsibility.
OPEN_EPISODE_STATUSES = [EpisodeStatus.AWAITING_DISCHARGE, EpisodeStatus.ACTIVE]

EPISODE_TRANSITIONS = {
    EpisodeStatus.AWAITING_DISCHARGE: {EpisodeStatus.ACTIVE, EpisodeStatus.CLOSED},
    EpisodeStatus.ACTIVE: {EpisodeStatus.CLOSED},
    EpisodeStatus.CLOSED: set(),
}


class SupportEpisodeQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.scheme_id:
            return self.none()
        if user.role in (Role.COORDINATOR, Role.MANAGER):
            return self.filter(scheme_id=user.scheme_id)
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
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="episodes_opened"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = SupportEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self):
        return f"Support for {self.client} ({self.get_status_display().lower()})"

    @property
    def is_open(self):
        return self.status in OPEN_EPISODE_STATUSES
