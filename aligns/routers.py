"""Reports and exports read from a PostgreSQL replica when one is configured.

A router cannot tell a report's read of `Contact` from a page's by the model alone, so the
report's builders say what they are doing: while `reading_for_reports()` is open, reads go to
the `reports` database (set by `DATABASE_REPORTS_URL`); every other read, and every write
whatever is open, goes to the primary. Without a replica configured nothing changes.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPORTS_DATABASE = "reports"

_reading_for_reports = ContextVar("reading_for_reports", default=False)


@contextmanager
def _reports_may_read_the_replica(allowed):
    token = _reading_for_reports.set(allowed)
    try:
        yield
    finally:
        _reading_for_reports.reset(token)


def reading_for_reports():
    """Within this block, reads may come from the reports replica (a few seconds behind the
    primary at most: a report covers closed days and the day so far, so that is acceptable;
    a page a person acts on is not, so pages never open this)."""
    return _reports_may_read_the_replica(True)


def reading_from_the_primary():
    """Within this block, reads come from the primary even inside `reading_for_reports()`:
    a figure kept on the primary (visits.figures.recounted) must be counted from the
    primary's rows, under the primary's lock, never from a replica seconds behind."""
    return _reports_may_read_the_replica(False)


class ReportsReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_for_reports.get() and REPORTS_DATABASE in settings.DATABASES:
            return REPORTS_DATABASE
        return None

    def db_for_write(self, model, **hints):
        # Named, not left to Django: without a router's answer Django writes a row back to
        # the database it was read from, which for a report's rows would be the replica.
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: a row read from either may point to the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema; it is never migrated on its own.
        return db != REPORTS_DATABASE
