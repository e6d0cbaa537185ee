"""The report as files: CSV (one per table, zipped), XLSX (a sheet per table and one of
definitions) and PDF.

Every text cell is neutralised (aligns/spreadsheets.py), so no spreadsheet will ever run it as
a formula. Numbers are written as numbers and need no such guard.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy, pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from aligns.pdf import pdf_layout
from aligns.spreadsheets import neutralise, xlsx_safe
from reports.figures import CHANGE, COUNT, DAYS, GENERAL_NOTES, HOURS, MEAN, PERCENT, Cell


@dataclass(frozen=True)
class Format:
    code: str
    label: str
    extension: str
    content_type: str


FORMATS = {
    "xlsx": Format(
        "xlsx",
        gettext_lazy("Excel workbook (XLSX)"),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "csv": Format("csv", gettext_lazy("CSV files (zipped)"), "zip", "application/zip"),
    "pdf": Format("pdf", gettext_lazy("PDF"), "pdf", "application/pdf"),
}


def filename(report, export_format):
    """'scheme-a-report-2026-10-01-to-2026-12-31.xlsx', in the language in use: letters,
    digits and hyphens only, for any browser and any disk. A file with small numbers hidden
    says so in its name, so the one to share is told apart without opening it."""
    if report.suppress_small_numbers:
        name = pgettext(
            "the name of a report's file with counts under 5 hidden: a scheme's name, the "
            "first and the last day",
            "%(scheme)s-report-%(start)s-to-%(end)s-small-numbers-hidden",
        )
    else:
        name = pgettext(
            "the name of a report's file: a scheme's name, the first and the last day",
            "%(scheme)s-report-%(start)s-to-%(end)s",
        )
    name = name % {
        "scheme": slugify(report.scheme.name),
        "start": f"{report.period.start:%Y-%m-%d}",
        "end": f"{report.period.end:%Y-%m-%d}",
    }
    return f"{slugify(name)}.{FORMATS[export_format].extension}"


def render(report, export_format):
    """The bytes of the report in `export_format` (a key of FORMATS)."""
    return {"xlsx": to_xlsx, "csv": to_csv_zip, "pdf": to_pdf}[export_format](report)


def _about_rows(report):
    return [
        [gettext("Scheme"), report.scheme.name],
        [gettext("Period"), report.period.label],
        [pgettext("the first day of a report", "From"), report.period.start.isoformat()],
        [pgettext("the last day of a report", "To"), report.period.end.isoformat()],
        [
            gettext("Made at"),
            pgettext("a time in UTC", "%(time)s UTC")
            % {"time": f"{report.generated_at:%Y-%m-%d %H:%M}"},
        ],
        *([[gettext("Note"), report.not_ended_note]] if report.not_ended_note else []),
        [
            gettext("Small numbers suppressed"),
            gettext("Yes") if report.suppress_small_numbers else gettext("No"),
        ],
        *(
            [[gettext("Warning"), TOO_SMALL]]
            if report.suppress_small_numbers and report.too_small_to_share
            else []
        ),
    ]


TOO_SMALL = gettext_lazy(
    "Some counts are so small that they can be worked out even with small numbers hidden: "
    "do not share this report outside the scheme."
)

# The names of the CSV files in the zip, by table: like the workbook's sheets, in the
# reader's language. Letters, digits and hyphens only.
_FILE_NAME = "a file name in a report's zip of CSV files"
CSV_NAMES = {
    "about": pgettext_lazy(_FILE_NAME, "about"),
    "definitions": pgettext_lazy(_FILE_NAME, "definitions"),
    "referrals": pgettext_lazy(_FILE_NAME, "referrals"),
    "decline_reasons": pgettext_lazy(_FILE_NAME, "decline-reasons"),
    "referrals_by_month": pgettext_lazy(_FILE_NAME, "referrals-by-month"),
    "referrals_by_hospital": pgettext_lazy(_FILE_NAME, "referrals-by-hospital"),
    "referrals_by_ward": pgettext_lazy(_FILE_NAME, "referrals-by-ward"),
    "referrals_by_role": pgettext_lazy(_FILE_NAME, "referrals-by-role"),
    "timeliness": pgettext_lazy(_FILE_NAME, "timeliness"),
    "contacted_within_72_hours": pgettext_lazy(_FILE_NAME, "contacted-within-72-hours"),
    "time_to_first_contact": pgettext_lazy(_FILE_NAME, "time-to-first-contact"),
    "people_supported": pgettext_lazy(_FILE_NAME, "people-supported"),
    "people_by_ward": pgettext_lazy(_FILE_NAME, "people-by-ward"),
    "age_bands": pgettext_lazy(_FILE_NAME, "age-bands"),
    "gender": pgettext_lazy(_FILE_NAME, "gender"),
    "ethnicity": pgettext_lazy(_FILE_NAME, "ethnicity"),
    "postcode_districts": pgettext_lazy(_FILE_NAME, "postcode-districts"),
    "activity": pgettext_lazy(_FILE_NAME, "activity"),
    "volunteers": pgettext_lazy(_FILE_NAME, "volunteers"),
    "activity_types": pgettext_lazy(_FILE_NAME, "activity-types"),
    "episodes_closed": pgettext_lazy(_FILE_NAME, "episodes-closed"),
    "episode_length": pgettext_lazy(_FILE_NAME, "episode-length"),
    "readmissions": pgettext_lazy(_FILE_NAME, "readmissions"),
    "outcomes": pgettext_lazy(_FILE_NAME, "outcomes"),
    "concerns": pgettext_lazy(_FILE_NAME, "concerns"),
    "onward_referrals": pgettext_lazy(_FILE_NAME, "onward-referrals"),
}


def _csv_name(number, key):
    name = slugify(str(CSV_NAMES.get(key, key))) or key.replace("_", "-")
    return f"{number:02d}-{name}.csv"


def _definition_rows(report):
    rows = [[gettext("Table"), gettext("What is counted")]]
    rows += [[table.title, table.definition] for table in report.tables]
    rows += [[term, meaning] for term, meaning in GENERAL_NOTES]
    return rows


def _write_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    # A byte-order mark so that Excel reads the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_csv_zip(report):
    suppress = report.suppress_small_numbers
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(_csv_name(0, "about"), _write_csv(_about_rows(report)))
        bundle.writestr(_csv_name(0, "definitions"), _write_csv(_definition_rows(report)))
        for number, table in enumerate(report.tables, start=1):
            rows = [table.header, *table.export_rows(suppress)]
            bundle.writestr(_csv_name(number, table.key), _write_csv(rows))
    return archive.getvalue()


def _sheet_title(title, used):
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, and unique."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()[:31]
    name, number = cleaned, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = cleaned[: 31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


# How each kind of figure is shown in a spreadsheet: a percentage is stored as a fraction
# (0.425) and shown as 42.5%, so that it can be worked with as a number.
NUMBER_FORMATS = {
    COUNT: "#,##0",
    PERCENT: "0.0%",
    HOURS: "0.0",
    MEAN: "0.0",
    DAYS: "0.0",
    CHANGE: "+0.00;-0.00;0.00",
}
DATE_FORMAT, TIME_FORMAT = "d mmmm yyyy", "d mmmm yyyy hh:mm"
NARROWEST, WIDEST = 8, 60


def _fill(sheet, rows, *, bold_first=True, widths=None, kinds=None):
    """Rows into the sheet; `kinds` gives each figure's Cell (or None) to format it by."""
    for row in rows:
        sheet.append([xlsx_safe(value) for value in row])
    if kinds:  # for the rows under the header
        for written, row_kinds in zip(sheet.iter_rows(min_row=2), kinds, strict=True):
            for cell, kind in zip(written, row_kinds, strict=True):
                _format(cell, kind)
    if bold_first and rows:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or _fitted_widths(rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _format(cell, kind):
    if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
        return
    if kind == PERCENT:
        cell.value = round(cell.value / 100, 4)
    if kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[kind]


def _fitted_widths(rows):
    """Each column as wide as its longest entry (within reason), as Excel cannot say."""
    columns = max((len(row) for row in rows), default=0)
    return [
        max(NARROWEST, min(WIDEST, 2 + max(len(_as_text(row[i])) for row in rows if i < len(row))))
        for i in range(columns)
    ]


def _as_text(value):
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def to_xlsx(report):
    suppress = report.suppress_small_numbers
    workbook = Workbook()
    about = workbook.active
    used = set()
    about.title = _sheet_title(pgettext("a sheet of the report's workbook", "About"), used)
    _fill(about, _about_rows(report), bold_first=False, widths=[26, 60])
    # The dates as dates, which a spreadsheet can sort and work with.
    made_at = timezone.localtime(report.generated_at).replace(tzinfo=None)
    for row, value, number_format in (
        (3, report.period.start, DATE_FORMAT),
        (4, report.period.end, DATE_FORMAT),
        (5, made_at, TIME_FORMAT),
    ):
        about.cell(row=row, column=2, value=value).number_format = number_format
    about.cell(row=5, column=1, value=gettext("Made at (UK time)"))
    definitions = workbook.create_sheet(
        _sheet_title(pgettext("a sheet of the report's workbook", "Definitions"), used)
    )
    _fill(definitions, _definition_rows(report), widths=[40, 110])
    for row in definitions.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    for table in report.tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        _fill(
            sheet,
            [table.header, *table.export_rows(suppress)],
            kinds=[[_kind(cell) for cell in row] for row in table.rows],
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _kind(cell):
    return cell.kind if isinstance(cell, Cell) else None


def pdf_document(report):
    """The report laid out on pages (WeasyPrint), ready to write as a PDF."""
    html = render_to_string(
        "reports/report_pdf.html",
        {
            "report": report,
            "tables": [
                (table, table.display_rows(report.suppress_small_numbers))
                for table in report.tables
            ],
            "notes": GENERAL_NOTES,
        },
    )
    return pdf_layout(html)


def to_pdf(report):
    # PDF/UA-1: tagged (headings, tables and their header cells for screen readers), with
    # the document's title shown and its language (the template's <html lang> and <title>).
    return pdf_document(report).write_pdf(pdf_variant="pdf/ua-1")
