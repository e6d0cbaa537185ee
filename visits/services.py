from django.db import transaction
from django.utils import timezone

from aligns.audit.services import attribute_change
from visits.models import EPISODE_TRANSITIONS, EpisodeStatus, SupportEpisode


class EpisodeTransitionError(Exception):
    pass


def _episode_move(episode, status, *, by, reason):
    if status not in EPISODE_TRANSITIONS[EpisodeStatus(episode.status)]:
        raise EpisodeTransitionError(
            f"An episode that is {episode.get_status_display().lower()} cannot become "
            f"{EpisodeStatus(status).label.lower()}."
        )
    episode.status = status
    attribute_change(episode, by=by, reason=reason)


@transaction.atomic
def episode_open(*, client, referral, by):
    """Open a support episode for an accepted referral.

    It is active from the discharge date if the patient is already home, otherwise it
    waits for the discharge to be recorded (episode_record_discharge).
    """
    episode = SupportEpisode(scheme=referral.scheme, client=client, referral=referral, opened_by=by)
    discharged = referral.actual_discharge_date
    if discharged is not None and discharged <= timezone.localdate():
        episode.status = EpisodeStatus.ACTIVE
        episode.start_date = discharged
    attribute_change(episode, by=by, reason="Opened on accepting the referral")
    episode.save()
    return episode


@transaction.atomic
def episode_record_discharge(*, episode, discharged_on, by):
    """The client went home on `discharged_on`: support starts that day."""
    episode = SupportEpisode.objects.select_for_update().get(pk=episode.pk)
    if episode.status == EpisodeStatus.AWAITING_DISCHARGE:
        _episode_move(episode, EpisodeStatus.ACTIVE, by=by, reason="Discharge recorded")
    elif episode.status == EpisodeStatus.ACTIVE:
        attribute_change(episode, by=by, reason="Discharge date corrected")
    else:
        return episode
    episode.start_date = discharged_on
    episode.save()
    return episode
