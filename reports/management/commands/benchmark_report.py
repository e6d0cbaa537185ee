"""How long the quarterly report takes against one hand-written query: a benchmark, not a test.

    DATABASE_URL=postgres://… python manage.py seed_scale
    DATABASE_URL=postgres://… python manage.py benchmark_report --repeat 7

For a scheme (by default the one with most referrals) and a quarter (by default the last
complete quarter before the scheme's latest data), it first checks that one raw SQL query
gives the same headline figures as the report (referrals by outcome, episodes and clients
supported, calls and visits attempted, successful and their hours), and that the dashboard's
figures summed from the rows kept as the work is done (referrals, discharges and contacts a
day) are the same as those counted from the records, and stops if not. Then it
times build_report() in full and the raw query, after a warm-up run of each, and prints the
median, minimum and maximum of each and the ratio. --sections times each section of the report.
"""

import math
import statistics
import time
from itertools import pairwise

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from aligns.accounts.models import Scheme
from referrals.models import Referral, Status
from reports import figures
from reports.period import Period
from visits.models import CallKind, Contact, SupportEpisode

# The raw query's figures, and where the report shows each: (table, row label, column).
CHECKS = {
    "received": ("referrals", "Received", 1),
    "accepted": ("referrals", "Accepted", 1),
    "declined": ("referrals", "Declined", 1),
    "withdrawn": ("referrals", "Withdrawn by the ward", 1),
    "awaiting": ("referrals", "Awaiting a decision", 1),
    "episodes": ("people_supported", "Episodes of support", 1),
    "clients": ("people_supported", "Unique clients", 1),
    "calls": ("activity", "Phone calls", 1),
    "calls_answered": ("activity", "Phone calls", 2),
    "call_hours": ("activity", "Phone calls", 3),
    "visits": ("activity", "Home visits", 1),
    "visits_made": ("activity", "Home visits", 2),
    "visit_hours": ("activity", "Home visits", 3),
}


def _headline_sql():
    """One statement, for PostgreSQL and SQLite alike: three aggregates side by side."""
    referral = Referral._meta.db_table
    episode = SupportEpisode._meta.db_table
    contact = Contact._meta.db_table
    # Table names come from the models; every value is a parameter.
    return f"""
        SELECT r.received, r.accepted, r.declined, r.withdrawn, r.awaiting,
               e.episodes, e.clients,
               c.calls, c.calls_answered, c.call_minutes,
               c.visits, c.visits_made, c.visit_minutes
        FROM (
            SELECT COUNT(*) AS received,
                   COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0) AS accepted,
                   COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0) AS declined,
                   COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0) AS withdrawn,
                   COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0) AS awaiting
            FROM {referral}
            WHERE scheme_id = %s AND submitted_at >= %s AND submitted_at < %s
        ) AS r
        CROSS JOIN (
            SELECT COUNT(*) AS episodes, COUNT(DISTINCT client_id) AS clients
            FROM {episode}
            WHERE scheme_id = %s AND start_date IS NOT NULL AND start_date <= %s
              AND (closed_on IS NULL OR closed_on >= %s)
        ) AS e
        CROSS JOIN (
            SELECT
                COALESCE(SUM(CASE WHEN ct.kind = %s THEN 1 ELSE 0 END), 0) AS calls,
                COALESCE(SUM(CASE WHEN ct.kind = %s AND ct.answered THEN 1 ELSE 0 END), 0)
                    AS calls_answered,
                COALESCE(SUM(CASE WHEN ct.kind = %s THEN ct.duration_minutes ELSE 0 END), 0)
                    AS call_minutes,
                COALESCE(SUM(CASE WHEN ct.kind = %s THEN 1 ELSE 0 END), 0) AS visits,
                COALESCE(SUM(CASE WHEN ct.kind = %s AND ct.answered THEN 1 ELSE 0 END), 0)
                    AS visits_made,
                COALESCE(SUM(CASE WHEN ct.kind = %s THEN ct.duration_minutes ELSE 0 END), 0)
                    AS visit_minutes
            FROM {contact} AS ct
            INNER JOIN {episode} AS ep ON ep.id = ct.episode_id
            WHERE ep.scheme_id = %s AND ct.happened_at >= %s AND ct.happened_at < %s
        ) AS c
    """  # noqa: S608 - table names from the models # nosec B608


def raw_headline(scheme, period):
    """The headline figures from one hand-written query, as a dict keyed as CHECKS."""
    ops = connection.ops
    starts_at = ops.adapt_datetimefield_value(period.starts_at)
    ends_before = ops.adapt_datetimefield_value(period.ends_before)
    first_day = ops.adapt_datefield_value(period.start)
    last_day = ops.adapt_datefield_value(period.end)
    call, visit = CallKind.CALL.value, CallKind.VISIT.value
    params = [
        Status.ACCEPTED.value, Status.DECLINED.value, Status.WITHDRAWN.value,
        Status.SUBMITTED.value, scheme.pk, starts_at, ends_before,
        scheme.pk, last_day, first_day,
        call, call, call, visit, visit, visit, scheme.pk, starts_at, ends_before,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_headline_sql(), params)
        row = cursor.fetchone()
    names = [column[0] for column in cursor.description]
    result = {name: int(value) for name, value in zip(names, row, strict=True)}
    result["call_hours"] = result.pop("call_minutes") / 60
    result["visit_hours"] = result.pop("visit_minutes") / 60
    return result


def report_headline(report):
    """The same figures, read from the report's tables."""
    result = {}
    for name, (key, label, column) in CHECKS.items():
        rows = {row[0]: row for row in report.table(key).rows}
        result[name] = rows[label][column].value
    return result


