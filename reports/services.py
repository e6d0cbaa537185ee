"""Making report files: straight away for small schemes, in the background for large ones."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from aligns.outbox.services import queue_email
from aligns.queueing import queue_after_commit
from reports import exports
from reports.emails import report_ready
from reports.figures import build_report, contacts_in_period
from reports.models import EXPORT_KEPT_FOR, ExportStatus, ReportExport
from reports.period import Period

logger = logging.getLogger(__name__)


def export_is_large(*, scheme, period):
    """Whether a report is big enough to be made in the background rather than at once."""
    return contacts_in_period(scheme, period) > settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS


def exports_delete_expired():
    """Delete report files older than a week (daily, from Celery beat)."""
    deleted, _ = ReportExport.objects.filter(
        requested_at__lt=timezone.now() - EXPORT_KEPT_FOR
    ).delete()
    return deleted


@transaction.atomic
def export_request(*, scheme, period, export_format, suppress_small_numbers, by, language=None):
    """Queue a report file to be made by the worker, in `language` (the one the person who
    asked reads ALIGNS in; theirs by default)."""
    export = ReportExport.objects.create(
        scheme=scheme,
        requested_by=by,
        period_start=period.start,
        period_end=period.end,
        export_format=export_format,
        suppress_small_numbers=suppress_small_numbers,
    )
    from reports.tasks import export_build_task

    queue_after_commit(
        export_build_task,
        export_id=export.pk,
        language=language or by.preferred_language,
        # Unqueued, the file would be "waiting to start" for ever: the page says it failed.
        on_failure=lambda: ReportExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        ),
    )
    return export


def export_build(*, export_id, language=None):
    """Make the file for one request, telling the page how far it has got: its headings,
    notes and file name in `language` (without one, that of the person who asked)."""
    export = ReportExport.objects.select_related("scheme", "requested_by").get(pk=export_id)
    if export.is_finished:
        return export
    with translation.override(language or export.requested_by.preferred_language):
        return _build(export)


def _build(export):
    def progress(done, total):
        # The last tenth is writing the file.
        percent = int(90 * done / total)
        ReportExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.RUNNING, progress=percent
        )

    progress(0, 1)
    try:
        report = build_report(
            export.scheme,
            Period(export.period_start, export.period_end),
            suppress_small_numbers=export.suppress_small_numbers,
            progress=progress,
        )
        content = exports.render(report, export.export_format)
    except Exception:
        logger.exception("Report export %s failed", export.pk)
        _finish(export, status=ExportStatus.FAILED)
        raise
    _finish(
        export,
        status=ExportStatus.READY,
        progress=100,
        content=content,
        filename=exports.filename(report, export.export_format),
    )
    export.refresh_from_db()
    return export


@transaction.atomic
def _finish(export, **fields):
    """Record the end of a background export and tell whoever asked, in one transaction: the
    person is told once, and only of a file that is there."""
    ReportExport.objects.filter(pk=export.pk).update(finished_at=timezone.now(), **fields)
    queue_email(
        report_ready,
        key=f"report-ready:{export.pk}",
        scheme_id=export.scheme_id,
        export_id=export.pk,
    )
