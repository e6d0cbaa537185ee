"""The report and dashboard pages: who may see them, what they log, bounded queries, and
the files they offer."""

import csv
import datetime
import io
import re
import zipfile
import zlib

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy

from aligns.accounts.models import Role, Scheme
from aligns.audit.models import AccessLogEntry
from aligns.pdf import STATIC_PREFIX, StaticOnlyFetcher
from aligns.spreadsheets import neutralise
from reports import exports
from reports.exports import pdf_document
from reports.figures import build_report
from reports.models import ExportStatus, ReportExport
from reports.services import export_build
from tests.reports.conftest import QUARTER

pytestmark = pytest.mark.usefixtures("report_made_now")

REPORT = reverse("reports:report")
QUARTER_QUERY = {"quarter": QUARTER.key}


def export(client, export_format, **extra):
    return client.post(
        reverse("reports:export"), {**QUARTER_QUERY, "export_format": export_format, **extra}
    )


def report_log_entries(user):
    return AccessLogEntry.objects.filter(
        user=user, subject_type=ContentType.objects.get_for_model(Scheme)
    )


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.WARD_STAFF, Role.COORDINATOR])
def test_only_managers_see_reports_by_default(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(REPORT, QUARTER_QUERY).status_code == 403
    assert export(client, "csv").status_code == 403
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_coordinators_see_reports_when_the_scheme_allows_it(client, scheme, coordinator):
    scheme.coordinators_see_reports = True
    scheme.save()
    client.force_login(coordinator)
    assert client.get(REPORT, QUARTER_QUERY).status_code == 200
    assert client.get(reverse("reports:dashboard")).status_code == 403  # managers' page
    assert client.get(reverse("reports:settings")).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_another_schemes_manager_sees_only_their_own_scheme(client, hand_built, make_user,
                                                            other_scheme):  # fmt: skip
    outsider = make_user(Role.MANAGER, scheme=other_scheme)
    client.force_login(outsider)
    response = client.get(REPORT, QUARTER_QUERY)
    report = response.context["result"]
    assert report.scheme == other_scheme
    received = {row[0]: row[1] for row in report.table("referrals").export_rows(False)}
    assert received["Received"] == 1  # their one referral, not the six of the other scheme
    assert b"North Hospital" not in response.content


def test_manager_sees_the_report_with_definitions_and_chart_data(client, hand_built, manager):
    client.force_login(manager)
    response = client.get(REPORT, QUARTER_QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Q3 2026/27: October to December 2026" in page
    assert "day 30 counts; day 31 does not" in page
    assert 'id="chart-referrals_by_month"' in page
    # Markup typed as a job title is shown as text.
    assert "=hyperlink(&quot;http://example.org&quot;,&quot;x&quot;)" in page


def test_the_report_leads_with_the_figures_commissioners_ask_for_then_its_contents(
    client, hand_built, manager
):
    client.force_login(manager)
    response = client.get(REPORT, QUARTER_QUERY)
    headlines = {
        label: (figure, beside) for label, figure, beside, _ in response.context["headlines"]
    }
    # Episodes e6 (continuing), e1, e7, e8, of clients C, A, B; 4 calls and 2 visits, 3 of
    # them successful, 110 minutes; e7 (3 hours) and e8 (72 hours) contacted in time of e1,
    # e7 and e8; e1 readmitted on day 30, e7 on day 31; A's loneliness 7 -> 4.
    assert headlines == {
        "Clients supported (episodes of support)": ("4", ""),
        "Unique clients": ("3", ""),
        "Calls and visits": ("6", "Successful: 3"),
        "Hours of calls and visits": ("1.8", ""),
        "Contacted within 72 hours of discharge": ("66.7%", "Of 3 discharges"),
        "Readmitted within 30 days": ("33.3%", "Comparison figure: 12.5%"),
        "Readmitted within 60 days": ("66.7%", "Comparison figure: No data"),
        "UCLA three-item loneliness scale: total: mean change": (
            "-3.00",
            "Lower is better; improved: 100.0%",
        ),
    }
    page = response.content.decode()
    assert (
        page.index("At a glance")
        < page.index("Tables in this report")
        < page.index('id="referrals"')
    )
    assert '<a href="#readmissions">Readmitted within 30 days</a>' in page


def test_other_dates_wait_in_a_details_element_open_only_when_chosen(client, manager):
    client.force_login(manager)
    closed = client.get(REPORT).content.decode()
    assert '<details class="nhsuk-details aligns-other-dates">' in closed
    chosen = client.get(REPORT, {"quarter": "other"}).content.decode()
    assert '<details class="nhsuk-details aligns-other-dates" open>' in chosen


def test_viewing_and_downloading_a_report_is_in_the_access_log(client, hand_built, manager):
    client.force_login(manager)
    client.get(REPORT, QUARTER_QUERY)
    export(client, "xlsx")
    pages = list(report_log_entries(manager).values_list("page", flat=True))
    assert sorted(pages) == ["reports:export", "reports:report"]


def test_the_form_alone_is_not_logged(client, manager):
    client.force_login(manager)
    assert client.get(REPORT).status_code == 200
    assert not report_log_entries(manager).exists()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"quarter": "other"}, "start", "Enter the start date"),
        (
            {"quarter": "other", "start_day": "1", "start_month": "13", "start_year": "2026"},
            "start",
            "Start date must be a real date",
        ),
        (
            {"quarter": "other", "start_day": "5", "start_month": "3", "start_year": "2026",
             "end_day": "4", "end_month": "3", "end_year": "2026"},
            "end",
            "The end date must be the same as or after the start date",
        ),
        (
            {"quarter": "other", "start_day": "1", "start_month": "1", "start_year": "2020",
             "end_day": "1", "end_month": "1", "end_year": "2026"},
            "end",
            "A report can cover 2 years at most",
        ),
        ({"quarter": "1999-99-99"}, "quarter", "Choose a quarter from the list, or other dates"),
        (
            {"quarter": QUARTER.key, "start_day": "1", "start_month": "11", "start_year": "2026",
             "end_day": "30", "end_month": "11", "end_year": "2026"},
            "quarter",
            "To report on the dates typed under Other dates, choose Other dates as the period; "
            "to report on a quarter, clear those dates",
        ),
        (
            {"quarter": "other", "start_day": "1", "start_month": "9" * 20, "start_year": "2026",
             "end_day": "1", "end_month": "1", "end_year": "2027"},
            "start",
            "Start date must be a real date",
        ),
    ],
)  # fmt: skip
def test_bad_periods_are_explained_beside_the_field_and_keep_what_was_typed(
    client, manager, query, field, message
):
    client.force_login(manager)
    response = client.get(REPORT, query)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    page = response.content.decode()
    assert "nhsuk-error-summary" in page
    assert message in page
    assert "result" not in response.context
    for name, value in query.items():
        if name != "quarter":
            assert f'value="{value}"' in page


