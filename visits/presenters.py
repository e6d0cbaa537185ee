"""What a coordinator needs to see of a client's current support in one place: where the
episode stands, who is supporting them or has been offered them, what is due next, what is
overdue and what worries are open. Shown on the client's record and the episode page."""

from dataclasses import dataclass

from visits.models import (
    LIVE_ASSIGNMENT_STATUSES,
    OUTSTANDING_CALL_STATUSES,
    AssignmentStatus,
    CallStatus,
    ConcernStatus,
    EpisodeStatus,
)


@dataclass(frozen=True)
class SupportAtAGlance:
    episode: object
    supporting: object  # the accepted assignment (its volunteer supports the client), if any
    offer: object  # an offer waiting for the volunteer's answer, if any
    next_due: object  # the next call or visit due (not overdue), if any
    overdue: int
    open_concerns: list

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
    return SupportAtAGlance(
        episode=episode,
        supporting=accepted,
        offer=offered,
        next_due=outstanding.filter(status=CallStatus.PENDING).order_by("due_at", "pk").first(),
        overdue=outstanding.filter(status=CallStatus.OVERDUE).count(),
        open_concerns=list(
            episode.concerns.exclude(status=ConcernStatus.CLOSED).order_by("raised_at", "pk")
        ),
    )