def kept_headline(scheme, period, report, raw):
    """The headline figures the dashboard sums from the rows kept as the work is done
    (referrals and discharges a day, contacts a day), each beside the same figure counted
    from the records: by the raw query, or by the report's table of discharges contacted in
    time. {name: (kept, counted)}."""
    kept = figures.headline_counts(scheme, period, now=report.generated_at)
    (discharges, in_time) = [
        cell.value for cell in report.table("contacted_within_72_hours").rows[0][1:3]
    ]
    return {
        "received": (kept["received"], raw["received"]),
        "accepted": (kept["accepted"], raw["accepted"]),
        "clients": (kept["clients"], raw["clients"]),
        "discharges with the window passed": (kept["window_passed"], discharges),
        "contacted in time": (kept["within_72"], in_time),
        "successful calls and visits": (
            kept["successful"],
            raw["calls_answered"] + raw["visits_made"],
        ),
        "hours": (kept["minutes"] / 60, raw["call_hours"] + raw["visit_hours"]),
    }


def cross_check(scheme, period):
    """Raise CommandError unless the raw query, the report and the kept figures agree;
    return the raw query's figures."""
    report = figures.build_report(scheme, period)
    raw = raw_headline(scheme, period)
    shown = report_headline(report)
    wrong = [
        f"{name}: raw SQL {raw[name]!r}, report {shown[name]!r}"
        for name in CHECKS
        if shown[name] is None or not math.isclose(raw[name], shown[name], abs_tol=1e-9)
    ]
    wrong += [
        f"{name}: kept {kept!r}, counted {counted!r}"
        for name, (kept, counted) in kept_headline(scheme, period, report, raw).items()
        if not math.isclose(kept, counted, abs_tol=1e-6)
    ]
    if wrong:
        raise CommandError(
            "The raw query, the report and the kept figures disagree for "
            f"{scheme} ({period}):\n  " + "\n  ".join(wrong)
        )
    return raw


def _timed(function, repeat):
    function()  # warm-up: caches, connection, query plans
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return timings


def _summary(timings):
    return (
        f"median {statistics.median(timings) * 1000:,.1f} ms "
        f"(min {min(timings) * 1000:,.1f}, max {max(timings) * 1000:,.1f})"
    )


class Command(BaseCommand):
    help = "Time the quarterly report against one raw SQL query for its headline figures."

    def add_arguments(self, parser):
        parser.add_argument("--scheme", help="The scheme's slug (default: most referrals).")
        parser.add_argument(
            "--quarter", help="The first day of the quarter, as 2026-07-01 (default: see above)."
        )
        parser.add_argument("--repeat", type=int, default=7)
        parser.add_argument(
            "--sections", action="store_true", help="Also time each section of the report."
        )

    def handle(self, *args, scheme=None, quarter=None, repeat=7, sections=False, **options):
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        scheme = self._scheme(scheme)
        period = self._period(scheme, quarter)
        contacts = figures.contacts_in_period(scheme, period)
        self.stdout.write(
            f"Database: {connection.vendor}; {scheme} ({scheme.slug}); {period}; "
            f"{contacts:,} calls and visits in the period; {repeat} runs each"
        )

        raw = cross_check(scheme, period)
        self.stdout.write(
            "Cross-check passed: the raw query matches the report and the figures kept: "
            + ", ".join(
                f"{name} {value:,.1f}" if isinstance(value, float) else f"{name} {value:,}"
                for name, value in raw.items()
            )
        )

        report_times = _timed(lambda: figures.build_report(scheme, period), repeat)
        raw_times = _timed(lambda: raw_headline(scheme, period), repeat)
        ratio = statistics.median(report_times) / statistics.median(raw_times)
        self.stdout.write(f"build_report: {_summary(report_times)}")
        self.stdout.write(f"raw SQL:      {_summary(raw_times)}")
        self.stdout.write(f"Ratio report/raw: {ratio:,.1f}")
        if sections:
            self._sections(scheme, period, repeat)

    def _scheme(self, slug):
        if slug:
            scheme = Scheme.objects.filter(slug=slug).first()
            if scheme is None:
                raise CommandError(f"No scheme {slug!r}.")
            return scheme
        scheme = Scheme.objects.annotate(n=Count("referrals")).order_by("-n", "pk").first()
        if scheme is None or scheme.n == 0:
            raise CommandError("No scheme has any referrals: run seed_scale first.")
        return scheme

    def _period(self, scheme, key):
        if key:
            period = Period.from_key(key)
            if period is None:
                raise CommandError(f"{key!r} is not the first day of a quarter.")
            return period
        latest = [
            Referral.objects.filter(scheme=scheme).aggregate(at=Max("submitted_at"))["at"],
            Contact.objects.filter(episode__scheme=scheme).aggregate(at=Max("happened_at"))["at"],
        ]
        latest = max(moment for moment in latest if moment)
        return Period.quarter_containing(timezone.localdate(latest)).previous_quarter()

    def _sections(self, scheme, period, repeat):
        """Each section's share: build_report tells `progress` as each section ends."""
        runs = {section.__name__: [] for section in figures.SECTIONS}
        for run in range(repeat + 1):  # the first is the warm-up
            marks = [time.perf_counter()]
            figures.build_report(
                scheme, period, progress=lambda *_, marks=marks: marks.append(time.perf_counter())
            )
            if run:
                for section, (begun, ended) in zip(figures.SECTIONS, pairwise(marks), strict=True):
                    runs[section.__name__].append(ended - begun)
        for name, timings in runs.items():
            self.stdout.write(f"  {name:<28} {_summary(timings)}")
