"""Database expressions Django does not ship, for PostgreSQL and SQLite: the reports' figures,
and the first-contact time each episode keeps (visits.models.SupportEpisode).

PostgreSQL is the production database; SQLite is for `make run`, where the two functions it
lacks (a percentile and a local-time discharge moment) are registered in Python on each
connection (see `register_sqlite_functions`). Both give the same answers; the tests run on each.
"""

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import NotSupportedError
from django.db.models import Aggregate, DateTimeField, FloatField, Func

from aligns.accounts.models import ASSUMED_DISCHARGE_TIME


class Percentile(Aggregate):
    """The continuous percentile (PostgreSQL's `percentile_cont`) of a numeric expression.

    NULLs are ignored, so a Case() without a default selects which rows count.
    """

    name = "Percentile"
    output_field = FloatField()

    def __init__(self, expression, fraction, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile's fraction is between 0 and 1.")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"Percentile is not available on {connection.vendor}.")

    def _as_sql_with(self, template, compiler, connection, **extra):
        # Aggregate.as_sql wraps self.template in FILTER (WHERE ...) when filtered.
        clone = self.copy()
        clone.template = template
        return super(Percentile, clone).as_sql(compiler, connection, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = f"percentile_cont({self.fraction!r}) WITHIN GROUP (ORDER BY %(expressions)s)"
        return self._as_sql_with(template, compiler, connection, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = f"aligns_percentile(%(expressions)s, {self.fraction!r})"
        return self._as_sql_with(template, compiler, connection, **extra)


class SecondsBetween(Func):
    """Seconds from the first datetime to the second (negative if the second is earlier)."""

    arity = 2
    output_field = FloatField()

    def _compiled(self, compiler):
        (start_sql, start_params), (end_sql, end_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return start_sql, end_sql, [*end_params, *start_params]

    def as_postgresql(self, compiler, connection, **extra):
        start, end, params = self._compiled(compiler)
        return f"EXTRACT(EPOCH FROM ({end} - {start}))::float", params

    def as_sqlite(self, compiler, connection, **extra):
        start, end, params = self._compiled(compiler)
        # julianday() is a float in days; rounding to the millisecond removes its noise so
        # that exactly 72 hours compares equal to 72 hours.
        return f"ROUND((julianday({end}) - julianday({start})) * 86400.0, 3)", params


class DaysBetween(Func):
    """Days from the first date to the second."""

    arity = 2
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        (start_sql, start_params), (end_sql, end_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        params = [*end_params, *start_params]
        if connection.vendor == "postgresql":
            return f"({end_sql} - {start_sql})::float", params
        if connection.vendor == "sqlite":
            return f"ROUND(julianday({end_sql}) - julianday({start_sql}))", params
        raise NotSupportedError(f"DaysBetween is not available on {connection.vendor}.")


class AssumedDischargeAt(Func):
    """The moment of discharge on a date: its local midday, as the call schedule assumes."""

    arity = 1
    output_field = DateTimeField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        clock = ASSUMED_DISCHARGE_TIME.strftime("%H:%M:%S")
        return (
            f"(({sql})::timestamp + %s::interval) AT TIME ZONE %s",
            [*params, clock, settings.TIME_ZONE],
        )

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"aligns_discharge_at({sql})", params


# --- SQLite -----------------------------------------------------------------------------


class _PercentileAggregate:
    """SQLite aggregate matching PostgreSQL's percentile_cont (linear interpolation)."""

    def __init__(self):
        self.values = []
        self.fraction = None

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(float(value))

    def finalize(self):
        if not self.values:
            return None
        ordered = sorted(self.values)
        position = self.fraction * (len(ordered) - 1)
        below = math.floor(position)
        above = math.ceil(position)
        return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _discharge_at(day):
    """The UTC text SQLite stores for local midday on `day` (an ISO date)."""
    if day is None:
        return None
    local = datetime.combine(
        datetime.fromisoformat(str(day)).date(), ASSUMED_DISCHARGE_TIME,
        tzinfo=ZoneInfo(settings.TIME_ZONE),
    )  # fmt: skip
    utc = local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return utc.isoformat(sep=" ")


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor != "sqlite":
        return
    connection.connection.create_aggregate("aligns_percentile", 2, _PercentileAggregate)
    connection.connection.create_function(
        "aligns_discharge_at", 1, _discharge_at, deterministic=True
    )
