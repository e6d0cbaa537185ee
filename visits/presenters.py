"""What the support pages show, in words, worked out from what the page already fetched or
in a few small queries: the volunteer's Today cards ("Called Tuesday, answered", "Done
today"), and a client's current support at a glance for coordinators (where the episode
stands, who is supporting them or has been offered them, what is due next, what is overdue,
what worries are open), on the client's record and the episode page."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext, pgettext

from visits.models import (
    LIVE_ASSIGNMENT_STATUSES,
    OUTSTANDING_CALL_STATUSES,
    AssignmentStatus,
    CallKind,
    CallStatus,
    ConcernStatus,
    EpisodeStatus,
)
from visits.services import phone_only_holds

# Within this many days a weekday name is plainer than a date ("Tuesday", not "3 November").
_WEEKDAY_WITHIN = 6


def plain_day(moment, *, today):
    """When something happened, the NHS.UK way: "today", "yesterday", "Tuesday" within the last
    week, then "3 November" (with the year if it was another year)."""
    day = timezone.localtime(moment).date()
    days_ago = (today - day).days
    if days_ago == 0:
        return pgettext("when something happened", "today")
    if days_ago == 1:
        return pgettext("when something happened", "yesterday")
    if 1 < days_ago <= _WEEKDAY_WITHIN:
        return format_date(day, "l")
    return format_date(day, "j F" if day.year == today.year else "j F Y")


def last_contact(kind, answered, happened_at, *, today):
    """The last call or visit in a few words: "Called Tuesday, answered"."""
    if happened_at is None:
        return gettext("No calls or visits logged yet")
    words = {
        (True, True): gettext("Visited %(day)s, answered"),
        (True, False): gettext("Visited %(day)s, no answer"),
        (False, True): gettext("Called %(day)s, answered"),
        (False, False): gettext("Called %(day)s, no answer"),
    }
    return words[kind == CallKind.VISIT, bool(answered)] % {
        "day": plain_day(happened_at, today=today)
    }


def done_today(happened_at, answered, *, today):
    """The last contact reached the client today: a call or visit nobody answered leaves what
    was due still to do (and an unanswered visit raises a concern)."""
    return (
        bool(answered)
        and happened_at is not None
        and timezone.localtime(happened_at).date() == today
    )


@dataclass(frozen=True)
class SupportAtAGlance:
    episode: object
    supporting: object  # the accepted assignment (its volunteer supports the client), if any
    offer: object  # an offer waiting for the volunteer's answer, if any
    next_due: object  # the next call or visit due (not overdue), if any
    overdue: int
    open_concerns: list
    first_overdue: object = None  # the call or visit overdue longest, if any
    phone_only: bool = False  # the volunteer supporting or offered gives phone support only

    @property
    def awaiting_discharge(self):
        return self.episode.status == EpisodeStatus.AWAITING_DISCHARGE

    @property
    def expected_discharge_date(self):
        """While the client is still in hospital: the ward's expected date."""
        return self.episode.referral.expected_discharge_date if self.awaiting_discharge else None


def support_at_a_glance(episode):
    """The support summary of one open episode (four small queries)."""
    live = list(
        episode.assignments.filter(status__in=LIVE_ASSIGNMENT_STATUSES).select_related("volunteer")
    )
    accepted = next((a for a in live if a.status == AssignmentStatus.ACCEPTED), None)
    offered = next((a for a in live if a.status == AssignmentStatus.OFFERED), None)
    outstanding = episode.calls.filter(status__in=OUTSTANDING_CALL_STATUSES)
    overdue = list(outstanding.filter(status=CallStatus.OVERDUE).order_by("due_at", "pk"))
    volunteer = accepted or offered
    return SupportAtAGlance(
        episode=episode,
        supporting=accepted,
        offer=offered,
        phone_only=volunteer is not None and phone_only_holds(volunteer),
        next_due=outstanding.filter(status=CallStatus.PENDING).order_by("due_at", "pk").first(),
        overdue=len(overdue),
        first_overdue=overdue[0] if overdue else None,
        open_concerns=list(
            episode.concerns.exclude(status=ConcernStatus.CLOSED).order_by("raised_at", "pk")
        ),
    )