def test_a_custom_date_range_is_reported(client, hand_built, manager):
    client.force_login(manager)
    response = client.get(
        REPORT,
        {"quarter": "other", "start_day": "1", "start_month": "11", "start_year": "2026",
         "end_day": "30", "end_month": "11", "end_year": "2026"},
    )  # fmt: skip
    report = response.context["result"]
    received = {row[0]: row[1] for row in report.table("referrals").export_rows(False)}
    assert received["Received"] == 2  # r3 and r7


NOT_ENDED = "The period had not ended when this report was made"


@pytest.mark.parametrize(
    ("period", "not_ended"),
    [
        (QUARTER_QUERY, False),  # October to December 2026, made on 15 March 2027
        ({"quarter": "other", "start_day": "1", "start_month": "3", "start_year": "2027",
          "end_day": "15", "end_month": "3", "end_year": "2027"}, True),  # to the day it is made
        ({"quarter": "other", "start_day": "1", "start_month": "3", "start_year": "2027",
          "end_day": "14", "end_month": "3", "end_year": "2027"}, False),
    ],
)  # fmt: skip
def test_a_report_of_a_period_not_yet_ended_says_its_figures_can_still_change(
    client, hand_built, manager, period, not_ended
):
    """A commissioner reading a report of a quarter still running must not take its first
    contacts and readmissions as final."""
    client.force_login(manager)
    page = client.get(REPORT, period).content.decode()
    about = openpyxl.load_workbook(
        io.BytesIO(
            client.post(reverse("reports:export"), {**period, "export_format": "xlsx"}).content
        )
    )["About"]
    bundle = zipfile.ZipFile(
        io.BytesIO(
            client.post(reverse("reports:export"), {**period, "export_format": "csv"}).content
        )
    )
    about_csv = next(name for name in bundle.namelist() if name.startswith("00-about"))

    assert (NOT_ENDED in page) is not_ended
    assert any(NOT_ENDED in str(cell.value) for row in about.iter_rows() for cell in row) is (
        not_ended
    )
    assert (NOT_ENDED in bundle.read(about_csv).decode("utf-8-sig")) is not_ended


