"""Every word of the reports, and of the files made from them, can be translated: the states
the pages of the access matrix do not show (tests/aligns/test_every_page_marked.py), in the
pseudo-locale (tests/i18n.py), and the files made in the language of whoever asked."""

import csv
import html
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import Role
from reports import exports
from reports.models import ExportStatus, ReportExport
from reports.services import export_build
from tests.i18n import CLOSE, OPEN, data_words, unmarked_words, wrap_translations
from tests.reports.conftest import QUARTER

pytestmark = pytest.mark.usefixtures("report_made_now")

REPORT = reverse("reports:report")


def _text(response):
    return response.content.decode()


def _report_data():
    """The records' words, and as the report shows a typed job title: in lower case with a
    capital first ("  staff NURSE " is "Staff nurse")."""
    data = data_words()
    return data + [value.lower() for value in data]


def _words(values, data):
    """The unmarked words among texts that are not a page (a file's cells, an email)."""
    page = "<body>" + " ".join(html.escape(str(value)) for value in values) + "</body>"
    return unmarked_words(page, data)


def test_a_report_hiding_small_numbers_and_too_small_to_share_is_all_marked(
    client, hand_built, manager, monkeypatch
):
    client.force_login(manager)
    data = _report_data()
    wrap_translations(monkeypatch)

    response = client.get(REPORT, {"quarter": QUARTER.key, "small_numbers": "on"})

    result = response.context["result"]
    assert result.suppress_small_numbers and result.too_small_to_share
    page = _text(response)
    assert "&lt;5" in page and "[c]" in page  # small numbers hidden, and those beside them
    assert unmarked_words(page, data) == []


def test_a_report_showing_small_numbers_is_all_marked(client, hand_built, manager, monkeypatch):
    client.force_login(manager)
    data = _report_data()
    wrap_translations(monkeypatch)

    response = client.get(REPORT, {"quarter": QUARTER.key})

    assert not response.context["result"].suppress_small_numbers
    assert unmarked_words(_text(response), data) == []


@pytest.mark.parametrize(
    "query",
    [
        {"quarter": "other", "start_0": "31", "start_1": "2", "start_2": "2026"},
        {"quarter": "other", "start_0": "1", "start_1": "3", "start_2": "2026", "end_0": "1",
         "end_1": "2", "end_2": "2026"},
        {"quarter": "not a quarter"},
    ],
    ids=["dates-missing-and-wrong", "end-before-start", "unknown-quarter"],
)  # fmt: skip
def test_a_period_asked_for_wrongly_is_explained_in_marked_words(
    client, manager, monkeypatch, query
):
    client.force_login(manager)
    data = _report_data()
    wrap_translations(monkeypatch)

    response = client.get(REPORT, query)

    assert response.context["form"].errors
    assert unmarked_words(_text(response), data) == []


def test_a_tampered_request_for_a_file_is_refused_in_marked_words(client, manager, monkeypatch):
    client.force_login(manager)
    data = _report_data()
    wrap_translations(monkeypatch)

    response = client.post(reverse("reports:export"), {"export_format": "doc"})

    assert response.status_code == 400
    assert unmarked_words(_text(response), data) == []


def test_the_organisations_figures_too_small_to_share_are_all_marked(
    client, hand_built, make_user, monkeypatch
):
    from reports import views

    shown = views.organisation_shown
    # Whether figures are too small to share is tests/reports/test_organisation.py's: here,
    # only the words of the warning.
    monkeypatch.setattr(views, "organisation_shown", lambda *args: (*shown(*args)[:2], True))
    client.force_login(make_user(Role.ORGANISATION_MANAGER))
    data = _report_data()
    wrap_translations(monkeypatch)

    response = client.get(reverse("reports:organisation"), {"quarter": QUARTER.key})

    assert response.context["too_small_to_share"]
    assert unmarked_words(_text(response), data) == []


