"""The manager's reports in a real browser: the dashboard, the commissioner report, its file.

The demo manager signs in and lands on the dashboard, opens the commissioner report,
chooses this quarter and shows it: tables, charts drawn by Chart.js, and the same figures
in the Excel workbook downloaded from the page. Dates that cannot be real are refused
beside the field, keeping what was typed. At phone width the page itself does not scroll
sideways (wide tables scroll inside their own box). Every distinct page is checked with
axe-core and screenshotted.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.period import Period
from tests.browser.support import PHONE, assert_accessible, sign_in

MANAGER = "manager@example.org"

SMALL_NUMBERS = "Hide counts under 5, for sharing outside the scheme"
OTHER_DATES = "Other dates (choose below)"
SHOW = "Show the report"
XLSX_BUTTON = "Download Excel workbook (XLSX)"
START_DATE_ERROR = "Start date must be a real date"


def url_path(page):
    return urlsplit(page.url).path


def this_quarter():
    return Period.quarter_containing(timezone.localdate())


def follow_header_link(page, name):
    """A link in the header's menu, opening "More" first if a narrow screen put it there."""
    menu = page.get_by_role("navigation", name="Menu")
    link = menu.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        menu.get_by_role("button", name=re.compile("More")).click()
    link.click()


def open_the_report(page, live_server):
    """The report page from the header's menu, with no period shown yet."""
    follow_header_link(page, "Reports")
    page.wait_for_url(live_server.url + reverse("reports:report"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Commissioner report")


def show_quarter(page, quarter):
    page.get_by_label("Period", exact=True).select_option(label=quarter.label)
    page.get_by_role("button", name=SHOW).click()
    expect(page.get_by_role("heading", level=2, name=quarter.label, exact=True)).to_be_visible()


def report_section(page, title):
    """The report's section for one table, found by its heading."""
    return page.get_by_role("region", name=title, exact=True)


def table_figure(table, row_heading):
    """The figure in the row whose heading is `row_heading`, as the page shows it."""
    row = table.get_by_role("row").filter(
        has=table.page.get_by_role("rowheader", name=row_heading, exact=True)
    )
    expect(row).to_have_count(1)
    return row.get_by_role("cell").first.inner_text().strip()


def sheet_figure(sheet, row_heading):
    """The figure beside `row_heading` in the first column of a worksheet."""
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == row_heading:
            return row[1]
    raise AssertionError(f"No row {row_heading!r} in the sheet {sheet.title!r}")


def drawn_charts(page):
    """How many canvases Chart.js has drawn, with a non-zero size, once its script has run."""
    page.wait_for_function("() => typeof window.Chart !== 'undefined'")
    return page.evaluate(
        """() => [...document.querySelectorAll("canvas[data-chart]")].filter(canvas => {
            const box = canvas.getBoundingClientRect();
            return Chart.getChart(canvas) !== undefined && box.width > 0 && box.height > 0
                && canvas.width > 0 && canvas.height > 0;
        }).length"""
    )


def scroll_boxes(page):
    """For each table's scrolling box: whether its table is too wide for it, and whether
    the keyboard can reach it (reports.js makes such a box focusable, and only such)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(".aligns-table-scroll")].map(box => ({
            table: box.closest("section").getAttribute("aria-labelledby"),
            scrolls: box.scrollWidth > box.clientWidth,
            focusable: box.tabIndex === 0,
        }))"""
    )


def page_overflow(page):
    """How many pixels the page itself is wider than the viewport (0 if it is not)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_manager_shows_this_quarters_report_and_downloads_it_as_excel(
    page, live_server, demo_users, screenshot, tmp_path
):
    quarter = this_quarter()

    # --- The dashboard -----------------------------------------------------------------------
    sign_in(page, live_server, MANAGER, reverse("reports:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"This quarter so far ({quarter.label})")
    expect(main.get_by_role("heading", level=2)).to_have_text(
        ["Needs attention now", "This quarter so far", "The last four quarters"]
    )
    # Each tile opens the list behind it; the quarters are drawn, their figures in a table.
    expect(main.get_by_role("link", name=re.compile(r"^overdue calls?$"))).to_have_attribute(
        "href", reverse("visits:board") + "?needs=overdue"
    )
    expect(
        main.get_by_role("img", name=re.compile("^Referrals received by quarter"))
    ).to_be_visible()
    expect(main.get_by_role("table", name="The last four quarters")).to_be_attached()
    headlines = main.get_by_role("table", name="Headline figures, this quarter so far")
    expect(headlines.get_by_role("rowheader", name="Referrals received")).to_be_visible()
    # Straight to this quarter's report and last quarter's, whatever the buttons say.
    for shortcut in (quarter, quarter.previous_quarter()):
        link = main.locator(f'a[href="{reverse("reports:report")}?quarter={shortcut.key}"]')
        expect(link).to_have_count(1)
    screenshot(page, "1-dashboard")
    assert_accessible(page)

    # --- The report page, before a period is chosen ------------------------------------------
    open_the_report(page, live_server)
    period = page.get_by_label("Period", exact=True)
    # This quarter is first in the list and chosen already; the small-numbers box is not.
    expect(period.locator("option").first).to_have_text(quarter.label)
    expect(period).to_have_value(quarter.key)
    expect(page.get_by_label(SMALL_NUMBERS)).not_to_be_checked()
    expect(page.get_by_role("heading", level=2, name="Referrals", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=XLSX_BUTTON)).to_have_count(0)
    screenshot(page, "2-report-form")
    assert_accessible(page)

    # --- This quarter's report, with counts under 5 shown --------------------------------
    show_quarter(page, quarter)
    assert url_path(page) == reverse("reports:report")
    assert parse_qs(urlsplit(page.url).query)["quarter"] == [quarter.key]
    assert page.title().startswith(f"Report: {quarter.label}"), page.title()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Counts under 5 are shown")
    expect(period).to_have_value(quarter.key)

    referrals = report_section(page, "Referrals")
    expect(referrals.get_by_role("heading", level=2)).to_have_text("Referrals")
    table = referrals.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["Referrals", "Number"])
    received = table_figure(table, "Received")
    assert re.fullmatch(r"\d[\d,]*", received), f"Received shows {received!r}, not a count"

    contents = page.get_by_role("navigation", name="Tables in this report")
    expect(contents.get_by_role("link", name="Referrals", exact=True)).to_have_attribute(
        "href", "#referrals"
    )
    expect(page.get_by_role("heading", level=2, name="Definitions", exact=True)).to_be_visible()

    charts = page.locator("canvas[data-chart]")
    expect(charts.first).to_be_attached()
    assert drawn_charts(page) == charts.count() > 0
    # A table that fits does not scroll (not even by a pixel or two), nor take the focus.
    boxes = scroll_boxes(page)
    assert all(box["focusable"] == box["scrolls"] for box in boxes), boxes
    assert not next(box for box in boxes if box["table"] == "referrals")["scrolls"], boxes
    screenshot(page, "3-report")
    assert_accessible(page)

    # --- The Excel workbook ------------------------------------------------------------------
    with page.expect_download() as download_info:
        main.get_by_role("button", name=XLSX_BUTTON).click()
    download = download_info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.endswith(
        f"-report-{quarter.start:%Y-%m-%d}-to-{quarter.end:%Y-%m-%d}.xlsx"
    ), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    workbook = load_workbook(saved, read_only=True)
    try:
        assert "Definitions" in workbook.sheetnames, workbook.sheetnames
        assert "Referrals" in workbook.sheetnames, workbook.sheetnames
        assert sheet_figure(workbook["About"], "Period") == quarter.label
        assert sheet_figure(workbook["About"], "Small numbers suppressed") == "No"
        assert sheet_figure(workbook["Referrals"], "Received") == int(received.replace(",", ""))
    finally:
        workbook.close()
    # The download leaves the report where it was.
    assert url_path(page) == reverse("reports:report")


def test_an_impossible_date_is_refused_beside_the_field_keeping_what_was_typed(
    page, live_server, demo_users, screenshot
):
    sign_in(page, live_server, MANAGER, reverse("reports:dashboard"))
    open_the_report(page, live_server)

    page.get_by_label("Period", exact=True).select_option(label=OTHER_DATES)
    # The dates wait under "Other dates", closed until opened.
    other_dates = page.locator("details.aligns-other-dates")
    expect(other_dates).not_to_have_attribute("open", "")
    other_dates.get_by_text("Other dates", exact=True).click()
    start = page.get_by_role("group", name="From", exact=True)
    end = page.get_by_role("group", name="To", exact=True)
    start.get_by_label("Day", exact=True).fill("1")
    start.get_by_label("Month", exact=True).fill("13")
    start.get_by_label("Year", exact=True).fill("2026")
    end.get_by_label("Day", exact=True).fill("31")
    end.get_by_label("Month", exact=True).fill("12")
    end.get_by_label("Year", exact=True).fill("2026")
    page.get_by_role("button", name=SHOW).click()

    assert url_path(page) == reverse("reports:report")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("listitem")).to_have_text([START_DATE_ERROR])
    expect(page.locator(".nhsuk-error-message")).to_have_text([f"Error: {START_DATE_ERROR}"])
    expect(start).to_have_accessible_description(re.compile(re.escape(START_DATE_ERROR)))
    assert page.title().startswith("Error: "), page.title()

    # Nothing typed is lost, and no report is shown.
    expect(page.get_by_label("Period", exact=True)).to_have_value("other")
    expect(start.get_by_label("Day", exact=True)).to_have_value("1")
    expect(start.get_by_label("Month", exact=True)).to_have_value("13")
    expect(start.get_by_label("Year", exact=True)).to_have_value("2026")
    expect(end.get_by_label("Day", exact=True)).to_have_value("31")
    expect(end.get_by_label("Month", exact=True)).to_have_value("12")
    expect(end.get_by_label("Year", exact=True)).to_have_value("2026")
    expect(page.get_by_role("heading", level=2, name="Referrals", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=XLSX_BUTTON)).to_have_count(0)
    screenshot(page, "1-errors")
    assert_accessible(page)

    # The summary's link leads to the field at fault.
    summary.get_by_role("link", name=START_DATE_ERROR).click()
    expect(start.get_by_label("Day", exact=True)).to_be_focused()


@pytest.mark.parametrize("viewport", [PHONE])
def test_on_a_phone_the_report_page_does_not_scroll_sideways(
    page, live_server, demo_users, screenshot
):
    quarter = this_quarter()
    sign_in(page, live_server, MANAGER, reverse("reports:dashboard"))
    assert page_overflow(page) <= 0, "The dashboard is wider than a phone"
    open_the_report(page, live_server)

    show_quarter(page, quarter)

    assert drawn_charts(page) > 0
    assert page_overflow(page) <= 0, (
        f"The report page is {page_overflow(page)}px wider than a {PHONE['width']}px phone"
    )
    # Tables wider than the phone scroll inside their own box instead, which the keyboard
    # can reach and scroll.
    boxes = scroll_boxes(page)
    assert any(box["scrolls"] for box in boxes), "No table is wider than a phone"
    assert all(box["focusable"] == box["scrolls"] for box in boxes), boxes
    wide = page.locator('.aligns-table-scroll[tabindex="0"]').first
    expect(wide).to_have_attribute("role", "region")
    expect(wide).to_have_accessible_name(re.compile(r": table, scrolls sideways$"))
    screenshot(page, "1-report-phone")
    assert_accessible(page)

    wide.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(box) => box.scrollLeft > 0", arg=wide.element_handle())
