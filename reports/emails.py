"""Emails about reports: the kinds of message reports/services.py queues (aligns/outbox)."""

from django.utils.translation import gettext_lazy as _

from aligns.outbox.services import Email, message_kind
from reports.models import EXPORT_KEPT_FOR, ExportStatus, ReportExport


@message_kind(_("A report file made in the background is ready"))
def report_ready(*, export_id):
    """Tell whoever asked for a report made by the worker that it is ready, or could not be
    made, so they need not keep the page open. Figures only: the email names the period."""
    export = ReportExport.objects.select_related("requested_by").get(pk=export_id)
    person = export.requested_by
    if not export.is_finished or not person.is_active:
        return None
    context = {
        "person": person,
        "export": export,
        "ready": export.status == ExportStatus.READY,
        "kept_days": EXPORT_KEPT_FOR.days,
    }
    return Email("report_ready", context, [person.email], language=person.preferred_language)