def test_an_organisation_without_schemes_is_told_so_in_marked_words(client, make_user, monkeypatch):
    person = make_user(Role.ORGANISATION_MANAGER)
    person.organisation.schemes.update(organisation=None)
    client.force_login(person)
    data = _report_data()
    wrap_translations(monkeypatch)

    response = client.get(reverse("reports:organisation"))

    assert not response.context["schemes"]
    assert unmarked_words(_text(response), data) == []


@pytest.mark.parametrize("status", list(ExportStatus))
@pytest.mark.parametrize("small_numbers", [True, False])
def test_a_file_being_made_ready_or_failed_is_described_in_marked_words(
    client, scheme, manager, monkeypatch, status, small_numbers
):
    made = ReportExport.objects.create(
        scheme=scheme, requested_by=manager, period_start=QUARTER.start, period_end=QUARTER.end,
        export_format="xlsx", suppress_small_numbers=small_numbers, status=status,
        progress=40 if status == ExportStatus.RUNNING else 0,
        filename="a-scheme-report-2026-10-01-to-2026-12-31.xlsx",
        finished_at=timezone.now() if status in (ExportStatus.READY, ExportStatus.FAILED) else None,
    )  # fmt: skip
    client.force_login(manager)
    data = _report_data()
    wrap_translations(monkeypatch)
    url = reverse("reports:export_status", args=[made.pk])

    page, part = client.get(url), client.get(url, HTTP_HX_REQUEST="true")

    assert page.status_code == part.status_code == 200
    # How far it has got is a word of its own, in the sentence saying so.
    doing = {ExportStatus.QUEUED: "Waiting to start", ExportStatus.RUNNING: "Being made"}
    if status in doing:
        assert f"<strong>{OPEN}{doing[status]}{CLOSE}</strong>" in _text(part)
    assert unmarked_words(_text(page), data) == []
    assert unmarked_words(f"<body>{_text(part)}</body>", data) == []


@pytest.fixture
def welsh_manager(manager):
    manager.preferred_language = "cy"
    manager.save(update_fields=["preferred_language"])
    return manager


def _made_by_the_worker(client, export_format, monkeypatch, settings):
    """Ask for a file large enough for the worker; make it as the worker would, with what the
    request queued. Returns the file and the language the worker was given."""
    queued = []
    monkeypatch.setattr(
        "reports.services.queue_after_commit",
        lambda task, *, on_failure=None, **ids: queued.append(ids),
    )
    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 0
    response = client.post(
        reverse("reports:export"),
        {"quarter": QUARTER.key, "export_format": export_format, "small_numbers": "on"},
    )
    assert response.status_code == 302
    (task,) = queued
    made = export_build(**task)
    assert made.status == ExportStatus.READY
    return made, task["language"]


def test_a_welsh_speaking_managers_workbook_is_made_in_welsh_with_every_heading_marked(
    client, hand_built, welsh_manager, monkeypatch, settings
):
    client.force_login(welsh_manager)
    data = _report_data()
    wrap_translations(monkeypatch)

    made, language = _made_by_the_worker(client, "xlsx", monkeypatch, settings)

    assert language == "cy"
    book = openpyxl.load_workbook(io.BytesIO(bytes(made.content)))
    about = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    # The period in Welsh: Django's own month names, each wrapped as they are looked up.
    assert any("Hydref" in str(value) and OPEN in str(value) for value in about.values())
    assert all(sheet.title.startswith(OPEN) for sheet in book.worksheets)  # at most 31 long
    texts = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]
    assert _words(texts, data) == []
    # Each table's headings, one by one: none is left as it was typed.
    for sheet in book.worksheets[2:]:
        headings = next(sheet.iter_rows(max_row=1, values_only=True))
        assert all(heading.startswith(OPEN) for heading in headings), sheet.title


