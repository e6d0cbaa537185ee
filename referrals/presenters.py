"""What the triage queue shows about each referral, worked out once per row on the page."""

from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from aligns.working_time import working_hours_between


def _hours_phrase(hours):
    hours = round(hours)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{round(hours / 24)} days"


def _days(count):
    return f"{count} day{'s' if count != 1 else ''}"


@dataclass
class QueueRow:
    referral: object
    now: object

    @cached_property
    def waited_working_hours(self):
        return working_hours_between(self.referral.submitted_at, self.now)

    @property
    def waited_text(self):
        waited = (self.now - self.referral.submitted_at).total_seconds() / 3600
        return f"{_hours_phrase(waited)} ({self.waited_working_hours:.1f} working hours)"

    @property
    def breaches_triage_target(self):
        return (
            self.referral.is_open
            and self.waited_working_hours > self.referral.scheme.triage_target_hours
        )

    @property
    def discharge_text(self):
        referral = self.referral
        today = timezone.localdate(self.now)
        days = (referral.discharge_date - today).days
        if referral.is_discharged:
            return "Went home today" if days == 0 else f"Went home {_days(-days)} ago"
        if days < 0:
            return f"Expected {_days(-days)} ago (not yet recorded)"
        if days == 0:
            return "Expected today"
        return f"Expected in {_days(days)}"

    @property
    def discharge_is_imminent(self):
        return self.referral.is_open and self.referral.discharge_is_imminent(
            timezone.localdate(self.now)
        )