def test_the_report_page_issues_the_same_number_of_queries_whatever_the_data(
    client, hand_built, manager, make_user, other_scheme, django_assert_num_queries
):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    empty_scheme_manager = make_user(Role.MANAGER, scheme=other_scheme)
    client.force_login(empty_scheme_manager)
    # The access log's content type is looked up once per process, then cached: looked up
    # here, so neither side below pays for it whichever test ran first.
    ContentType.objects.get_for_model(Scheme)

    with CaptureQueriesContext(connection) as small:
        client.get(REPORT, QUARTER_QUERY)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as larger:
        client.get(REPORT, QUARTER_QUERY)
    assert len(small.captured_queries) == len(larger.captured_queries)
    # 35: the session, the user and the page's own, and the report's (27 for its tables).
    assert len(larger.captured_queries) <= 35


def test_dashboard_compares_this_quarter_so_far_with_last_quarter(client, hand_built, manager):
    client.force_login(manager)
    # 15 March 2027: this quarter is January to March 2027; last is the hand-built one.
    response = client.get(reverse("reports:dashboard"))
    headlines = {h.label: h for h in response.context["headlines"]}
    # Last quarter's, each as counted by hand for the report (tests/reports/test_figures.py).
    assert {label: h.last_period.export_value(False) for label, h in headlines.items()} == {
        "Referrals received": 6,
        "Referrals accepted": 3,
        "Clients supported": 3,
        "Contacted within 72 hours of discharge": 66.7,  # e7 and e8 in time; e1 not
        "Successful calls and visits": 3,
        "Hours of calls and visits": round(110 / 60, 1),
    }
    assert headlines["Referrals received"].this_period.value == 1  # r5, on 1 January
    assert response.context["open_episodes"] == 2  # e7 and e8
    assert response.context["open_concerns"] == 3


def test_dashboard_draws_the_last_four_quarters_with_their_figures_in_a_table(
    client, hand_built, manager
):
    client.force_login(manager)
    response = client.get(reverse("reports:dashboard"))
    trend = [
        (quarter.short_label, [cell.display() for cell in cells.values()])
        for quarter, cells in response.context["trend"]
    ]
    # Received, clients supported, contacted within 72 hours. Q2: r0 and r6; e0 (contacted
    # after 22 hours) and e6 (94 hours). Q3: as in the report. Q4 so far: r5; e7 and e8 open.
    assert trend == [
        ("Q1 2026/27", ["0", "0", "No data"]),
        ("Q2 2026/27", ["2", "2", "50.0%"]),
        ("Q3 2026/27", ["6", "3", "66.7%"]),
        ("Q4 2026/27", ["1", "2", "No data"]),
    ]
    page = response.content.decode()
    assert page.count("<svg") == 3
    assert '<caption class="nhsuk-table__caption">The last four quarters</caption>' in page
    heights = [bar.height for bar in response.context["trend_charts"][0].bars]
    assert heights == [0, 40, 120, 20]  # against Q3's 6 referrals, 120 high


def test_each_dashboard_tile_links_to_the_list_behind_it(client, hand_built, manager):
    client.force_login(manager)
    page = client.get(reverse("reports:dashboard")).content.decode()
    board = reverse("visits:board")
    for href in (
        f'href="{board}"',
        f'href="{board}?needs=overdue"',
        # Concerns are dealt with from the work queue, those about closed support too.
        f'href="{reverse("visits:work_queue")}"',
        f'href="{reverse("records:volunteers")}?checks=due"',
    ):
        assert href in page


def test_a_concern_about_closed_support_is_counted_and_on_the_work_queue_its_tile_opens(
    client, hand_built, manager, coordinator
):
    """A volunteer's phone may send a concern after the client's support has closed: the
    dashboard counts it, and the list its tile opens (the work queue) must show it; the
    episodes board lists open support only."""
    from visits.models import EpisodeStatus, SupportEpisode
    from visits.services import concern_raise

    episode = SupportEpisode.objects.filter(
        scheme=hand_built.scheme, status=EpisodeStatus.CLOSED
    ).first()
    client.force_login(manager)
    before = client.get(reverse("reports:dashboard")).context["open_concerns"]
    late = concern_raise(
        episode=episode, by=None, category="not_coping", urgency="today",
        description="Sent from the phone after support closed",
    )  # fmt: skip

    after = client.get(reverse("reports:dashboard")).context["open_concerns"]
    client.force_login(coordinator)
    queue = client.get(reverse("visits:work_queue")).content.decode()

    assert after == before + 1
    assert reverse("visits:concern", args=[late.pk]) in queue


