"""What the manager's pages show, laid out for their templates."""

from dataclasses import dataclass

from reports.figures import GENERAL_NOTES, PERCENT

# The size of each small chart on the dashboard, in SVG units.
CHART_WIDTH, CHART_HEIGHT, BAR_GAP, LABEL_ROOM = 320, 120, 12, 20


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    x: int
    y: int
    width: int
    height: int

    @property
    def half_width(self):
        return self.width // 2


@dataclass(frozen=True)
class TrendChart:
    """One figure over the quarters, as bars drawn on the server (an inline SVG)."""

    title: str
    bars: list
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT + 2 * LABEL_ROOM

    @property
    def baseline(self):
        return LABEL_ROOM + CHART_HEIGHT


def trend_charts(trend):
    """A small bar chart per figure of `quarterly_trend`; a percentage is drawn against 100,
    a count against the largest quarter's."""
    quarters = [quarter for quarter, _ in trend]
    labels = list(trend[0][1]) if trend else []
    charts = []
    for label in labels:
        cells = [figures[label] for _, figures in trend]
        values = [cell.value or 0 for cell in cells]
        top = 100 if cells[0].kind == PERCENT else max(values) or 1
        width = (CHART_WIDTH - BAR_GAP * (len(cells) + 1)) // len(cells)
        bars = []
        for index, (quarter, cell, value) in enumerate(zip(quarters, cells, values, strict=True)):
            height = round(CHART_HEIGHT * value / top)
            bars.append(
                Bar(
                    label=quarter.short_label,
                    text=cell.display(),
                    x=BAR_GAP + index * (width + BAR_GAP),
                    y=LABEL_ROOM + CHART_HEIGHT - height,
                    width=width,
                    height=height,
                )
            )
        charts.append(TrendChart(label, bars))
    return charts


def report_page_context(result):
    """What the report page's figures are drawn from (templates/reports/_report_top.html and
    _report_tables.html), whether the page shows them at once or the worker renders them."""
    suppress = result.suppress_small_numbers
    return {
        "result": result,
        "tables": [
            (table, table.display_rows(suppress), table.chart_data(suppress))
            for table in result.tables
        ],
        "headlines": result.headlines(),
        "notes": GENERAL_NOTES,
    }
