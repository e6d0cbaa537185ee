"""Everything that changes a referral. Views and tasks call these; nothing else writes."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from aligns.accounts.models import Scheme
from aligns.audit.services import attribute_change
from aligns.errors import ActionRefused
from clients.services import ClientMismatch, client_find_or_create
from referrals.figures import referrals_kept
from referrals.models import Referral, Status
from visits.models import EpisodeStatus, SupportEpisode
from visits.services import episode_open, episode_record_discharge


class ReferralActionRefused(ActionRefused):
    """A change that cannot be made now; the message says why, for the person who tried."""


@dataclass(frozen=True)
class PossibleDuplicate:
    """Why a new referral for this NHS number would repeat one the scheme already holds."""

    message: str


def referral_find_duplicate(*, scheme, nhs_number, exclude=None):
    """Whether this NHS number already has an open referral or open support in `scheme`.

    The message tells ward staff who to contact instead of referring again, and nothing
    more: not when, from which ward or by whom the patient was referred, which the person
    typing the number may have no reason to know.
    """
    open_referrals = Referral.objects.for_nhs_number(scheme, nhs_number).open()
    if exclude is not None:
        open_referrals = open_referrals.exclude(pk=exclude.pk)
    known = open_referrals.exists() or (
        SupportEpisode.objects.open().filter(scheme=scheme, client__nhs_number=nhs_number).exists()
    )
    if not known:
        return None
    return PossibleDuplicate(
        gettext(
            "The scheme already has a referral for this patient or is supporting them. To tell "
            "the scheme about a new admission or discharge, contact %(contact)s rather than "
            "refer again."
        )
        % {"contact": scheme.contact_text}
    )


@transaction.atomic
def referral_submit(*, by, ward, needs, risks, **fields):
    """Record a new referral from ward staff. Refused if it repeats an open one."""
    # Referrals in one scheme are recorded one at a time, so two sent at the same instant for
    # the same patient cannot both pass the duplicate check.
    scheme = Scheme.objects.select_for_update(of=("self",)).get(pk=ward.hospital.scheme_id)
    duplicate = referral_find_duplicate(scheme=scheme, nhs_number=fields["nhs_number"])
    if duplicate is not None:
        raise ReferralActionRefused(duplicate.message)
    referral = Referral(
        scheme=scheme,
        hospital=ward.hospital,
        ward=ward,
        referred_by=by,
        status=Status.SUBMITTED,
        nhs_number_verified=False,
        **fields,
    )
    attribute_change(referral, by=by, reason=gettext_noop("Referral submitted"))
    referral.save()
    referrals_kept(referral)
    referral.needs.set(needs)
    referral.risks.set(risks)
    return referral


# Two coordinators deciding at once: what the second is told.
ALREADY_DECIDED = {
    Status.ACCEPTED: gettext_lazy(
        "This referral was already accepted by %(who)s at %(time)s on %(day)s."
    ),
    Status.DECLINED: gettext_lazy(
        "This referral was already declined by %(who)s at %(time)s on %(day)s."
    ),
}


def _lock_for_change(referral, to_status):
    """Re-read the referral under a row lock and check the move is still allowed.

    Two coordinators acting at once: the second waits for the first's lock, then sees
    the new status here and is told who got there first, instead of overwriting it.
    """
    # No join here: under a lock PostgreSQL re-reads only the locked row, so a joined
    # decided_by would still be the one from before the other coordinator's decision.
    current = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    if not current.can_become(to_status):
        if current.status in (Status.ACCEPTED, Status.DECLINED) and current.decided_by:
            when = timezone.localtime(current.decided_at)
            raise ReferralActionRefused(
                ALREADY_DECIDED[current.status]
                % {
                    "who": current.decided_by,
                    "time": f"{when:%H:%M}",
                    "day": date_format(when, "j F Y"),
                }
            )
        raise ReferralActionRefused(
            # Translators: the two are a referral's statuses, in lower case: "submitted",
            # "accepted", "declined", "withdrawn".
            gettext("A referral that is %(status)s cannot be %(target)s.")
            % {
                "status": current.get_status_display().lower(),
                "target": Status(to_status).label.lower(),
            }
        )
    return current


@transaction.atomic
def referral_accept(*, referral, by):
    """Accept: find or create the client and open their support episode, all or nothing."""
    referral = _lock_for_change(referral, Status.ACCEPTED)
    try:
        client = client_find_or_create(scheme=referral.scheme, person=referral, by=by)
    except ClientMismatch as mismatch:
        raise ReferralActionRefused(str(mismatch)) from mismatch
    if SupportEpisode.objects.open().filter(client=client).exists():
        raise ReferralActionRefused(
            gettext(
                "%(client)s already has open support. Decline this referral as a duplicate, or "
                "record the new discharge on the open episode."
            )
            % {"client": client}
        )
    referral.status = Status.ACCEPTED
    referral.decided_by = by
    referral.decided_at = timezone.now()
    attribute_change(referral, by=by, reason=gettext_noop("Referral accepted"))
    referral.save()
    referrals_kept(referral)
    episode = episode_open(client=client, referral=referral, by=by)
    return referral, episode


@transaction.atomic
def referral_decline(*, referral, by, reason, note=""):
    referral = _lock_for_change(referral, Status.DECLINED)
    referral.status = Status.DECLINED
    referral.decided_by = by
    referral.decided_at = timezone.now()
    referral.decline_reason = reason
    referral.decline_note = note
    attribute_change(referral, by=by, reason=gettext_noop("Referral declined"))
    referral.save()
    referrals_kept(referral)
    return referral


@transaction.atomic
def referral_withdraw(*, referral, by, reason):
    referral = _lock_for_change(referral, Status.WITHDRAWN)
    referral.status = Status.WITHDRAWN
    referral.withdrawn_reason = reason
    attribute_change(referral, by=by, reason=gettext_noop("Referral withdrawn"))
    referral.save()
    referrals_kept(referral)
    return referral


def went_home_refusal(referral, went_home):
    """Why the day the patient went home cannot be changed to `went_home`, or None: once
    their support is paused by a readmission, or has closed, its own dates stand (before,
    the referral was changed and the support kept its old date). (The form asks it of the
    date typed, to say so beside it.)"""
    if went_home == referral.actual_discharge_date:
        return None
    status = (
        SupportEpisode.objects.filter(referral=referral).values_list("status", flat=True).first()
    )
    if status == EpisodeStatus.SUSPENDED:
        return gettext(
            "The patient is back in hospital and their support is paused: ask the scheme's "
            "coordinator to correct the date they went home."
        )
    if status == EpisodeStatus.CLOSED:
        return gettext("Their support has ended: the date they went home can no longer change.")
    return None


@transaction.atomic
def referral_update_discharge(*, referral, by, expected_discharge_date, actual_discharge_date):
    """Correct the expected discharge date or record the actual one.

    Recording the actual date of an accepted referral starts its support episode.
    """
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    if referral.status in (Status.DECLINED, Status.WITHDRAWN):
        raise ReferralActionRefused(
            gettext("This referral was %(status)s, so its dates are closed.")
            % {"status": referral.get_status_display().lower()}
        )
    refusal = went_home_refusal(referral, actual_discharge_date)
    if refusal:
        raise ReferralActionRefused(refusal)
    referral.expected_discharge_date = expected_discharge_date
    referral.actual_discharge_date = actual_discharge_date
    attribute_change(referral, by=by, reason=gettext_noop("Discharge date updated"))
    referral.save(update_fields=["expected_discharge_date", "actual_discharge_date"])
    episode = SupportEpisode.objects.filter(referral=referral).first()
    if episode is not None and actual_discharge_date is not None:
        episode_record_discharge(episode=episode, discharged_on=actual_discharge_date, by=by)
    return referral