def test_each_dashboard_tile_says_its_count_in_words_that_agree_with_it(
    client, hand_built, manager, scheme
):
    from django.utils import timezone

    from visits.figures import needs_kept
    from visits.models import CallStatus, ScheduledCall, SupportEpisode

    # An open one: the tile counts the calls overdue on the board it opens (open support).
    episode = SupportEpisode.objects.filter(scheme=scheme).open().first()
    client.force_login(manager)
    tile = re.compile(r">(\d+)</p>\s*<p [^>]*><a [^>]*needs=overdue\">([^<]*)<")

    def overdue_tile():
        ScheduledCall.objects.create(
            episode=episode, due_at=timezone.now(), status=CallStatus.OVERDUE
        )
        needs_kept([episode.pk])  # as the overdue sweep would
        return tile.search(client.get(reverse("reports:dashboard")).content.decode()).groups()

    assert overdue_tile() == ("1", "overdue call")
    assert overdue_tile() == ("2", "overdue calls")


def test_dashboard_queries_are_bounded(client, hand_built, manager, django_assert_max_num_queries):
    client.force_login(manager)
    # The first visit of the day works out the three past quarters (four queries each), and
    # the first of the quarter starts the figures kept for it (eight) ...
    with django_assert_max_num_queries(38):
        client.get(reverse("reports:dashboard"))
    # ... which are kept: later visits work out this quarter alone.
    with django_assert_max_num_queries(18):
        client.get(reverse("reports:dashboard"))


# --- Files ------------------------------------------------------------------------------


def test_a_file_with_small_numbers_hidden_says_so_in_its_name(client, hand_built, manager):
    client.force_login(manager)
    shown = export(client, "xlsx")["Content-Disposition"]
    hidden = export(client, "xlsx", small_numbers="on")["Content-Disposition"]

    assert shown.endswith('-report-2026-10-01-to-2026-12-31.xlsx"')
    assert hidden.endswith('-report-2026-10-01-to-2026-12-31-small-numbers-hidden.xlsx"')


