"""Reporting periods: calendar quarters named as the NHS financial year names them, or any
range of whole days."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, in the scheme's local time."""

    start: date
    end: date

    @classmethod
    def quarter_containing(cls, day):
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        next_start = _add_months(start, 3)
        return cls(start, next_start - timedelta(days=1))

    @classmethod
    def recent_quarters(cls, today, count=8):
        """The quarter `today` is in, then the `count - 1` before it."""
        quarters = [cls.quarter_containing(today)]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous_quarter())
        return quarters

    @classmethod
    def from_key(cls, key):
        """The quarter starting on the ISO date `key` (as `key` gives); None if it is not one."""
        try:
            start = date.fromisoformat(key)
        except (TypeError, ValueError):
            return None
        quarter = cls.quarter_containing(start)
        return quarter if quarter.start == start else None

    @property
    def key(self):
        return self.start.isoformat()

    @property
    def is_quarter(self):
        return self == Period.quarter_containing(self.start)

    def previous_quarter(self):
        return Period.quarter_containing(self.start - timedelta(days=1))

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def starts_at(self):
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def ends_before(self):
        """The first moment after the period: filter with `< ends_before`."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def so_far(self, today):
        """This period up to and including `today` (for a quarter still under way)."""
        return Period(self.start, min(self.end, today))

    @property
    def label(self):
        """'Q3 2026/27: October to December 2026', or '3 May 2026 to 9 June 2026', in the
        language in use (its month names too)."""
        if self.is_quarter:
            return gettext("%(quarter)s: %(first_month)s to %(last_month)s") % {
                "quarter": self.short_label,
                "first_month": date_format(self.start, "F"),
                "last_month": date_format(self.end, "F Y"),
            }
        return gettext("%(start)s to %(end)s") % {"start": _day(self.start), "end": _day(self.end)}

    @property
    def short_label(self):
        """'Q3 2026/27' for a quarter (of the quarter a part of one is in, for a quarter so
        far); the label otherwise."""
        quarter = Period.quarter_containing(self.start)
        if quarter.start != self.start:
            return self.label
        # The NHS financial year starts in April: October to December is Q3 of 2026/27.
        financial_year = self.start.year if self.start.month >= 4 else self.start.year - 1
        number = ((self.start.month - 4) % 12) // 3 + 1
        return pgettext(
            "a quarter of the NHS financial year: Q3 2026/27", "Q%(number)d %(year)s"
        ) % {"number": number, "year": f"{financial_year}/{(financial_year + 1) % 100:02d}"}

    def __str__(self):
        return self.label


def _add_months(day, months):
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, 1)


def _day(day):
    return date_format(day, "j F Y")
