"""Making report files: straight away for small schemes, in the background for large ones."""

import json
import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from aligns.outbox.services import queue_email
from aligns.queueing import queue_after_commit
from reports import exports
from reports.emails import report_ready
from reports.figures import build_report, contacts_in_period
from reports.models import EXPORT_KEPT_FOR, PAGE, ExportStatus, ReportExport
from reports.period import Period
from reports.presenters import report_page_context

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


def _of(scheme, organisation):
    """The fields naming what a ReportExport reports on: one scheme, or (the scheme a list)
    all `organisation`'s schemes together."""
    if isinstance(scheme, list):
        return {"scheme": None, "organisation": organisation}
    return {"scheme": scheme}


@transaction.atomic
def export_request(
    *,
    scheme,
    period,
    export_format,
    suppress_small_numbers,
    by,
    language=None,
    organisation=None,
):
    """Queue a report file (or the page's figures: PAGE) to be made by the worker, in
    `language` (the one the person who asked reads ALIGNS in; theirs by default). `scheme`:
    a scheme, or a list of schemes: all of `organisation`'s."""
    language = language or by.preferred_language
    export = ReportExport.objects.create(
        **_of(scheme, organisation),
        requested_by=by,
        period_start=period.start,
        period_end=period.end,
        export_format=export_format,
        suppress_small_numbers=suppress_small_numbers,
        language=language,
    )
    from reports.tasks import export_build_task

    queue_after_commit(
        export_build_task,
        export_id=export.pk,
        language=language,
        # Unqueued, the file would be "waiting to start" for ever: the page says it failed.
        on_failure=lambda: ReportExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        ),
    )
    return export


def report_page_build(
    *, scheme, period, suppress_small_numbers, by, language, again=False, organisation=None
):
    """The report page's figures for a large scheme (or a list of schemes: all
    `organisation`'s), worked out by the worker: the newest asked for today by this person,
    for this period and language (ready, still being worked out, or failed), else a new one
    queued; `again`: a new one queued unless one is still being worked out (a second click,
    or a form sent twice, would otherwise work the whole report out twice). Today's, so the
    figures are never a day old without being asked again; the page offers to work them out
    again at any time."""
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    newest = ReportExport.objects.filter(
        **_of(scheme, organisation),
        requested_by=by,
        export_format=PAGE,
        period_start=period.start,
        period_end=period.end,
        suppress_small_numbers=suppress_small_numbers,
        language=language,
        requested_at__gte=start_of_today,
    ).first()
    if newest is not None and _lost(newest):
        ReportExport.objects.filter(pk=newest.pk, finished_at__isnull=True).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
    elif newest is not None and not (again and newest.is_finished):
        return newest
    return export_request(
        scheme=scheme,
        period=period,
        export_format=PAGE,
        suppress_small_numbers=suppress_small_numbers,
        by=by,
        language=language,
        organisation=organisation,
    )


# The report page's figures still not worked out this long after they were asked for have
# been lost (a worker stopped part-way, a message dropped): they are asked for again rather
# than waited for all day. A national report takes seconds, a busy queue minutes.
PAGE_BUILD_LOST_AFTER = timedelta(minutes=30)


def _lost(build):
    return not build.is_finished and build.requested_at < timezone.now() - PAGE_BUILD_LOST_AFTER


def page_figures(report, *, all_schemes_of=None):
    """The report page's figures, rendered in the language in use: (top, tables) as JSON
    bytes, kept in a ReportExport of PAGE and shown as they are (templates/reports/report.html).
    `all_schemes_of`: the organisation, for the report of all its schemes together."""
    context = report_page_context(report) | {"all_schemes_of": all_schemes_of}
    return json.dumps(
        {
            "top": render_to_string("reports/_report_top.html", context),
            "tables": render_to_string("reports/_report_tables.html", context),
        }
    ).encode()


def export_build(*, export_id, language=None):
    """Make the file for one request, telling the page how far it has got: its headings,
    notes and file name in `language` (without one, that of the person who asked)."""
    export = ReportExport.objects.select_related("scheme", "organisation", "requested_by").get(
        pk=export_id
    )
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
            export.reported,
            Period(export.period_start, export.period_end),
            suppress_small_numbers=export.suppress_small_numbers,
            progress=progress,
        )
        if export.export_format == PAGE:
            content, name = page_figures(report, all_schemes_of=export.organisation), ""
        else:
            content = exports.render(report, export.export_format)
            name = exports.filename(report, export.export_format)
    except Exception:
        logger.exception("Report export %s failed", export.pk)
        _finish(export, status=ExportStatus.FAILED)
        raise
    _finish(export, status=ExportStatus.READY, progress=100, content=content, filename=name)
    export.refresh_from_db()
    return export


@transaction.atomic
def _finish(export, **fields):
    """Record the end of a background export and tell whoever asked, in one transaction: the
    person is told once, and only of a file that is there. The page's figures are waited for
    on the page, which shows them (or that they failed): no email."""
    ReportExport.objects.filter(pk=export.pk).update(finished_at=timezone.now(), **fields)
    if export.export_format == PAGE:
        return
    queue_email(
        report_ready,
        key=f"report-ready:{export.pk}",
        scheme_id=export.scheme_id,
        export_id=export.pk,
    )