def test_xlsx_opens_with_a_sheet_per_table_and_the_definitions(client, hand_built, manager):
    client.force_login(manager)
    response = export(client, "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["About", "Definitions"]
    assert "Readmissions" in book.sheetnames
    definitions = [row[0] for row in book["Definitions"].iter_rows(values_only=True)]
    assert "Contacted within 72 hours of discharge" in definitions
    referrals = {row[0]: row[1] for row in book["Referrals"].iter_rows(values_only=True)}
    assert referrals["Received"] == 6  # a number, not text
    roles = [row[0] for row in book["Referrals by referrer's role"].iter_rows(values_only=True)]
    assert '\'=hyperlink("http://example.org","x")' in roles


def test_xlsx_has_bold_frozen_headers_fitted_widths_and_numbers_formatted_as_numbers(
    client, hand_built, manager
):
    client.force_login(manager)
    book = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx").content))
    contacted = book["Contacted within 72 hours of di"]  # 31 characters at most
    assert contacted.freeze_panes == "A2"
    assert all(cell.font.bold for cell in contacted[1])
    # e7 and e8 of e1, e7 and e8: two thirds, stored as a fraction and shown as a percentage.
    everyone = contacted[2]
    assert everyone[0].value == "All hospitals"
    assert everyone[3].value == pytest.approx(0.667)
    assert everyone[3].number_format == "0.0%"
    assert everyone[1].number_format == "#,##0"
    # Each column as wide as its longest entry: a hospital's name, the third's header.
    widths = contacted.column_dimensions
    assert widths["A"].width == len("North Hospital") + 2
    assert widths["C"].width == len("Contacted within 72 hours") + 2
    about = {row[0].value: row[1] for row in book["About"].iter_rows()}
    assert about["From"].value == datetime.datetime(2026, 10, 1)
    assert about["From"].is_date and about["To"].is_date
    assert about["Made at (UK time)"].value == datetime.datetime(2027, 3, 15, 12, 0)


def _inflated(stream):
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return b""


def test_the_pdf_is_tagged_for_screen_readers_with_its_title_and_language(hand_built):
    report = build_report(hand_built.scheme, QUARTER, suppress_small_numbers=True)
    pdf = exports.to_pdf(report)
    # Its objects are compressed: read them inflated. A stream the pattern cuts short (its
    # compressed bytes may hold "endstream" themselves; fonts differ from run to run) is
    # left out rather than failing the test: what it looks for is then missing instead.
    inflated = b"\n".join(
        [pdf]
        + [
            _inflated(stream)
            for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
        ]
    )
    assert b"/StructTreeRoot" in inflated  # tagged: headings, tables and cells
    assert b"/MarkInfo" in inflated
    assert b"/Lang (en-GB)" in inflated
    assert f"/Title ({hand_built.scheme.name}: {QUARTER.label})".encode() in inflated
    assert b"/DisplayDocTitle true" in inflated


def test_csv_zip_has_a_file_per_table_and_no_cell_starts_a_formula(client, hand_built, manager):
    client.force_login(manager)
    response = export(client, "csv")
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    names = bundle.namelist()
    assert "00-definitions.csv" in names
    roles_file = next(name for name in names if name.endswith("referrals-by-role.csv"))
    rows = list(csv.reader(io.StringIO(bundle.read(roles_file).decode("utf-8-sig"))))
    assert rows[0][0] == "Referrer's job title"
    for name in names:
        for row in csv.reader(io.StringIO(bundle.read(name).decode("utf-8-sig"))):
            for value in row:
                assert not value.startswith(("=", "+", "@", "\t", "\r")), (name, value)
                if value.startswith("-"):
                    float(value)  # only negative numbers may start with a minus


def test_pdf_renders(client, hand_built, manager):
    client.force_login(manager)
    response = export(client, "pdf", small_numbers="on")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")


def test_pdf_lays_out_every_table_on_pages(hand_built):
    report = build_report(hand_built.scheme, QUARTER, suppress_small_numbers=True)
    document = pdf_document(report)
    assert len(document.pages) >= 3


def test_pdf_fetches_only_the_projects_own_static_files():
    fetcher = StaticOnlyFetcher()
    stylesheet = fetcher.fetch(STATIC_PREFIX + "css/report-pdf.css")
    assert b"@page" in stylesheet.read()
    for elsewhere in ("https://example.org/x.css", "file:///etc/passwd", STATIC_PREFIX + "../x"):
        with pytest.raises(ValueError):
            fetcher.fetch(elsewhere)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 7700", "'+44 7700"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ward 7", "Ward 7"),
        (-2, -2),
        (3.5, 3.5),
        # Words to be translated (a choice's label) are written as text, and guarded too.
        (gettext_lazy("Safeguarding"), "Safeguarding"),
        (gettext_lazy("=1+1"), "'=1+1"),
    ],
)
def test_neutralise_text_that_a_spreadsheet_would_run(value, safe):
    assert neutralise(value) == safe