def test_a_welsh_speaking_managers_csv_files_are_made_in_welsh_with_every_heading_marked(
    client, hand_built, welsh_manager, monkeypatch, settings
):
    client.force_login(welsh_manager)
    data = _report_data()
    wrap_translations(monkeypatch)

    made, language = _made_by_the_worker(client, "csv", monkeypatch, settings)

    assert language == "cy"
    bundle = zipfile.ZipFile(io.BytesIO(bytes(made.content)))
    texts = []
    for name in bundle.namelist():
        rows = list(csv.reader(io.StringIO(bundle.read(name).decode("utf-8-sig"))))
        texts += [value for row in rows for value in row]
        if not name.startswith("00-"):
            assert all(heading.startswith(OPEN) for heading in rows[0]), name
    assert _words(texts, data) == []
    # The files' names are translated too: wrapped, the markers leave no trace in them.
    assert all(name.endswith(".csv") for name in bundle.namelist())


def test_a_welsh_speaking_managers_pdf_is_made_in_welsh_with_every_word_marked(
    client, hand_built, welsh_manager, monkeypatch, settings
):
    laid_out = []

    class Layout:
        def __init__(self, page):
            laid_out.append(page)

        def write_pdf(self, **options):
            return b"%PDF-1.7 laid out"

    monkeypatch.setattr(exports, "pdf_layout", Layout)
    client.force_login(welsh_manager)
    data = _report_data()
    wrap_translations(monkeypatch)

    made, language = _made_by_the_worker(client, "pdf", monkeypatch, settings)

    assert language == "cy"
    (page,) = laid_out
    assert '<html lang="cy">' in page
    assert unmarked_words(page, data) == []
    title = page.split("<title>")[1].split("</title>")[0]
    assert unmarked_words(f"<body>{title}</body>", data) == []


def test_a_file_is_made_in_the_language_of_whoever_asked_when_no_language_was_queued(
    hand_built, welsh_manager
):
    # A file queued before the language was passed along: the asker's own language.
    made = ReportExport.objects.create(
        scheme=hand_built.scheme, requested_by=welsh_manager, period_start=QUARTER.start,
        period_end=QUARTER.end, export_format="xlsx",
    )  # fmt: skip

    export_build(export_id=made.pk)

    made.refresh_from_db()
    book = openpyxl.load_workbook(io.BytesIO(bytes(made.content)))
    about = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert any("Hydref" in str(value) for value in about.values()), about


def test_the_email_saying_a_file_is_ready_is_in_the_askers_language_with_every_word_marked(
    client, hand_built, welsh_manager, monkeypatch, settings, send_messages,
):  # fmt: skip
    from django.core import mail

    client.force_login(welsh_manager)
    data = _report_data()
    wrap_translations(monkeypatch)

    _made_by_the_worker(client, "xlsx", monkeypatch, settings)
    send_messages()

    (email,) = mail.outbox
    assert email.extra_headers["Content-Language"] == "cy"
    assert "Hydref" in email.subject  # the dates in Welsh
    assert _words([email.subject, email.body], data) == []


def test_a_large_schemes_report_being_worked_out_failed_and_shown_is_all_marked(
    client, hand_built, manager, monkeypatch, settings
):
    """The worker renders the figures in the pseudo-locale too: it runs in this process."""
    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 2
    client.force_login(manager)
    data = _report_data()
    wrap_translations(monkeypatch)
    query = {"quarter": QUARTER.key}

    waiting = client.get(REPORT, query)
    build = ReportExport.objects.get()
    status = reverse("reports:export_status", args=[build.pk])
    progress = client.get(status, query, HTTP_HX_REQUEST="true")
    export_build(export_id=build.pk)
    shown = client.get(REPORT, query)
    ReportExport.objects.filter(pk=build.pk).update(status=ExportStatus.FAILED)
    failed = client.get(REPORT, query)

    assert "Worked out" in _text(shown) and "could not be worked out" in _text(failed)
    for response in (waiting, progress, shown, failed):
        assert unmarked_words(_text(response), data) == []
