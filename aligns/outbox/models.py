"""The outbox: every message is first a row, written in the transaction of the change that
causes it, so a message is sent if and only if its change was saved (aligns/outbox/services.py).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aligns.accounts.models import Scheme


class MessageStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    SENT = "sent", _("Sent")
    NOT_NEEDED = "not_needed", _("Not needed")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """One message to send: what kind, about which rows (ids only: never a name, an address or
    a note), and where it has got to. The worker makes the email from the rows when it sends,
    so the email says what is true then."""

    kind = models.CharField(max_length=60)
    ids = models.JSONField(default=dict, help_text="The ids (and plain settings) the kind needs.")
    key = models.CharField(
        max_length=200,
        help_text="Names the message: the same key twice is one message (a sweep run twice, "
        "two workers at once). Also the email's Message-ID.",
    )
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # outbox_scheme_status starts with it: one index fewer to write
        help_text="Whose messages these are, for the scheme's page of messages.",
    )
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.WAITING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        default=timezone.now,
        help_text="When the dispatcher may next take it: now, after a failure the time to try "
        "again, and while one worker sends it the end of that worker's lease.",
    )
    last_error = models.CharField(
        max_length=100, blank=True, help_text="The kind of error only: never an error's text."
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Unique, as a constraint rather than unique=True: on PostgreSQL that would add a
            # second index on the key, for LIKE queries nobody makes, to write on every insert.
            models.UniqueConstraint(fields=["key"], name="outbox_one_message_per_key"),
        ]
        indexes = [
            # The dispatcher's claim: waiting rows whose time has come, oldest first.
            models.Index(
                fields=["next_attempt_at", "id"],
                name="outbox_waiting_due",
                condition=models.Q(status="waiting"),
            ),
            # The scheme's page: its waiting and failed messages, newest first, and those
            # sent in the last day.
            models.Index(fields=["scheme", "status", "-created_at"], name="outbox_scheme_status"),
            models.Index(
                fields=["scheme", "-sent_at"],
                name="outbox_scheme_sent",
                condition=models.Q(sent_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.ids} ({self.get_status_display()})"
