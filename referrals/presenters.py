"""What the triage queue shows about each referral, worked out once per row on the page."""

from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from aligns.working_time import working_hours_between


def _hours_phrase(hours):
    hours = round(hours)
    if hours < 48:
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    days = round(hours / 24)
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}


@dataclass
class QueueRow:
    referral: object
    now: object

    @cached_property
    def waited_working_hours(self):
        return working_hours_between(self.referral.submitted_at, self.now)

    @property
    def waited_text(self):
        waited = _hours_phrase((self.now - self.referral.submitted_at).total_seconds() / 3600)
        working = f"{self.waited_working_hours:.1f}"
        # A referral sent on Saturday has waited no working time by Monday at 8: said in
        # words, not as "0.0 working hours", which reads like a fault.
        if working == "0.0":
            return gettext("%(waited)s (none of it in working hours)") % {"waited": waited}
        return gettext("%(waited)s (%(working)s working hours)") % {
            "waited": waited,
            "working": working,
        }

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
            if days == 0:
                return gettext("Went home today")
            return ngettext(
                "Went home %(count)s day ago", "Went home %(count)s days ago", -days
            ) % {"count": -days}
        if days < 0:
            return ngettext(
                "Expected %(count)s day ago (not yet recorded)",
                "Expected %(count)s days ago (not yet recorded)",
                -days,
            ) % {"count": -days}
        if days == 0:
            return gettext("Expected today")
        return ngettext("Expected in %(count)s day", "Expected in %(count)s days", days) % {
            "count": days
        }

    @property
    def discharge_is_imminent(self):
        return self.referral.is_open and self.referral.discharge_is_imminent(
            timezone.localdate(self.now)
        )
