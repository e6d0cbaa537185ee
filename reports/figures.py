"""The quarterly commissioner report: every figure, its definition, and how it is counted.

Each figure is a database aggregate: the queries group and count, and Python only lays out
the handful of rows they return. The number of queries is fixed whatever the data size
(tests/reports assert it). A figure is a `Cell` that knows its kind and how many people (or
records) it rests on, so small-number suppression can hide counts of 1 to 4 and any average
or rate worked out from fewer than 5.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Left, Lower, StrIndex, Trim, TruncMonth, Upper
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, pgettext, pgettext_lazy

from aligns.accounts.models import Hospital, Role
from aligns.catalogues.models import Need
from aligns.expressions import DaysBetween, Percentile, SecondsBetween
from aligns.routers import reading_for_reports
from clients.instruments import INSTRUMENTS, SUM, item_lower_is_better
from clients.models import Client, EthnicCategory, Gender, OutcomeMeasure, Timepoint
from clients.outcomes import score_keys
from referrals.figures import referral_counts
from referrals.models import DeclineReason, Referral, ReferralDay, Status
from reports.suppression import SMALL_NUMBER, withhold
from visits.figures import contacted_in_time, discharges_kept, scheme_figures
from visits.models import (
    ActivityDay,
    Concern,
    ConcernCategory,
    ContactDay,
    DischargeDay,
    EpisodeStatus,
    ExitOutcome,
    Extension,
    LoggerDay,
    OnwardReferral,
    Readmission,
    SchemeFigures,
    ServiceCategory,
    SupportEpisode,
)

# Counts from 1 to SMALL_NUMBER - 1 are hidden when small numbers are suppressed
# (reports/suppression.py), and with them any count that would give one away.
READMISSION_WINDOWS = (30, 60)
HOUR = 3600

COUNT, HOURS, DAYS, PERCENT, MEAN, CHANGE = "count", "hours", "days", "percent", "mean", "change"
# Which way a measure's better score goes (the outcomes table's "Better score is").
LOWER = pgettext_lazy("a better score is", "Lower")
HIGHER = pgettext_lazy("a better score is", "Higher")


@dataclass(frozen=True)
class Cell:
    """One figure. `base` is how many people or records an average or rate rests on."""

    value: float | int | None
    kind: str = COUNT
    base: int | None = None

    def is_suppressed(self, suppress):
        if not suppress:
            return False
        if self.kind == COUNT:
            return self.value is not None and 0 < self.value < SMALL_NUMBER
        return self.base is not None and 0 < self.base < SMALL_NUMBER

    def export_value(self, suppress, withheld=False):
        """A number for a spreadsheet, a marker if suppressed, or '' for no data. `withheld`:
        hidden although not small, as it would give a small count away (secondary)."""
        if self.is_suppressed(suppress):
            return "<5" if self.kind == COUNT else "n<5"
        if suppress and withheld:
            return "[c]" if self.kind == COUNT else "n<5"
        if self.value is None:
            return ""
        if self.kind == COUNT:
            return int(self.value)
        return round(float(self.value), 2 if self.kind == CHANGE else 1)

    def display(self, suppress=False, withheld=False):
        value = self.export_value(suppress, withheld)
        if isinstance(value, str):
            return value or gettext("No data")
        if self.kind == COUNT:
            return f"{value:,}"
        if self.kind == PERCENT:
            return f"{value:.1f}%"
        if self.kind == CHANGE:
            return f"{value:+.2f}"
        return f"{value:,.1f}"


@dataclass
class Table:
    key: str
    title: str
    definition: str
    header: list
    rows: list = field(default_factory=list)
    # For the web page: {"type": "bar" | "line", "column": index of the figure drawn}, or
    # "columns": [indexes] with "stacked": True for parts of a whole drawn one on another.
    chart: dict | None = None
    # Which counts add up to which, for secondary suppression: (total, parts) pairs of
    # positions, (row, column) in this table or (table key, row, column) in another.
    sums: list = field(default_factory=list)
    # Rates shown beside the counts they are worked out from: (rate, [whole, part]) positions.
    # A rate is hidden with any of its counts, or it would give the count away.
    rates: list = field(default_factory=list)
    # Counts shown beside a part of them whose rest is not shown but can be worked out
    # (referrals received and accepted: the rest were not): (whole, part) positions. A rate's
    # counts are such a pair too (discharges and those contacted in time).
    rests: list = field(default_factory=list)
    # (row, column) of the figures hidden only to protect a small count: set by build_report.
    withheld: set = field(default_factory=set)

    def _cells(self):
        for row_index, row in enumerate(self.rows):
            yield [((row_index, column), cell) for column, cell in enumerate(row)]

    def display_rows(self, suppress):
        """Each cell as (text, is_figure): figures are aligned right in tables."""
        return [
            [_show(cell, suppress, position in self.withheld) for position, cell in row]
            for row in self._cells()
        ]

    def figure_columns(self):
        """The indexes of columns holding figures rather than labels (from the first row)."""
        first = self.rows[0] if self.rows else []
        return [index for index, cell in enumerate(first) if isinstance(cell, Cell)]

    def export_rows(self, suppress):
        return [
            [
                cell.export_value(suppress, position in self.withheld)
                if isinstance(cell, Cell)
                else cell
                for position, cell in row
            ]
            for row in self._cells()
        ]

    @property
    def chart_id(self):
        return f"chart-{self.key}"

    def chart_data(self, suppress):
        """Labels and each drawn column's values for the chart; a suppressed or missing
        figure is drawn as a gap."""
        if not self.chart:
            return None
        columns = self.chart.get("columns", [self.chart.get("column")])
        exported = self.export_rows(suppress)
        return {
            "type": self.chart["type"],
            "stacked": self.chart.get("stacked", False),
            "labels": [str(row[0]) for row in self.rows],
            "datasets": [
                {
                    "label": self.header[column],
                    "values": [
                        row[column] if isinstance(row[column], int | float) else None
                        for row in exported
                    ],
                }
                for column in columns
            ],
        }


def _show(cell, suppress, withheld=False):
    if isinstance(cell, Cell):
        return cell.display(suppress, withheld), True
    return cell, False


def rows_add_up(total_row, part_rows, columns):
    """Sums down a table: in each of `columns`, `total_row` is the `part_rows` added up."""
    return [((total_row, column), [(row, column) for row in part_rows]) for column in columns]


def columns_add_up(rows, total_column, part_columns):
    """Sums across a table: in each of `rows`, `total_column` is the `part_columns` added up."""
    return [((row, total_column), [(row, column) for column in part_columns]) for row in rows]


def add_up_to(total, part_rows, column):
    """The cells of `column` in `part_rows` add up to `total`, a cell of another table
    given as (table key, row, column)."""
    return [(total, [(row, column) for row in part_rows])]


def _decisions_add_up(tables):
    """The referrals decided (timeliness) are those accepted and those declined (the referral
    tables), for all hospitals and for each one, matched by its name as both tables show it
    (a name two hospitals share is left out: its sums could not be told apart)."""
    by_key = {table.key: table for table in tables}
    timeliness = by_key.get("timeliness")
    if timeliness is None or "referrals" not in by_key:
        return

    def value(key, row, column):
        return by_key[key].rows[row][column].value

    def add_up(index, parts):
        # Only as it holds: a referral accepted without the time of its decision (none is,
        # through the service) is not among those decided.
        if value("timeliness", index, 3) == sum(value(*part) for part in parts):
            timeliness.sums.append(((index, 3), parts))

    add_up(0, [("referrals", 1, 1), ("referrals", 2, 1)])
    hospitals = by_key.get("referrals_by_hospital")
    if hospitals is None:
        return
    names = Counter(row[0] for row in hospitals.rows)
    row_of = {row[0]: index for index, row in enumerate(hospitals.rows) if names[row[0]] == 1}
    for index, row in enumerate(timeliness.rows[1:], start=1):
        if row[0] in row_of:
            add_up(index, [("referrals_by_hospital", row_of[row[0]], c) for c in (2, 3)])


def withhold_secondary(tables):
    """Set each table's `withheld`: the counts to hide, beyond those of 1 to 4, so that none
    of those can be worked out from the sums the tables declare (reports/suppression.py),
    and the rates worked out from any hidden count. True if some hidden count can still be
    worked out (the report is too small to share)."""
    values, primary, sums, unseen = {}, set(), [], set()
    for table in tables:
        for row in table._cells():
            for (row_index, column), cell in row:
                if isinstance(cell, Cell) and cell.kind == COUNT and cell.value is not None:
                    position = (table.key, row_index, column)
                    values[position] = int(cell.value)
                    if cell.is_suppressed(True):
                        primary.add(position)

        def placed(position, key=table.key):
            return position if len(position) == 3 else (key, *position)

        sums += [(placed(total), [placed(part) for part in parts]) for total, parts in table.sums]
        for whole, part in [*table.rests, *(counts for _, counts in table.rates)]:
            whole, part = placed(whole), placed(part)
            if whole in values and part in values:
                rest = (*whole, "rest", part)
                values[rest] = values[whole] - values[part]
                unseen.add(rest)
                if 0 < values[rest] < SMALL_NUMBER:
                    primary.add(rest)
                sums.append((whole, [part, rest]))
    withheld, exposed = withhold(values, primary, sums, unseen)
    hidden = primary | withheld
    for table in tables:
        table.withheld = {
            (row, column) for key, row, column in hidden - primary if key == table.key
        }
        table.withheld |= {
            rate
            for rate, counts in table.rates
            if any((table.key, *count) in hidden for count in counts)
        }
    return bool(exposed)


PERIOD_NOT_ENDED = gettext_lazy(
    "The period had not ended when this report was made: it holds what was logged up to "
    "then, and figures still open, such as first contacts within the window, can change."
)


@dataclass
class Report:
    scheme: object
    period: object
    generated_at: object
    suppress_small_numbers: bool
    tables: list
    # Some counts are so small that even hidden they can be worked out from the others.
    too_small_to_share: bool = False

    @property
    def period_not_ended(self):
        """Whether the period runs to the day the report was made or later: its figures are
        what was logged up to then, and those still open (a first call within 72 hours, a
        readmission within 30 days) can change."""
        return self.period.end >= timezone.localdate(self.generated_at)

    @property
    def not_ended_note(self):
        """What the page and every export say of a period not ended ("" when it has)."""
        return PERIOD_NOT_ENDED if self.period_not_ended else ""

    def table(self, key):
        return next(table for table in self.tables if table.key == key)

    def shown(self, key, row, column):
        """One figure as the report shows it (small numbers hidden if they are)."""
        table = self.table(key)
        cell = table.rows[row][column]
        return cell.display(self.suppress_small_numbers, (row, column) in table.withheld)

    def headlines(self):
        """What a commissioner asks first, read from the report's own tables (nothing is
        worked out twice): (label, figure, beside it, the table it comes from)."""
        readmitted = [
            (
                gettext("Readmitted within %(days)d days") % {"days": days},
                self.shown("readmissions", row, 3),
                gettext("Comparison figure: %(figure)s")
                % {"figure": self.shown("readmissions", row, 4)},
                "readmissions",
            )
            for row, days in enumerate(READMISSION_WINDOWS)
        ]
        outcome = self.table("outcomes").rows[0]
        better = (
            gettext("Lower is better; improved: %(improved)s")
            if outcome[1] is LOWER
            else gettext("Higher is better; improved: %(improved)s")
        )
        return [
            (gettext("Clients supported (episodes of support)"),
             self.shown("people_supported", 0, 1), "", "people_supported"),
            (gettext("Unique clients"), self.shown("people_supported", 1, 1), "",
             "people_supported"),
            (gettext("Calls and visits"), self.shown("activity", 2, 1),
             gettext("Successful: %(figure)s") % {"figure": self.shown("activity", 2, 2)},
             "activity"),
            (gettext("Hours of calls and visits"), self.shown("activity", 2, 3), "", "activity"),
            (self.table("contacted_within_72_hours").title,
             self.shown("contacted_within_72_hours", 0, 3),
             gettext("Of %(discharges)s discharges")
             % {"discharges": self.shown("contacted_within_72_hours", 0, 1)},
             "contacted_within_72_hours"),
            *readmitted,
            (gettext("%(measure)s: mean change") % {"measure": outcome[0]},
             self.shown("outcomes", 0, 5),
             better % {"improved": self.shown("outcomes", 0, 7)}, "outcomes"),
        ]  # fmt: skip


GENERAL_NOTES = [
    (
        gettext_lazy("Period"),
        gettext_lazy(
            "Whole days from the first to the last day given, in UK time. A referral counts "
            "in the period it was received; a contact, concern, extension or onward referral "
            "in the period it happened; an episode of support in every period in which it was "
            "open."
        ),
    ),
    (
        gettext_lazy("Discharge"),
        gettext_lazy(
            "The day the client went home (the start of their support). Times of discharge "
            "are not recorded, so a discharge is taken to be at midday, as the call schedule "
            "assumes."
        ),
    ),
    (
        gettext_lazy("Successful contact"),
        gettext_lazy(
            "A phone call or home visit in which the volunteer or coordinator spoke with the "
            "client."
        ),
    ),
    (
        gettext_lazy("<5 and n<5"),
        gettext_lazy(
            "Shown only when small numbers are suppressed: '<5' is a count of 1 to 4; 'n<5' "
            "is an average or rate worked out from fewer than 5 people or records, or one "
            "that would give such a count away."
        ),
    ),
    (
        "[c]",
        gettext_lazy(
            "Shown only when small numbers are suppressed: a count of 0 or of 5 or more, "
            "hidden so that no '<5' can be worked out from the totals (secondary "
            "suppression). Where counts add up to a total, in one table or across tables (a "
            "hospital's referrals and all referrals), the next smallest counts are hidden "
            "too, until no hidden count can be worked out exactly and no group of hidden "
            "counts adds up to fewer than 5. Totals shown are exact."
        ),
    ),
    (
        gettext_lazy("No data"),
        gettext_lazy("Nothing was recorded that the figure could be worked out from."),
    ),
    (
        gettext_lazy("Names"),
        gettext_lazy("The report holds figures only: no names, NHS numbers, addresses or notes."),
    ),
]


@dataclass(frozen=True)
class _Context:
    # A scheme; or a list of schemes (an organisation's report, a provider's headline figures)
    scheme: object
    period: object
    now: object

    @property
    def today(self):
        return timezone.localdate(self.now)

    @property
    def schemes(self):
        return self.scheme if isinstance(self.scheme, list) else [self.scheme]

    @property
    def several(self):
        """More than one scheme: a row by hospital names its scheme too, as two schemes may
        each have a hospital of the same name."""
        return len(self.schemes) > 1

    def of_scheme(self, prefix=""):
        """Rows of the scheme, or of any of the schemes; `prefix` reaches the scheme through
        a relation ("episode__")."""
        if isinstance(self.scheme, list):
            return Q(**{f"{prefix}scheme__in": self.scheme})
        return Q(**{f"{prefix}scheme": self.scheme})

    def grouped_by(self, scheme_field, *fields):
        """The fields that group rows by hospital or ward: with the scheme (reached by
        `scheme_field`, say "hospital__scheme") when there are several."""
        return [scheme_field, *fields] if self.several else list(fields)

    def by_scheme_name(self, scheme_field):
        """Rows of several schemes ordered by the scheme's name after the hospital's (for
        one scheme, nothing: its report's queries stay as they were)."""
        return [f"{scheme_field}__name"] if self.several else []

    def hospital_label(self, name, scheme_id=None):
        """A hospital as a row names it: with its scheme's name when there are several."""
        if not self.several or scheme_id is None:
            return name
        names = {scheme.pk: scheme.name for scheme in self.schemes}
        return f"{name} ({names[scheme_id]})"

    def during(self, field_name):
        """A filter for a datetime field falling within the period."""
        return Q(
            **{
                f"{field_name}__gte": self.period.starts_at,
                f"{field_name}__lt": self.period.ends_before,
            }
        )

    def on_days(self, field_name):
        """A filter for a date field falling within the period."""
        return Q(**{f"{field_name}__range": (self.period.start, self.period.end)})


def build_report(scheme, period, *, suppress_small_numbers=False, now=None, progress=None):
    """The whole report. `progress(done, total)` is told after each section (for exports)."""
    context = _Context(scheme, period, now or timezone.now())
    tables = []
    with reading_for_reports():
        for done, section in enumerate(SECTIONS, start=1):
            tables += section(context)
            if progress:
                progress(done, len(SECTIONS))
    # Worked out only for a report that hides small numbers: it is the slowest part of a
    # large one, and a report showing them hides nothing.
    if suppress_small_numbers:
        _decisions_add_up(tables)
    too_small = withhold_secondary(tables) if suppress_small_numbers else False
    return Report(scheme, period, context.now, suppress_small_numbers, tables, too_small)


# --- Referrals ----------------------------------------------------------------------------


def _referrals(context):
    return Referral.objects.filter(context.during("submitted_at"), context.of_scheme())


def _outcome_header():
    return [
        gettext("Received"),
        gettext("Accepted"),
        gettext("Declined"),
        gettext("Withdrawn"),
        gettext("Awaiting a decision"),
    ]


_OUTCOME_KEYS = ["received", "accepted", "declined", "withdrawn", "awaiting"]


def referral_tables(context):
    referrals = _referrals(context)
    totals = referrals.aggregate(**referral_counts())
    declined = dict(
        referrals.filter(status=Status.DECLINED)
        .values_list("decline_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Counted from the period's referrals (an index), then given to every hospital, those
    # with none too: not from each hospital's referrals of all time.
    counted = {
        row.pop("hospital"): row
        for row in referrals.values("hospital").annotate(**referral_counts()).order_by()
    }
    none = dict.fromkeys(_OUTCOME_KEYS, 0)
    by_hospital = [
        {"name": hospital["name"], "scheme": hospital["scheme"]} | counted.get(hospital["pk"], none)
        for hospital in Hospital.objects.filter(context.of_scheme())
        .order_by("name", *context.by_scheme_name("scheme"))
        .values("pk", "name", "scheme")
    ]
    by_ward = (
        referrals.values(*context.grouped_by("hospital__scheme", "hospital__name", "ward__name"))
        .annotate(**referral_counts())
        .order_by("hospital__name", *context.by_scheme_name("hospital__scheme"), "ward__name")
    )
    by_role = (
        referrals.annotate(role=Lower(Trim("referrer_role")))
        .values("role")
        .annotate(**referral_counts())
        .order_by("-received", "role")
    )
    by_month = {
        (row["month"].year, row["month"].month): row
        for row in referrals.annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(**referral_counts())
        .order_by("month")
    }

    def counts(row):
        return [Cell(row[key]) for key in _OUTCOME_KEYS]

    by_hospital, by_ward, by_role = list(by_hospital), list(by_ward), list(by_role)
    months = []
    month = context.period.start.replace(day=1)
    while month <= context.period.end:
        row = by_month.get((month.year, month.month), {})
        months.append(
            [date_format(month, "F Y"), *(Cell(row.get(key, 0)) for key in _OUTCOME_KEYS)]
        )
        month += relativedelta(months=1)

    return [
        Table(
            "referrals",
            gettext("Referrals"),
            gettext(
                "Referrals received from wards in the period, by what has happened to them "
                "since. 'Withdrawn' means the ward withdrew the referral before a decision."
            ),
            [gettext("Referrals"), gettext("Number")],
            [
                [label, Cell(totals[key])]
                for label, key in zip(
                    [
                        gettext("Received"),
                        gettext("Accepted"),
                        gettext("Declined"),
                        gettext("Withdrawn by the ward"),
                        gettext("Awaiting a decision"),
                    ],
                    _OUTCOME_KEYS,
                    strict=True,
                )
            ],
            sums=rows_add_up(0, range(1, 5), [1]),
        ),  # fmt: skip
        Table(
            "decline_reasons",
            gettext("Referrals declined, by reason"),
            gettext(
                "Referrals received in the period and declined, by the reason the coordinator gave."
            ),
            [gettext("Reason"), gettext("Referrals")],
            [[label, Cell(declined.get(code, 0))] for code, label in DeclineReason.choices],
            sums=add_up_to(("referrals", 2, 1), range(len(DeclineReason.choices)), 1),
        ),
        Table(
            "referrals_by_month",
            gettext("Referrals per month"),
            gettext(
                "Referrals received in each month of the period, by what has happened to them "
                "since."
            ),
            [gettext("Month"), *_outcome_header()],
            months,
            # Each month's bar is its referrals received, split by what became of them.
            chart={"type": "bar", "columns": [2, 3, 4, 5], "stacked": True},
            sums=_outcome_sums(len(months), first=1),
        ),
        Table(
            "referrals_by_hospital",
            gettext("Referrals by hospital"),
            gettext(
                "Referrals received in the period from each of the schemes' hospitals, each "
                "named with its scheme."
            )
            if context.several
            else gettext("Referrals received in the period from each of the scheme's hospitals."),
            [gettext("Hospital"), *_outcome_header()],
            [
                [context.hospital_label(row["name"], row["scheme"]), *counts(row)]
                for row in by_hospital
            ],
            sums=_outcome_sums(len(by_hospital), first=1),
        ),
        Table(
            "referrals_by_ward",
            gettext("Referrals by ward"),
            gettext("Referrals received in the period from each ward that referred."),
            [gettext("Hospital"), gettext("Ward"), *_outcome_header()],
            [
                [
                    context.hospital_label(row["hospital__name"], row.get("hospital__scheme")),
                    row["ward__name"],
                    *counts(row),
                ]
                for row in by_ward
            ],
            sums=_outcome_sums(len(by_ward), first=2) + _wards_add_up(by_hospital, by_ward),
        ),
        Table(
            "referrals_by_role",
            gettext("Referrals by referrer's role"),
            gettext(
                "Referrals received in the period by the job title the referrer gave (as "
                "typed, ignoring capitals and spaces around it)."
            ),
            [gettext("Referrer's job title"), *_outcome_header()],
            [
                [row["role"].capitalize() if row["role"] else gettext("Not given"), *counts(row)]
                for row in by_role
            ],
            sums=_outcome_sums(len(by_role), first=1),
        ),
    ]


def _outcome_sums(row_count, *, first):
    """A table of referral outcomes from column `first`: in each row, received is the
    outcomes added up, and each column adds up to the same figure in the referrals table."""
    rows = range(row_count)
    outcomes = range(first + 1, first + len(_OUTCOME_KEYS))
    sums = columns_add_up(rows, first, outcomes)
    for offset in range(len(_OUTCOME_KEYS)):
        sums += add_up_to(("referrals", offset, 1), rows, first + offset)
    return sums


def _wards_add_up(by_hospital, by_ward):
    """Each hospital's referrals are its wards' added up (the wards of its own scheme, when
    rows are of several schemes)."""
    sums = []
    for hospital_row, hospital in enumerate(by_hospital):
        wards = [
            ward_row
            for ward_row, ward in enumerate(by_ward)
            if ward["hospital__name"] == hospital["name"]
            and ward.get("hospital__scheme", hospital["scheme"]) == hospital["scheme"]
        ]
        for offset in range(len(_OUTCOME_KEYS)):
            sums += add_up_to(
                ("referrals_by_hospital", hospital_row, 1 + offset), wards, 2 + offset
            )
    return sums


# --- Timeliness ---------------------------------------------------------------------------


def _discharged(context):
    """Episodes whose client went home in the period, each with the seconds to its first
    contact (kept on the episode: SupportEpisode.first_contact_seconds)."""
    return SupportEpisode.objects.filter(context.on_days("start_date"), context.of_scheme())


def last_day_with_window_passed(now, scheme):
    """The last discharge day whose first call (Scheme.first_call_due) had fallen due by
    `now`: discharges up to then have had their whole first-contact window."""
    day = timezone.localdate(now)
    while scheme.first_call_due(day) > now:
        day -= timedelta(days=1)
    return day


def _first_contact_figures(context):
    window_passed, in_time = _first_contact_windows(context)
    seconds = F("first_contact_seconds")
    return {
        "first_contact_median": Percentile(seconds, 0.5),
        "first_contact_p90": Percentile(seconds, 0.9),
        # The discharge day counted, not the id: the headline's counts then read the index
        # (scheme, start_date, first_contact_seconds) alone.
        "first_contacts": Count("start_date", filter=Q(first_contact_seconds__isnull=False)),
        "window_passed": Count("start_date", filter=window_passed),
        "within_72": Count("start_date", filter=in_time),
    }


def _first_contact_windows(context):
    """Filters of discharges: those whose first-contact window had passed by `now`, and those
    of them contacted within it, each scheme's discharges judged by its own window. Schemes
    with the same rules (_same_first_contact_rules) share one condition, so the figures stay
    one query however many schemes there are."""

    def judged(scheme):
        passed = Q(start_date__lte=last_day_with_window_passed(context.now, scheme))
        in_time = contacted_in_time(scheme.first_contact_window.total_seconds())
        return passed, passed & in_time

    groups = _same_first_contact_rules(context.schemes, context.now)
    if len(groups) <= 1:
        return judged(context.schemes[0]) if context.schemes else (Q(), Q())
    window_passed, in_time = Q(), Q()
    for group in groups:
        passed, contacted = judged(group[0])
        window_passed |= Q(scheme__in=group) & passed
        in_time |= Q(scheme__in=group) & contacted
    return window_passed, in_time


def contacted_in_time_label(scheme):
    """What the first-contact figure is called: the scheme's own window, 72 hours by default."""
    return gettext("Contacted within %(hours)d hours of discharge") % {
        "hours": scheme.first_contact_hours
    }


def _one_window_hours(context):
    """The hours of the first-contact window all the schemes share, or None if they differ."""
    hours = {scheme.first_contact_hours for scheme in context.schemes}
    return hours.pop() if len(hours) == 1 else None


def _decision_figures():
    decided = Q(decided_at__isnull=False, status__in=[Status.ACCEPTED, Status.DECLINED])
    seconds = SecondsBetween("submitted_at", "decided_at")
    return {
        "decision_median": Percentile(seconds, 0.5, filter=decided),
        "decision_p90": Percentile(seconds, 0.9, filter=decided),
        "decisions": Count("pk", filter=decided),
    }


def _each_row_once(queryset):
    """The queryset as a subquery PostgreSQL will not inline, so that an annotation used by
    several aggregates is worked out once per row, not once per aggregate.

    The limit is never reached; it only stops the planner merging the subquery into the
    outer query (measured on a national year: outcomes 5.9 s -> 1.9 s when the scores were
    subqueries; 435 -> ms with each score read from the kept JSON; the same figures).
    """
    return queryset[:_NEVER_REACHED]


_NEVER_REACHED = 10**12


def _hours(seconds, base):
    return Cell(None if seconds is None else seconds / HOUR, HOURS, base)


def _percent(part, whole):
    """A percentage, hidden under suppression if it would give away a count of 1 to 4: its
    numerator, its denominator, or the difference between them."""
    counts = [count for count in (part, whole - part, whole) if count > 0]
    return Cell(100 * part / whole if whole else None, PERCENT, min(counts, default=0))


def _by_hospital(context, queryset, hospital, aggregates):
    """{(scheme id or None, hospital name): figures}: the figures of each hospital, `hospital`
    reaching its name ("referral__hospital__name"), and of its scheme when there are
    several."""
    grouped = context.grouped_by("scheme", hospital)
    return {
        (row.pop("scheme", None), row.pop(hospital)): row
        for row in queryset.values(*grouped).annotate(**aggregates).order_by()
    }


def timeliness_tables(context):
    hours = _one_window_hours(context)
    decisions = {None: _referrals(context).aggregate(**_decision_figures())}
    decisions |= _by_hospital(context, _referrals(context), "hospital__name", _decision_figures())
    discharged = _discharged(context)
    contacts = {None: discharged.aggregate(**_first_contact_figures(context))}
    contacts |= _by_hospital(
        context, discharged, "referral__hospital__name", _first_contact_figures(context)
    )
    buckets = discharged.aggregate(
        within_24=Count("pk", filter=Q(first_contact_seconds__lte=24 * HOUR)),
        within_48=Count(
            "pk",
            filter=Q(first_contact_seconds__gt=24 * HOUR, first_contact_seconds__lte=48 * HOUR),
        ),
        within_72=Count(
            "pk",
            filter=Q(first_contact_seconds__gt=48 * HOUR, first_contact_seconds__lte=72 * HOUR),
        ),
        later=Count("pk", filter=Q(first_contact_seconds__gt=72 * HOUR)),
        none_yet=Count("pk", filter=Q(first_contact_at__isnull=True)),
    )
    labels = {
        key: context.hospital_label(key[1], key[0])
        for key in set(decisions) | set(contacts)
        if key is not None and key[1]
    }
    hospitals = [None] + sorted(labels, key=labels.get)
    empty_decisions = dict.fromkeys(_decision_figures(), None) | {"decisions": 0}
    empty_contacts = dict.fromkeys(_first_contact_figures(context), None) | {
        "first_contacts": 0,
        "window_passed": 0,
        "within_72": 0,
    }
    rows = []
    contacted_rows = []
    for key in hospitals:
        decision = decisions.get(key, empty_decisions)
        contact = contacts.get(key, empty_contacts)
        label = labels[key] if key else gettext("All hospitals")
        rows.append(
            [
                label,
                _hours(decision["decision_median"], decision["decisions"]),
                _hours(decision["decision_p90"], decision["decisions"]),
                Cell(decision["decisions"]),
                _hours(contact["first_contact_median"], contact["first_contacts"]),
                _hours(contact["first_contact_p90"], contact["first_contacts"]),
                Cell(contact["first_contacts"]),
            ]
        )
        contacted_rows.append(
            [
                label,
                Cell(contact["window_passed"]),
                Cell(contact["within_72"]),
                _percent(contact["within_72"], contact["window_passed"]),
            ]
        )
    return [
        Table(
            "timeliness",
            gettext("Timeliness"),
            gettext(
                "Hours from a referral being received to the coordinator's decision (accepted "
                "or declined), for referrals received in the period; and hours from discharge "
                "to the first successful contact, for discharges in the period that have had "
                "one so far (see the next table for those not yet reached). Median: half took "
                "less. 90th percentile: nine in ten took less. Clock hours, not working hours."
            ),
            [
                gettext("Hospital"),
                gettext("Referral to decision: median hours"),
                gettext("Referral to decision: 90th percentile hours"),
                gettext("Referrals decided"),
                gettext("Discharge to first contact: median hours"),
                gettext("Discharge to first contact: 90th percentile hours"),
                gettext("Discharges contacted"),
            ],
            rows,
            sums=rows_add_up(0, range(1, len(rows)), [3, 6]),
        ),
        Table(
            "contacted_within_72_hours",
            *_contacted_in_time_words(context, hours),
            [
                gettext("Hospital"),
                gettext("Discharges"),
                gettext("Contacted within %(hours)d hours") % {"hours": hours}
                if hours
                else gettext("Contacted within the scheme's window"),
                gettext("Percentage"),
            ],
            contacted_rows,
            sums=rows_add_up(0, range(1, len(contacted_rows)), [1, 2]),
            rates=[((row, 3), [(row, 1), (row, 2)]) for row in range(len(contacted_rows))],
        ),
        Table(
            "time_to_first_contact",
            gettext("Time from discharge to first successful contact"),
            gettext(
                "Discharges in the period, by how long after discharge the first successful "
                "contact came."
            ),
            [gettext("Time after discharge"), gettext("Discharges")],
            [
                [gettext("Within 24 hours"), Cell(buckets["within_24"])],
                [gettext("24 to 48 hours"), Cell(buckets["within_48"])],
                [gettext("48 to 72 hours"), Cell(buckets["within_72"])],
                [gettext("More than 72 hours"), Cell(buckets["later"])],
                [gettext("No successful contact yet"), Cell(buckets["none_yet"])],
            ],
            chart={"type": "bar", "column": 1},
            # The first four are the discharges contacted, in the timeliness table.
            sums=add_up_to(("timeliness", 0, 6), range(4), 1),
        ),
    ]


def _contacted_in_time_words(context, hours):
    """The contacted-in-time table's title and definition: in the window's hours when every
    scheme has the same window, otherwise each scheme's discharges in its own window."""
    if hours:
        return contacted_in_time_label(context.schemes[0]), gettext(
            "Discharges in the period whose %(hours)d hours after discharge (the scheme's "
            "first-contact window) had passed when the report was made (a client "
            "discharged twice counts twice); how many had a successful contact within "
            "those %(hours)d hours."
        ) % {"hours": hours}
    windows = sorted({scheme.first_contact_hours for scheme in context.schemes})
    return str(ORGANISATION_CONTACTED_LABEL), gettext(
        "Discharges in the period whose first-contact window had passed when the report "
        "was made (a client discharged twice counts twice); how many had a successful "
        "contact within it. Each scheme's discharges are judged by the window that scheme "
        "has set, then added up (the schemes' windows, in hours after discharge: "
        "%(windows)s)."
    ) % {"windows": ", ".join(str(window) for window in windows)}


# --- People supported ---------------------------------------------------------------------


def supported_episodes(context):
    """Episodes open on at least one day of the period, counted from discharge."""
    return SupportEpisode.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=context.period.start),
        context.of_scheme(),
        start_date__isnull=False,
        start_date__lte=context.period.end,
    )


def _people_counts(context):
    return {
        "episodes": Count("pk"),
        "clients": Count("client", distinct=True),
        "new": Count("pk", filter=Q(start_date__gte=context.period.start)),
        "continuing": Count("pk", filter=Q(start_date__lt=context.period.start)),
    }


AGE_BANDS = [(None, 50), (50, 65), (65, 75), (75, 85), (85, None)]
# The people supported table's unique clients, which each breakdown of clients adds up to.
UNIQUE_CLIENTS = ("people_supported", 1, 1)


def _age_band_key(low, high):
    """The band's name in the query, the same in every language."""
    return f"{low or ''}-{high or ''}"


def _age_band_label(low, high):
    if low is None:
        return gettext("Under %(age)d") % {"age": high}
    if high is None:
        return gettext("%(age)d and over") % {"age": low}
    return gettext("%(low)d to %(high)d") % {"low": low, "high": high - 1}


def people_tables(context):
    episodes = supported_episodes(context)
    totals = episodes.aggregate(**_people_counts(context))
    # The scheme's clients first (an index), then those supported: a small scheme's report
    # then reads its own clients, not every scheme's.
    clients = Client.objects.filter(context.of_scheme(), pk__in=episodes.values("client_id"))
    end = context.period.end

    def born_before_age(age):
        return end - relativedelta(years=age)

    band = Case(
        *[
            When(
                Q(
                    *([Q(date_of_birth__lte=born_before_age(low))] if low else []),
                    *([Q(date_of_birth__gt=born_before_age(high))] if high else []),
                ),
                then=Value(_age_band_key(low, high)),
            )
            for low, high in AGE_BANDS
        ],
        output_field=CharField(),
    )
    postcode = Upper(Trim("postcode"))
    district = Case(
        When(postcode__contains=" ", then=Left(postcode, StrIndex(postcode, Value(" ")) - 1)),
        default=postcode,
        output_field=CharField(),
    )
    # The four breakdowns from one reading of the clients, grouped by all four at once and
    # added up here: a few thousand groups at national size, rather than four reads.
    ages, genders, ethnicities, by_district = Counter(), Counter(), Counter(), Counter()
    for age_band, gender, ethnicity, district_name, n in (
        clients.annotate(band=band, district=district)
        .values_list("band", "gender", "ethnic_category", "district")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        ages[age_band] += n
        genders[gender] += n
        ethnicities[ethnicity] += n
        by_district[district_name] += n
    districts = sorted(by_district.items(), key=lambda item: (item[0] is None, item[0] or ""))
    by_ward = list(
        episodes.values(
            *context.grouped_by("scheme", "referral__hospital__name", "referral__ward__name")
        )
        .annotate(**_people_counts(context))
        .order_by(
            "referral__hospital__name", *context.by_scheme_name("scheme"), "referral__ward__name"
        )
    )
    return [
        Table(
            "people_supported",
            gettext("People supported"),
            gettext(
                "Episodes of support open on at least one day of the period, from discharge to "
                "closing. Unique clients counts each person once however many episodes they "
                "had. New: the client went home in the period. Continuing: support began "
                "earlier."
            ),
            [gettext("Figure"), gettext("Number")],
            [
                [gettext("Episodes of support"), Cell(totals["episodes"])],
                [gettext("Unique clients"), Cell(totals["clients"])],
                [gettext("New episodes"), Cell(totals["new"])],
                [gettext("Continuing episodes"), Cell(totals["continuing"])],
            ],
            sums=rows_add_up(0, [2, 3], [1]),
        ),
        Table(
            "people_by_ward",
            gettext("People supported by referring ward"),
            gettext("As 'People supported', by the ward that referred each episode."),
            [
                gettext("Hospital"),
                gettext("Ward"),
                gettext("Episodes"),
                gettext("Unique clients"),
                pgettext("episodes of support", "New"),
                pgettext("episodes of support", "Continuing"),
            ],
            [
                [
                    context.hospital_label(row["referral__hospital__name"], row.get("scheme")),
                    row["referral__ward__name"],
                    *(Cell(row[key]) for key in ("episodes", "clients", "new", "continuing")),
                ]
                for row in by_ward
            ],
            sums=columns_add_up(range(len(by_ward)), 2, [4, 5])
            + add_up_to(("people_supported", 0, 1), range(len(by_ward)), 2)
            + add_up_to(("people_supported", 2, 1), range(len(by_ward)), 4)
            + add_up_to(("people_supported", 3, 1), range(len(by_ward)), 5),
        ),
        Table(
            "age_bands",
            gettext("Age"),
            gettext(
                "Unique clients supported in the period, by age on the last day of the period."
            ),
            [gettext("Age band"), gettext("Clients")],
            [
                [_age_band_label(low, high), Cell(ages.get(_age_band_key(low, high), 0))]
                for low, high in AGE_BANDS
            ],
            sums=add_up_to(UNIQUE_CLIENTS, range(len(AGE_BANDS)), 1),
        ),
        Table(
            "gender",
            gettext("Gender"),
            gettext(
                "Unique clients supported in the period, by gender as the client describes it "
                "(NHS Data Dictionary: person stated gender). 'Not asked yet': nothing "
                "recorded."
            ),
            [gettext("Gender"), gettext("Clients")],
            [[label, Cell(genders.get(code, 0))] for code, label in Gender.choices]
            + [[gettext("Not asked yet"), Cell(genders.get("", 0))]],
            sums=add_up_to(UNIQUE_CLIENTS, range(len(Gender.choices) + 1), 1),
        ),
        Table(
            "ethnicity",
            gettext("Ethnic group"),
            gettext(
                "Unique clients supported in the period, by NHS ethnic category code. 'Not "
                "stated': the client chose not to say. 'Not asked yet': nothing recorded."
            ),
            [gettext("Code"), gettext("Ethnic group"), gettext("Clients")],
            [
                [code, label, Cell(ethnicities.get(code, 0))]
                for code, label in EthnicCategory.choices
            ]
            + [["", gettext("Not asked yet"), Cell(ethnicities.get("", 0))]],
            sums=add_up_to(UNIQUE_CLIENTS, range(len(EthnicCategory.choices) + 1), 2),
        ),
        Table(
            "postcode_districts",
            gettext("Postcode district"),
            gettext("Unique clients supported in the period, by the first half of their postcode."),
            [gettext("Postcode district"), gettext("Clients")],
            [[name, Cell(count)] for name, count in districts],
            sums=add_up_to(UNIQUE_CLIENTS, range(len(districts)), 1),
        ),
    ]


# --- Activity -----------------------------------------------------------------------------


def contacts_in_period(scheme, period):
    """How many calls and visits the report counts: a measure of how long it takes to make.
    From the days kept (a row a day), as the report page asks before anything else."""
    return _contact_days(_Context(scheme, period, timezone.now()))["contacts"]


def _contact_days(context):
    """The period's calls and visits, successful ones and minutes, summed from the days kept
    as contacts are logged (visits.figures): the same figures as counting the contacts
    (tests/reports/test_kept_figures.py), from a row a day rather than every contact."""
    return _days(context).aggregate(**_CONTACT_DAY_SUMS)


def _days(context, model=ContactDay):
    """The period's rows of a figure kept a day (ContactDay, ActivityDay, LoggerDay)."""
    return model.objects.filter(context.on_days("day"), context.of_scheme())


_CONTACT_DAY_SUMS = {
    "contacts": Sum("contacts", default=0),
    "successful": Sum("successful", default=0),
    "minutes": Sum("minutes", default=0),
}


def _minutes_as_hours(minutes, base):
    return Cell((minutes or 0) / 60, HOURS, base)


def activity_tables(context):
    """From the figures kept a day as contacts are logged (visits.figures), never from the
    contacts: a quarter is some ninety rows of each, whatever the scheme's size."""
    totals = _days(context).aggregate(
        **_CONTACT_DAY_SUMS,
        calls=Sum("calls", default=0),
        calls_answered=Sum("calls_successful", default=0),
        call_minutes=Sum("call_minutes", default=0),
    )
    calls, contacts = totals["calls"], totals["contacts"]
    visits = contacts - calls
    # Whoever is a volunteer now, as counting the contacts by who logged them would give.
    volunteers = (
        _days(context, LoggerDay)
        .filter(logged_by__role=Role.VOLUNTEER)
        .aggregate(
            active_volunteers=Count("logged_by", distinct=True),
            volunteer_minutes=Sum("minutes"),
        )
    )
    done = dict(
        _days(context, ActivityDay).values_list("need").annotate(n=Sum("contacts")).order_by()
    )
    return [
        Table(
            "activity",
            gettext("Calls and visits"),
            gettext(
                "Phone calls and home visits made in the period, as logged. Successful: the "
                "client was spoken with. Hours: the length of each call or visit as logged, "
                "added up."
            ),
            [gettext("Contact"), gettext("Attempted"), gettext("Successful"), gettext("Hours")],
            [
                [
                    gettext("Phone calls"),
                    Cell(calls),
                    Cell(totals["calls_answered"]),
                    _minutes_as_hours(totals["call_minutes"], calls),
                ],
                [
                    gettext("Home visits"),
                    Cell(visits),
                    Cell(totals["successful"] - totals["calls_answered"]),
                    _minutes_as_hours(totals["minutes"] - totals["call_minutes"], visits),
                ],
                [
                    gettext("All calls and visits"),
                    Cell(contacts),
                    Cell(totals["successful"]),
                    _minutes_as_hours(totals["minutes"], contacts),
                ],
            ],
            sums=rows_add_up(2, [0, 1], [1, 2]),
        ),
        Table(
            "volunteers",
            gettext("Volunteers"),
            gettext(
                "Active volunteers: volunteers who logged at least one call or visit in the "
                "period. Volunteer hours: the hours of the calls and visits they logged "
                "(travel and other time is not recorded)."
            ),
            [gettext("Figure"), gettext("Value")],
            [
                [gettext("Active volunteers"), Cell(volunteers["active_volunteers"])],
                [
                    gettext("Volunteer hours"),
                    _minutes_as_hours(
                        volunteers["volunteer_minutes"], volunteers["active_volunteers"]
                    ),
                ],
            ],
        ),
        Table(
            "activity_types",
            gettext("Activities"),
            gettext(
                "Calls and visits in the period that included each activity (one call or visit "
                "can include several)."
            ),
            [gettext("Activity"), gettext("Calls and visits")],
            [[need.shown, Cell(done.get(need.pk, 0))] for need in Need.objects.all()],
        ),
    ]


# --- Episodes -----------------------------------------------------------------------------


def episode_tables(context):
    closed = SupportEpisode.objects.filter(
        context.on_days("closed_on"), context.of_scheme(), status=EpisodeStatus.CLOSED
    )
    outcomes = dict(closed.values_list("exit_outcome").annotate(n=Count("pk")).order_by())
    started = Q(start_date__isnull=False)
    length = DaysBetween("start_date", "closed_on") + 1
    lengths = closed.aggregate(
        closed=Count("pk"),
        with_support=Count("pk", filter=started),
        median_days=Percentile(length, 0.5, filter=started),
    )
    extensions = Extension.objects.filter(
        context.during("extended_at"), context.of_scheme("episode__")
    ).aggregate(granted=Count("pk"), episodes=Count("episode", distinct=True), weeks=Sum("weeks"))
    return [
        Table(
            "episodes_closed",
            gettext("Episodes closed, by outcome"),
            gettext(
                "Episodes of support closed in the period, by the outcome the coordinator "
                "recorded on closing."
            ),
            [gettext("Outcome"), gettext("Episodes")],
            [[label, Cell(outcomes.get(code, 0))] for code, label in ExitOutcome.choices],
            sums=add_up_to(("episode_length", 0, 1), range(len(ExitOutcome.choices)), 1),
        ),
        Table(
            "episode_length",
            gettext("Length of support and extensions"),
            gettext(
                "Length: days from discharge to closing, both included, for episodes closed in "
                "the period after support began. Extensions: extensions agreed in the period."
            ),
            [gettext("Figure"), gettext("Value")],
            [
                [gettext("Episodes closed"), Cell(lengths["closed"])],
                [
                    gettext("Median length of support (days)"),
                    Cell(lengths["median_days"], DAYS, lengths["with_support"]),
                ],
                [gettext("Extensions agreed"), Cell(extensions["granted"])],
                [gettext("Episodes extended"), Cell(extensions["episodes"])],
                [gettext("Weeks added by extensions"), Cell(extensions["weeks"] or 0)],
            ],
        ),
    ]


# --- Readmissions -------------------------------------------------------------------------


def _readmitted_within(days):
    return Exists(
        Readmission.objects.filter(episode=OuterRef("pk"))
        .alias(day=DaysBetween("episode__start_date", "admitted_on"))
        .filter(day__gte=0, day__lte=days)
    )


def readmission_tables(context):
    episodes = SupportEpisode.objects.filter(
        context.on_days("start_date"), context.of_scheme()
    ).annotate(**{f"readmitted_{days}": _readmitted_within(days) for days in READMISSION_WINDOWS})
    figures = {}
    for days in READMISSION_WINDOWS:
        # Followed up once the whole of day `days` after discharge is over.
        followed = Q(start_date__lt=context.today - timedelta(days=days))
        figures[f"followed_{days}"] = Count("pk", filter=followed)
        figures[f"readmitted_{days}_n"] = Count(
            "pk", filter=followed & Q(**{f"readmitted_{days}": True})
        )
    totals = episodes.aggregate(**figures)
    comparisons, source = _readmission_comparisons(context)
    return [
        Table(
            "readmissions",
            gettext("Readmissions"),
            gettext(
                "As recorded by the scheme, not taken from hospital records. Clients who went "
                "home in the period and for whom the whole 30 (or 60) days after discharge "
                "have passed; how many were readmitted to hospital within that many days of "
                "discharge (day 30 counts; day 31 does not). Each discharge is counted once. "
                "The comparison figure is set by the scheme: %(source)s."
            )
            % {"source": source},
            [
                gettext("Within"),
                gettext("Discharges followed up"),
                gettext("Readmitted"),
                gettext("Percentage"),
                gettext("Comparison figure"),
            ],
            [
                [
                    gettext("%(days)d days") % {"days": days},
                    Cell(totals[f"followed_{days}"]),
                    Cell(totals[f"readmitted_{days}_n"]),
                    _percent(totals[f"readmitted_{days}_n"], totals[f"followed_{days}"]),
                    Cell(comparisons[days], PERCENT),
                ]
                for days in READMISSION_WINDOWS
            ],
            rates=[((row, 3), [(row, 1), (row, 2)]) for row in range(len(READMISSION_WINDOWS))],
        )
    ]


def _readmission_comparisons(context):
    """The comparison figures the scheme set, and where they come from. For several schemes,
    theirs if they all set the same; otherwise none (a figure for one scheme's hospitals is
    no comparison for all of them)."""
    settings = {
        (
            scheme.readmission_comparison_30,
            scheme.readmission_comparison_60,
            scheme.readmission_comparison_source,
        )
        for scheme in context.schemes
    }
    if len(settings) != 1:
        return {30: None, 60: None}, gettext(
            "each scheme sets its own, so none is shown for the schemes together (see each "
            "scheme's report)"
        )
    within_30, within_60, source = settings.pop()
    return {30: within_30, 60: within_60}, source or gettext("No comparison figure set")


# --- Outcomes -----------------------------------------------------------------------------


def _outcome_rows(context):
    """Baseline and end pairs for each instrument's scores (its total, or each item scored
    separately), all from one query: each end measure keeps its scores and the baseline it is
    compared with (clients.outcomes). [(instrument, the item or None for the total,
    lower_is_better, figures)]."""
    ends_in_period = OutcomeMeasure.objects.filter(
        context.on_days("taken_on"), instrument__in=INSTRUMENTS, timepoint=Timepoint.END
    )
    # A later end measure of the same client: the client is enough to keep it in the scheme.
    later_end = ends_in_period.filter(
        Q(taken_on__gt=OuterRef("taken_on"))
        | Q(taken_on=OuterRef("taken_on"), pk__gt=OuterRef("pk")),
        client=OuterRef("client"),
        instrument=OuterRef("instrument"),
    )
    pairs = (
        ends_in_period.filter(context.of_scheme("client__"), baseline__isnull=False)
        .exclude(Exists(later_end))
        .order_by()  # counted, not listed: no sort by the measures' default order
    )
    rows, aggregates = [], {}
    for instrument in INSTRUMENTS.values():
        items = [None] if instrument.scoring == SUM else instrument.items
        for item, key in zip(items, score_keys(instrument), strict=True):
            n = len(rows)
            end = Cast(KeyTextTransform(key, "scores"), IntegerField())
            base = Cast(KeyTextTransform(key, "baseline__scores"), IntegerField())
            pairs = pairs.annotate(**{f"end_score_{n}": end, f"base_score_{n}": base})
            end, base = F(f"end_score_{n}"), F(f"base_score_{n}")
            both = Q(instrument=instrument.code, **{f"end_score_{n}__isnull": False}) & Q(
                **{f"base_score_{n}__isnull": False}
            )
            lower_is_better = (
                instrument.lower_is_better
                if item is None
                else item_lower_is_better(instrument, key)
            )
            improved = Q(**{f"end_score_{n}__{'lt' if lower_is_better else 'gt'}": base})
            aggregates |= {
                f"pairs_{n}": Count("pk", filter=both),
                f"base_{n}": Avg(base, filter=both),
                f"end_{n}": Avg(end, filter=both),
                f"change_{n}": Avg(end - base, filter=both),
                f"improved_{n}": Count("pk", filter=both & improved),
            }
            rows.append((instrument, item, lower_is_better))
    figures = _each_row_once(pairs).aggregate(**aggregates)
    names = ("pairs", "base", "end", "change", "improved")
    return [
        (instrument, item, lower_is_better, {name: figures[f"{name}_{n}"] for name in names})
        for n, (instrument, item, lower_is_better) in enumerate(rows)
    ]


def outcome_tables(context):
    rows = []
    for instrument, item, lower_is_better, figures in _outcome_rows(context):
        label = (
            gettext("%(measure)s: total") % {"measure": instrument.name}
            if item is None
            else gettext("%(measure)s: %(item)s") % {"measure": instrument.name, "item": item.short}
        )
        pairs = figures["pairs"]
        rows.append(
            [
                label,
                LOWER if lower_is_better else HIGHER,
                Cell(pairs),
                Cell(figures["base"], MEAN, pairs),
                Cell(figures["end"], MEAN, pairs),
                Cell(figures["change"], CHANGE, pairs),
                Cell(figures["improved"]),
                _percent(figures["improved"], pairs),
            ]
        )
    return [
        Table(
            "outcomes",
            gettext("Outcomes: loneliness and wellbeing"),
            gettext(
                "Clients whose end-of-support measure was taken in the period and who also "
                "have a baseline measure taken on or before that day (their latest end measure "
                "in the period, with the latest baseline up to it). A missing answer is never "
                "counted as zero: a pair counts only where both scores exist, and a total only "
                "where every item was answered. Change: end minus baseline. Improved: the "
                "score moved in the better direction."
            ),
            [
                gettext("Measure"),
                gettext("Better score is"),
                gettext("Pairs"),
                gettext("Mean at baseline"),
                gettext("Mean at end"),
                gettext("Mean change"),
                gettext("Improved"),
                gettext("Percentage improved"),
            ],
            rows,
            # The share improved, not the mean change: "better" is down for some measures
            # and up for others, so a chart of changes would point both ways.
            chart={"type": "bar", "column": 7},
            rates=[((row, 7), [(row, 2), (row, 6)]) for row in range(len(rows))],
        )
    ]


# --- Concerns and onward referrals --------------------------------------------------------


def concern_and_onward_tables(context):
    concerns = dict(
        Concern.objects.filter(context.during("raised_at"), context.of_scheme("episode__"))
        .values_list("category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    onward = {
        row["service__category"]: row
        for row in OnwardReferral.objects.filter(
            context.on_days("referred_on"), context.of_scheme("episode__")
        )
        .values("service__category")
        .annotate(made=Count("pk"), accepted=Count("pk", filter=Q(outcome="accepted")))
        .order_by()
    }
    none = {"made": 0, "accepted": 0}
    return [
        Table(
            "concerns",
            gettext("Concerns raised"),
            gettext(
                "Concerns about a client's safety or wellbeing raised in the period (by "
                "volunteers, coordinators, or automatically after two unanswered calls or a home "
                "visit nobody answered), by category."
            ),
            [gettext("Category"), gettext("Concerns")],
            [[label, Cell(concerns.get(code, 0))] for code, label in ConcernCategory.choices],
        ),
        Table(
            "onward_referrals",
            gettext("Onward referrals"),
            gettext(
                "Referrals made in the period to other community services, by the kind of "
                "service, and how many the service has accepted so far."
            ),
            [gettext("Service"), gettext("Referrals made"), gettext("Accepted")],
            [
                [
                    label,
                    Cell(onward.get(code, none)["made"]),
                    Cell(onward.get(code, none)["accepted"]),
                ]
                for code, label in ServiceCategory.choices
            ],
        ),
    ]


SECTIONS = [
    referral_tables,
    timeliness_tables,
    people_tables,
    activity_tables,
    episode_tables,
    readmission_tables,
    outcome_tables,
    concern_and_onward_tables,
]


# --- The manager's dashboard --------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    label: str
    this_period: Cell
    last_period: Cell


def headline_figures(scheme, period, *, now=None):
    """The handful of figures a manager watches, from the same queries as the report:
    {label: Cell}."""
    return _headline_cells(
        headline_counts(scheme, period, now=now), contacted_in_time_label(scheme)
    )


def headline_counts(scheme, period, *, now=None):
    """The counts the headline figures are made of, from the figures kept as the work is
    done: {"received", "accepted", "clients", "window_passed", "within_72", "successful",
    "minutes", "contacts"}."""
    return _headline_counts(_Context(scheme, period, now or timezone.now()))


def _headline_counts(context):
    """The counts one scheme's headline figures are made of (_headline_counts_by_scheme)."""
    return _headline_counts_by_scheme([context.scheme], context.period, context.now)[
        context.scheme.pk
    ]


def _headline_counts_by_scheme(schemes, period, now):
    """The counts each scheme's headline figures are made of (counts add up across schemes),
    from the figures kept as the work is logged: the referrals, discharges and contacts a day
    and, for a period under way, the clients supported since it began (visits.figures); each
    the same as counting the rows (tests/reports/test_kept_dashboard_figures.py). Each figure
    in one query grouped by scheme, so a provider's page costs the same for 5 schemes as for
    100, and a manager's dashboard is the same reading for one. {scheme id: counts}."""
    context = _Context(list(schemes), period, now)
    counts = {scheme.pk: {} for scheme in context.schemes}

    def by_scheme(queryset, aggregates):
        for row in queryset.values("scheme").annotate(**aggregates).order_by():
            counts[row.pop("scheme")].update(row)
        return list(aggregates)

    names = by_scheme(
        _days(context, ReferralDay),
        {name: Sum(name) for name in _headline_referrals()},
    )
    # A period running to today or beyond: the clients supported up to today (support never
    # starts in the future), kept. (The clock's today, not `now`'s: the kept count is up to
    # the clock.)
    if period.end >= timezone.localdate():
        for scheme_id, clients in _kept_clients(context.schemes, period.start).items():
            counts[scheme_id]["clients"] = clients
        names.append("clients")
    else:
        names += by_scheme(supported_episodes(context), _headline_people(context))
    for scheme_id, figures in _kept_first_contacts(context).items():
        counts[scheme_id].update(figures)
    names += ["window_passed", "within_72"]
    names += by_scheme(_days(context), _CONTACT_DAY_SUMS)
    # A scheme with no rows of a kind has none of its figures, and a sum over no rows is
    # None: each is then 0.
    return {pk: {name: figures.get(name) or 0 for name in names} for pk, figures in counts.items()}


def _kept_clients(schemes, since):
    """{scheme id: clients supported since `since`}, as kept (visits.figures.scheme_figures):
    one reading for all the schemes, a scheme whose figures are from another day counted now
    (and kept from then on)."""
    kept = dict(
        SchemeFigures.objects.filter(scheme__in=schemes, since=since).values_list(
            "scheme", "clients_supported"
        )
    )
    for scheme in schemes:
        if scheme.pk not in kept:
            kept[scheme.pk] = scheme_figures(scheme.pk, since)["clients_supported"]
    return kept


def _kept_first_contacts(context):
    """The period's discharges whose first-contact window has passed, and how many of them
    were contacted within it, from the discharges kept a day (visits.figures), each scheme's
    judged by its own window: {scheme id: {"window_passed", "within_72"}}. A day judged by
    another window (the scheme's was changed since) is counted again first."""
    passed, judged_otherwise = Q(pk__in=[]), Q(pk__in=[])
    for group in _same_first_contact_rules(context.schemes, context.now):
        rules = group[0]
        last_day = last_day_with_window_passed(context.now, rules)
        passed |= Q(scheme__in=group, day__lte=last_day)
        judged_otherwise |= Q(scheme__in=group) & ~Q(window_hours=rules.first_contact_hours)
    days = _days(context, DischargeDay)
    sums = {
        # None where no day has passed its window: 0 in the scheme's counts, as every
        # figure it has no rows for (_headline_counts_by_scheme).
        "window_passed": Sum("discharged", filter=passed),
        "within_72": Sum("contacted_in_time", filter=passed),
        "judged_otherwise": Count("pk", filter=judged_otherwise),
    }

    def read():
        return {row.pop("scheme"): row for row in days.values("scheme").annotate(**sums).order_by()}

    figures = read()
    stale = [
        scheme for scheme in context.schemes if figures.get(scheme.pk, {}).get("judged_otherwise")
    ]
    for scheme in stale:
        discharges_kept(
            scheme,
            days.filter(scheme=scheme)
            .exclude(window_hours=scheme.first_contact_hours)
            .values_list("day", flat=True),
        )
    if stale:
        figures = read()
    for row in figures.values():
        del row["judged_otherwise"]
    return figures


def _headline_referrals():
    return _only(referral_counts(), "received", "accepted")


def _headline_people(context):
    return _only(_people_counts(context), "clients")


def _same_first_contact_rules(schemes, now):
    """The schemes in groups that judge their discharges alike: the same first-contact window
    and the same last discharge day whose window has passed by `now`."""
    groups = {}
    for scheme in schemes:
        rules = (scheme.first_contact_window, last_day_with_window_passed(now, scheme))
        groups.setdefault(rules, []).append(scheme)
    return list(groups.values())


def _headline_cells(counts, contacted_label):
    """The headline figures from their counts, each under its label in the language in use
    (the counts, not the labels, are what is kept: kept_headline_figures)."""
    return {
        gettext("Referrals received"): Cell(counts["received"]),
        gettext("Referrals accepted"): Cell(counts["accepted"]),
        gettext("Clients supported"): Cell(counts["clients"]),
        str(contacted_label): _percent(counts["within_72"], counts["window_passed"]),
        gettext("Successful calls and visits"): Cell(counts["successful"]),
        gettext("Hours of calls and visits"): _minutes_as_hours(
            counts["minutes"], counts["contacts"]
        ),
    }


ORGANISATION_CONTACTED_LABEL = gettext_lazy("Contacted within the scheme's first-contact window")


def organisation_figures(schemes, period, *, now=None):
    """For a provider's schemes: each one's headline figures, and all of them together
    (counts added up; the share contacted in time from the added-up counts, each scheme's
    discharges judged by its own window). Figures only. (scheme, cells) rows, and the cells
    of all together; a client of two schemes is two clients, as each scheme has its own
    records."""
    now = now or timezone.now()
    schemes = list(schemes)
    rows, total = [], None
    with reading_for_reports():
        by_scheme = _headline_counts_by_scheme(schemes, period, now)
    for scheme in schemes:
        counts = by_scheme[scheme.pk]
        rows.append((scheme, _headline_cells(counts, ORGANISATION_CONTACTED_LABEL)))
        total = counts if total is None else {k: total[k] + counts[k] for k in total}
    together = _headline_cells(total, ORGANISATION_CONTACTED_LABEL) if total else None
    return rows, together


def organisation_shown(rows, together):
    """The organisation's figures as shown, small numbers hidden: ([texts] for each scheme,
    [texts] for all together, too small to share). The schemes' counts add up to all of
    them together, so a count that would give a small one away is hidden too."""
    cells = [list(scheme_cells.values()) for _, scheme_cells in rows] + [list(together.values())]
    counts = [index + 1 for index, cell in enumerate(cells[-1]) if cell.kind == COUNT]
    # Referrals received less those accepted: the ones declined, withdrawn or awaiting.
    received, accepted = (
        list(together).index(gettext(label)) + 1
        for label in ("Referrals received", "Referrals accepted")
    )
    table = Table(
        "organisation", "", "", [], [["", *row] for row in cells],
        sums=rows_add_up(len(rows), range(len(rows)), counts),
        rests=[((row, received), (row, accepted)) for row in range(len(cells))],
    )  # fmt: skip
    too_small = withhold_secondary([table])
    shown = [[text for text, _ in row[1:]] for row in table.display_rows(True)]
    return shown[:-1], shown[-1], too_small


def _only(aggregates, *names):
    """The report's own definitions of the figures named, and only those: a headline need
    not work out the medians and splits the report shows beside them."""
    return {name: aggregates[name] for name in names}


def compare_headlines(scheme, this_period, last_period, *, now=None):
    """This period's headline figures, live, beside a past period's, worked out once a day:
    a period that has ended changes only by what is logged late, which tomorrow's figures
    show (and the report, built on request, shows at once)."""
    now = now or timezone.now()
    this = headline_figures(scheme, this_period, now=now)
    last = kept_headline_figures(scheme, last_period, now=now)
    return [Headline(label, this[label], last[label]) for label in this]


def kept_headline_figures(scheme, period, *, now):
    """A past period's headline figures, worked out once a day and kept (see
    compare_headlines): the dashboard's comparison and its quarters share them."""
    # The counts are kept, not the figures under their labels: each reader sees the labels
    # in their own language.
    counts = cache.get_or_set(
        f"headline-counts:{scheme.pk}:{period.start}:{period.end}:{timezone.localdate(now)}",
        lambda: _headline_counts(_Context(scheme, period, now)),
        timeout=24 * 60 * 60,
    )
    return _headline_cells(counts, contacted_in_time_label(scheme))


def quarterly_trend(scheme, quarters, headlines, *, now=None):
    """Referrals received, clients supported and the share contacted in time for four
    quarters, oldest first: this quarter so far and last quarter from `headlines` (the
    dashboard's compare_headlines), the two before from the kept figures. (quarter, {label:
    Cell}) pairs."""
    now = now or timezone.now()
    labels = [
        gettext("Referrals received"),
        gettext("Clients supported"),
        contacted_in_time_label(scheme),
    ]
    this = {h.label: h.this_period for h in headlines}
    last = {h.label: h.last_period for h in headlines}
    earlier = [kept_headline_figures(scheme, quarter, now=now) for quarter in quarters[2:]]
    figures = [this, last, *earlier]
    return [
        (quarter, {label: cells[label] for label in labels})
        for quarter, cells in reversed(list(zip(quarters, figures, strict=True)))
    ]
