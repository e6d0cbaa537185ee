"""The access log: who viewed which person's record, when, and from which page.

Change history (who changed what) is django-simple-history's, on each model that
holds personal data. Rows here are written once and never edited or deleted through
the app or the admin; the model refuses both.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


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
    page = models.CharField(max_length=100, help_text="The name of the page (URL name).")
    path = models.CharField(max_length=500)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
        indexes = [models.Index(fields=["subject_type", "subject_id", "viewed_at"])]

    def __str__(self):
        subject = f"{self.subject_type.name} {self.subject_id}"
        return f"{self.user} viewed {subject} at {self.viewed_at:%Y-%m-%d %H:%M}"
