"""Dates and times written as the NHS.UK content style guide writes them: "9am", "2:30pm",
"midday", "midnight", and "Tuesday 8 December at 2:30pm". Available in every template
(TEMPLATES' builtins), so no page writes "14:30" or "00:00" by habit."""

from datetime import datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import pgettext

register = template.Library()


def time_of_day(moment):
    """ "9am", "9:30am", "midday", "midnight", "2:30pm" for a datetime or time."""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    if (moment.hour, moment.minute) == (0, 0):
        return pgettext("time of day", "midnight")
    if (moment.hour, moment.minute) == (12, 0):
        return pgettext("time of day", "midday")
    hour = moment.hour % 12 or 12
    clock = f"{hour}:{moment.minute:02d}" if moment.minute else f"{hour}"
    if moment.hour < 12:
        return pgettext("time of day, before midday", "%(clock)sam") % {"clock": clock}
    return pgettext("time of day, after midday", "%(clock)spm") % {"clock": clock}


@register.filter(name="time_of_day")
def time_of_day_filter(moment):
    return time_of_day(moment) if moment else ""


@register.filter
def date_at(moment, date_format="j F Y"):
    """The day in `date_format` (Django's date format), then " at " and the time of day."""
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return pgettext("a day and a time of day", "%(day)s at %(time)s") % {
        "day": date_filter(moment, date_format),
        "time": time_of_day(moment),
    }
