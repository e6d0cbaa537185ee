"""Words for the volunteer's Today cards, worked out from what the page already fetched."""

from django.utils import timezone
from django.utils.dateformat import format as format_date

from visits.models import CallKind

# Within this many days a weekday name is plainer than a date ("Tuesday", not "3 November").
_WEEKDAY_WITHIN = 6


def plain_day(moment, *, today):
    """When something happened, the NHS.UK way: "today", "yesterday", "Tuesday" within the last
    week, then "3 November" (with the year if it was another year)."""
    day = timezone.localtime(moment).date()
    days_ago = (today - day).days
    if days_ago == 0:
        return "today"
    if days_ago == 1:
        return "yesterday"
    if 1 < days_ago <= _WEEKDAY_WITHIN:
        return format_date(day, "l")
    return format_date(day, "j F" if day.year == today.year else "j F Y")


def last_contact(kind, answered, happened_at, *, today):
    """The last call or visit in a few words: "Called Tuesday, answered"."""
    if happened_at is None:
        return "No calls or visits logged yet"
    done = "Visited" if kind == CallKind.VISIT else "Called"
    return (
        f"{done} {plain_day(happened_at, today=today)}, {'answered' if answered else 'no answer'}"
    )


def done_today(happened_at, *, today):
    return happened_at is not None and timezone.localtime(happened_at).date() == today
