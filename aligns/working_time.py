"""Working hours for targets such as "triage within 4 working hours".

The scheme's office is open Monday to Friday, 09:00 to 17:00 UK time, except bank
holidays in England (the holidays package keeps the list, including one-off ones).
"""

from datetime import datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

OPENS = time(9, 0)
CLOSES = time(17, 0)


@lru_cache(maxsize=16)
def _bank_holidays(year):
    return holidays.UK(subdiv="ENG", years=year)


def is_working_day(day):
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_hours_between(start, end):
    """Working hours (a float) from `start` to `end`, both aware datetimes."""
    if end <= start:
        return 0.0
    zone = timezone.get_default_timezone()
    start, end = start.astimezone(zone), end.astimezone(zone)
    seconds = 0.0
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            opens = datetime.combine(day, OPENS, tzinfo=zone)
            closes = datetime.combine(day, CLOSES, tzinfo=zone)
            overlap = min(closes, end) - max(opens, start)
            seconds += max(overlap, timedelta()).total_seconds()
        day += timedelta(days=1)
    return seconds / 3600
