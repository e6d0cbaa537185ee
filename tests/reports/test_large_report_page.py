"""A large scheme's report page: the figures are worked out by the worker, not while the page
waits (seconds at a national scheme's size), shown with its progress, and kept for the day so
the page then answers at once. The figures shown are the ones the page would have worked out
itself; only the person who asked sees them; they are never a day old without being asked for
again, and can be worked out again at any time."""

import datetime
import re

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from aligns.accounts.models import Role, Scheme
from aligns.audit.models import AccessLogEntry
from reports.models import PAGE, ExportStatus, ReportExport
from reports.services import export_build
from tests.reports.conftest import QUARTER, REPORT_MADE_AT

pytestmark = pytest.mark.usefixtures("report_made_now")

REPORT = reverse("reports:report")
QUARTER_QUERY = {"quarter": QUARTER.key}
AGAIN = f"{REPORT}?quarter={QUARTER.key}"  # posted: work the figures out again


@pytest.fixture
def large(settings):
    """Every scheme with more than two calls and visits in the period counts as large."""
    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 2


def sections(page):
    """The report's tables as the page shows them."""
    return re.findall(r'<section class="aligns-report-section".*?</section>', page, flags=re.S)


def logged_views(user):
    return AccessLogEntry.objects.filter(
        user=user, subject_type=ContentType.objects.get_for_model(Scheme)
    ).count()


def test_the_worker_works_out_the_figures_and_the_page_then_shows_what_it_would_have_made(
    client, hand_built, manager, settings, django_capture_on_commit_callbacks, send_messages
):
    client.force_login(manager)
    made_at_once = client.get(REPORT, QUARTER_QUERY).content.decode()  # small: no worker
    assert ReportExport.objects.count() == 0

    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 2
    with django_capture_on_commit_callbacks() as queued:
        waiting = client.get(REPORT, QUARTER_QUERY).content.decode()
    build = ReportExport.objects.get()
    assert (build.export_format, build.requested_by, len(queued)) == (PAGE, manager, 1)
    assert "0% done" in waiting and sections(waiting) == []
    seen_before = logged_views(manager)  # the small report was seen; nothing more yet

    export_build(export_id=build.pk)  # what the worker does

    shown = client.get(REPORT, QUARTER_QUERY).content.decode()
    assert sections(shown) == sections(made_at_once) != []
    assert "Worked out in the background" in shown
    assert ReportExport.objects.count() == 1  # shown from the day's build, not asked again
    assert logged_views(manager) == seen_before + 1
    send_messages()
    assert mail.outbox == []  # waited for on the page: nobody is emailed


def test_the_page_does_not_work_the_report_out_while_the_figures_are_kept(
    client, hand_built, manager, large, monkeypatch
):
    client.force_login(manager)
    client.get(REPORT, QUARTER_QUERY)
    export_build(export_id=ReportExport.objects.get().pk)

    def not_here(*args, **kwargs):
        raise AssertionError("the page worked the report out itself")

    monkeypatch.setattr("reports.views.build_report", not_here)
    assert client.get(REPORT, QUARTER_QUERY).status_code == 200


def test_the_progress_part_refreshes_until_the_figures_are_ready_then_loads_the_page(
    client, hand_built, manager, large
):
    client.force_login(manager)
    client.get(REPORT, QUARTER_QUERY)
    build = ReportExport.objects.get()
    status = reverse("reports:export_status", args=[build.pk])

    running = client.get(status, QUARTER_QUERY, HTTP_HX_REQUEST="true")
    assert b"0% done" in running.content and "HX-Refresh" not in running

    export_build(export_id=build.pk)
    ready = client.get(status, QUARTER_QUERY, HTTP_HX_REQUEST="true")
    assert ready["HX-Refresh"] == "true"
    # Without htmx, the address leads back to the report page.
    assert client.get(status, QUARTER_QUERY)["Location"] == f"{REPORT}?quarter={QUARTER.key}"
    # The figures are not a file to download.
    download = reverse("reports:export_download", args=[build.pk])
    assert client.get(download).status_code == 404


def test_figures_that_could_not_be_worked_out_say_so_and_can_be_asked_for_again(
    client, hand_built, manager, large, monkeypatch, send_messages
):
    client.force_login(manager)
    client.get(REPORT, QUARTER_QUERY)
    failed = ReportExport.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("a fault in working out the figures")

    with monkeypatch.context() as patch:
        patch.setattr("reports.services.build_report", broken)
        with pytest.raises(RuntimeError):
            export_build(export_id=failed.pk)

    page = client.get(REPORT, QUARTER_QUERY).content.decode()
    assert "The figures could not be worked out" in page
    assert ReportExport.objects.count() == 1  # not asked again behind the person's back
    send_messages()
    assert mail.outbox == []

    assert client.post(AGAIN)["Location"] == f"{REPORT}?quarter={QUARTER.key}"
    again = ReportExport.objects.exclude(pk=failed.pk).get()
    export_build(export_id=again.pk)
    assert sections(client.get(REPORT, QUARTER_QUERY).content.decode()) != []