def test_a_large_report_is_made_by_the_worker_and_offered_when_ready(
    client, hand_built, manager, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 2
    client.force_login(manager)
    with django_capture_on_commit_callbacks() as queued:
        response = export(client, "xlsx")
    made = ReportExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export_status", args=[made.pk])
    assert len(queued) == 1  # the task is sent once the request's transaction commits
    waiting = client.get(response["Location"])
    assert b"0% done" in waiting.content
    assert client.get(reverse("reports:export_download", args=[made.pk])).status_code == 404

    export_build(export_id=made.pk)  # what the worker does

    made.refresh_from_db()
    assert (made.status, made.progress) == (ExportStatus.READY, 100)
    ready = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert b"Ready" in ready.content
    download = client.get(reverse("reports:export_download", args=[made.pk]))
    assert openpyxl.load_workbook(io.BytesIO(download.content)).sheetnames[1] == "Definitions"
    assert list(report_log_entries(manager).values_list("page", flat=True)) == [
        "reports:export_download"
    ]


def test_whoever_asked_for_a_background_report_is_emailed_once_when_it_is_ready(
    client, hand_built, manager, settings, send_messages
):
    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 2
    client.force_login(manager)
    export(client, "pdf")
    made = ReportExport.objects.get()

    export_build(export_id=made.pk)
    export_build(export_id=made.pk)  # the task delivered twice: built and told once
    send_messages()

    (email,) = mail.outbox
    assert email.to == [manager.email]
    assert "is ready" in email.subject
    assert "open Reports" in email.body
    assert "PDF" in email.body


def test_whoever_asked_is_told_when_a_background_report_could_not_be_made(
    client, hand_built, manager, settings, send_messages, monkeypatch
):
    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 2
    client.force_login(manager)
    export(client, "xlsx")
    made = ReportExport.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("a fault in making the file")

    monkeypatch.setattr("reports.exports.render", broken)
    with pytest.raises(RuntimeError):
        export_build(export_id=made.pk)
    send_messages()

    (email,) = mail.outbox
    assert "could not be made" in email.subject
    assert "ask for it again" in email.body


def test_a_report_made_while_the_browser_waits_sends_no_email(client, hand_built, manager):
    client.force_login(manager)
    assert export(client, "csv").status_code == 200
    assert mail.outbox == []


def test_a_large_report_that_cannot_be_queued_says_so_rather_than_wait_for_ever(
    client, hand_built, manager, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from celery.app.task import Task
    from kombu.exceptions import OperationalError

    def broker_down(task, *args, **kwargs):
        raise OperationalError("Error 111 connecting. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", broker_down)
    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 2
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, "xlsx")

    assert response.status_code == 302
    assert ReportExport.objects.get().status == ExportStatus.FAILED
    page = client.get(response["Location"]).content.decode()
    assert "The file could not be made" in page


def test_nobody_else_can_fetch_a_file_someone_asked_for(client, hand_built, manager, make_user):
    made = ReportExport.objects.create(
        scheme=hand_built.scheme, requested_by=manager, period_start=QUARTER.start,
        period_end=QUARTER.end, export_format="csv",
    )  # fmt: skip
    export_build(export_id=made.pk)
    client.force_login(make_user(Role.MANAGER))
    assert client.get(reverse("reports:export_status", args=[made.pk])).status_code == 404
    assert client.get(reverse("reports:export_download", args=[made.pk])).status_code == 404


def test_report_settings_need_a_source_for_a_comparison_figure(client, scheme, manager):
    client.force_login(manager)
    url = reverse("reports:settings")
    response = client.post(url, {"readmission_comparison_30": "12.5"})
    assert response.context["form"].errors["readmission_comparison_source"]
    response = client.post(url, {"readmission_comparison_30": "120"})
    assert "Enter a percentage between 0 and 100" in response.content.decode()
    response = client.post(url, {"retention_years": "0"})
    assert response.context["form"].errors["retention_years"]
    client.post(url, {"readmission_comparison_30": "12.5",
                      "readmission_comparison_source": "Trust figures",
                      "coordinators_see_reports": "on", "retention_years": "8"})  # fmt: skip
    scheme.refresh_from_db()
    assert scheme.coordinators_see_reports
    assert str(scheme.readmission_comparison_30) == "12.5"
    assert scheme.retention_years == 8


def test_control_characters_typed_in_a_job_title_do_not_break_the_workbook(
    client, hand_built, manager
):
    from referrals.models import Referral

    Referral.objects.filter(referrer_role="Discharge coordinator").update(
        referrer_role="Discharge\x01 coordinator\x0b"
    )
    client.force_login(manager)
    book = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx").content))
    roles = [row[0] for row in book["Referrals by referrer's role"].iter_rows(values_only=True)]
    assert "Discharge coordinator" in roles


def test_report_files_are_offered_for_a_week_then_deleted(hand_built, manager, client,
                                                          time_machine):  # fmt: skip
    from datetime import timedelta

    from django.utils import timezone

    from reports.services import exports_delete_expired

    made = ReportExport.objects.create(
        scheme=hand_built.scheme, requested_by=manager, period_start=QUARTER.start,
        period_end=QUARTER.end, export_format="csv",
    )  # fmt: skip
    export_build(export_id=made.pk)
    download = reverse("reports:export_download", args=[made.pk])
    time_machine.move_to(timezone.now() + timedelta(days=6, hours=23))
    client.force_login(manager)  # sessions end after 12 hours
    assert client.get(download).status_code == 200
    assert exports_delete_expired() == 0
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    client.force_login(manager)
    assert client.get(download).status_code == 404
    assert exports_delete_expired() == 1