def test_working_the_figures_out_again_shows_what_was_logged_since(
    client, hand_built, manager, large
):
    client.force_login(manager)
    client.get(REPORT, QUARTER_QUERY)
    export_build(export_id=ReportExport.objects.get().pk)

    client.post(AGAIN)

    newest = ReportExport.objects.first()
    assert ReportExport.objects.count() == 2 and newest.status == ExportStatus.QUEUED
    assert "0% done" in client.get(REPORT, QUARTER_QUERY).content.decode()


def test_asking_again_while_the_figures_are_being_worked_out_does_not_ask_twice(
    client, hand_built, manager, large
):
    client.force_login(manager)
    client.get(REPORT, QUARTER_QUERY)  # queued, not yet worked out

    client.post(AGAIN)
    client.post(AGAIN)  # the button clicked twice, or the form sent again

    assert ReportExport.objects.count() == 1
    export_build(export_id=ReportExport.objects.get().pk)
    client.post(AGAIN)
    assert ReportExport.objects.count() == 2


def test_figures_never_worked_out_are_asked_for_again_after_half_an_hour_not_waited_for_all_day(
    client, hand_built, manager, large
):
    # A worker stopped part-way: the figures stay "being worked out" and nothing would end it.
    client.force_login(manager)
    client.get(REPORT, QUARTER_QUERY)
    lost = ReportExport.objects.get()
    lost.status = ExportStatus.RUNNING
    lost.save()

    with time_machine.travel(REPORT_MADE_AT + datetime.timedelta(minutes=29), tick=False):
        client.get(REPORT, QUARTER_QUERY)
    assert ReportExport.objects.count() == 1  # still waited for

    with time_machine.travel(REPORT_MADE_AT + datetime.timedelta(minutes=31), tick=False):
        page = client.get(REPORT, QUARTER_QUERY).content.decode()
    lost.refresh_from_db()
    assert lost.status == ExportStatus.FAILED and lost.finished_at is not None
    newest = ReportExport.objects.first()
    assert newest != lost and newest.status == ExportStatus.QUEUED
    assert "0% done" in page
    export_build(export_id=lost.pk)  # the lost one, if a worker ever reached it, is not made
    lost.refresh_from_db()
    assert lost.content is None


def test_yesterdays_figures_are_not_shown_today(client, hand_built, manager, large):
    client.force_login(manager)
    client.get(REPORT, QUARTER_QUERY)
    export_build(export_id=ReportExport.objects.get().pk)

    with time_machine.travel(REPORT_MADE_AT + datetime.timedelta(days=1), tick=False):
        client.force_login(manager)
        page = client.get(REPORT, QUARTER_QUERY).content.decode()
    assert ReportExport.objects.count() == 2
    assert "0% done" in page


def test_each_person_and_each_language_has_their_own_figures(
    client, hand_built, manager, make_user, large
):
    client.force_login(manager)
    client.get(REPORT, QUARTER_QUERY)
    mine = ReportExport.objects.get()
    export_build(export_id=mine.pk)

    other = make_user(Role.MANAGER)
    client.force_login(other)
    assert "0% done" in client.get(REPORT, QUARTER_QUERY).content.decode()
    status = reverse("reports:export_status", args=[mine.pk])
    assert client.get(status, HTTP_HX_REQUEST="true").status_code == 404

    manager.preferred_language = "cy"
    manager.save()
    client.force_login(manager)
    client.get(REPORT, QUARTER_QUERY)
    languages = sorted(ReportExport.objects.filter(requested_by=manager).values_list("language"))
    assert languages == [("cy",), ("en-gb",)]


def test_only_those_who_may_see_reports_can_ask_for_them_again(client, hand_built, make_user):
    client.force_login(make_user(Role.VOLUNTEER))
    assert client.post(AGAIN).status_code == 403
    assert ReportExport.objects.count() == 0


def test_a_bad_period_asked_for_again_goes_back_to_the_report_page_saying_why(
    client, hand_built, manager, large
):
    client.force_login(manager)
    again = f"{REPORT}?quarter=%3Cscript%3E"

    response = client.post(again, follow=True)

    assert response.status_code == 200
    assert "Choose a quarter from the list, or other dates" in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert ReportExport.objects.count() == 0
