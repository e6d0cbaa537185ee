"""Everything that changes a support episode: its lifecycle, the volunteer offered and
assigned, its call schedule, contacts, concerns and alerts. Celery's sweeps (visits/sweeps.py)
call these too."""

from dataclasses import replace
from datetime import datetime, time, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from aligns.audit.models import LawfulBasis
from aligns.audit.services import attribute_change
from aligns.audit.sharing import sharing_record
from aligns.errors import ActionRefused
from aligns.outbox.services import queue_email
from aligns.transitions import move, move_all
from clients.assessment import RiskLevel
from clients.models import RiskAssessment
from clients.services import assessment_in_force, consent_to_share, home_visit_refusal
from visits.figures import contact_counted, episode_dates_kept, needs_kept
from visits.models import (
    ASSIGNMENT_TRANSITIONS,
    CALL_TRANSITIONS,
    CONCERN_TRANSITIONS,
    EPISODE_TRANSITIONS,
    LIVE_ASSIGNMENT_STATUSES,
    MAX_EPISODE_WEEKS,
    OUTSTANDING_CALL_STATUSES,
    RUNNING_STATUSES,
    Alert,
    AlertKind,
    Assignment,
    AssignmentStatus,
    CallKind,
    CallStatus,
    CommunityService,
    Concern,
    ConcernCategory,
    ConcernStatus,
    Contact,
    EpisodeStatus,
    ExitOutcome,
    Extension,
    OnwardReferral,
    Readmission,
    ScheduledCall,
    SupportEpisode,
    Urgency,
    with_caseload,
)
from volunteers.matching import Wanted, rank
from volunteers.models import Volunteer


class EpisodeActionRefused(ActionRefused):
    pass


def _lock(episode):
    """The episode, re-read under its row lock, alone: its client and scheme are read after
    the lock is held, so they are as fresh as the episode (docs/adr/0004)."""
    return SupportEpisode.objects.select_for_update(of=("self",)).get(pk=episode.pk)


# The one way each status of an episode, a call and a concern changes (docs/adr/0004).
episode_move = partial(
    move,
    table=EPISODE_TRANSITIONS,
    refused=EpisodeActionRefused,
    message=_("An episode that is {current} cannot become {target}."),
)
call_move = partial(
    move,
    table=CALL_TRANSITIONS,
    refused=EpisodeActionRefused,
    message=_("A call that is {current} cannot become {target}."),
)
calls_move = partial(move_all, table=CALL_TRANSITIONS)
concern_move = partial(move, table=CONCERN_TRANSITIONS, refused=EpisodeActionRefused)


# --- The schedule -----------------------------------------------------------------------


def call_times(episode, *, anchor=None):
    """When the calls fall due: the first within the scheme's window after `anchor` (the
    discharge date, or the return home after a readmission), then weekly to the planned end.
    """
    anchor = anchor or episode.start_date
    first = episode.scheme.first_call_due(anchor)
    last = timezone.make_aware(datetime.combine(episode.planned_end, time.max))
    times = []
    due = first
    while due < last:
        times.append(due)
        due += timedelta(weeks=1)
    return times


def _replan(episode, *, anchor=None, now=None):
    """Cancel the calls still to make and plan them again. Done calls are never touched."""
    now = now or timezone.now()
    calls_move(episode.calls.filter(kind=CallKind.CALL), CallStatus.CANCELLED)
    planned = []
    if episode.status in RUNNING_STATUSES:
        first_done = episode.calls.filter(is_first=True, status=CallStatus.DONE).exists()
        rows = []
        for number, due in enumerate(call_times(episode, anchor=anchor)):
            is_first = number == 0 and anchor in (None, episode.start_date)
            if is_first and first_done:
                continue
            if due <= now and not is_first:
                continue  # a weekly call already past: not made up after the event
            rows.append(ScheduledCall(episode=episode, due_at=due, is_first=is_first))
        planned = ScheduledCall.objects.bulk_create(rows)
    needs_kept([episode.pk])
    return planned


# --- Lifecycle ---------------------------------------------------------------------------


def episode_open(*, client, referral, by):
    """Open a support episode for an accepted referral.

    It is active from the discharge date if the patient is already home (and its calls are
    planned at once), otherwise it waits for the discharge to be recorded.
    """
    with transaction.atomic():
        episode = SupportEpisode(
            scheme=referral.scheme,
            client=client,
            referral=referral,
            opened_by=by,
            planned_weeks=referral.scheme.episode_weeks,
        )
        discharged = referral.actual_discharge_date
        if discharged is not None and discharged <= timezone.localdate():
            episode.status = EpisodeStatus.ACTIVE
            episode.start_date = discharged
        attribute_change(episode, by=by, reason=gettext_noop("Opened on accepting the referral"))
        episode.save()
        _replan(episode)
        episode_dates_kept(episode)
        return episode


def episode_record_discharge(*, episode, discharged_on, by):
    """The client went home on `discharged_on`: support starts that day; calls are planned."""
    with transaction.atomic():
        episode = _lock(episode)
        if episode.status == EpisodeStatus.AWAITING_DISCHARGE:
            episode_move(
                episode, EpisodeStatus.ACTIVE, by=by, reason=gettext_noop("Discharge recorded")
            )
        elif episode.status in RUNNING_STATUSES:
            attribute_change(episode, by=by, reason=gettext_noop("Discharge date corrected"))
        else:
            return episode
        started_before = episode.start_date
        episode.start_date = discharged_on
        episode.save()
        _replan(episode)
        episode_dates_kept(episode, days_before=[started_before])
        return episode


def episode_extend(*, episode, weeks, reason, by):
    """Add weeks, with a reason, up to MAX_EPISODE_WEEKS in total."""
    with transaction.atomic():
        episode = _lock(episode)
        if not reason.strip():
            raise EpisodeActionRefused(gettext("Say why the support is being extended."))
        if weeks > episode.weeks_left_to_extend:
            raise EpisodeActionRefused(
                gettext(
                    "Support can last %(most)s weeks at most: this episode is planned for "
                    "%(planned)s, so it can be extended by %(left)s more at most."
                )
                % {
                    "most": MAX_EPISODE_WEEKS,
                    "planned": episode.planned_weeks,
                    "left": episode.weeks_left_to_extend,
                }
            )
        if episode.status != EpisodeStatus.EXTENDED:
            episode_move(episode, EpisodeStatus.EXTENDED, by=by, reason=gettext_noop("Extended"))
        else:
            attribute_change(episode, by=by, reason=gettext_noop("Extended again"))
        episode.planned_weeks += weeks
        episode.save()
        Extension.objects.create(
            episode=episode, weeks=weeks, reason=reason.strip(), extended_by=by
        )
        _replan(episode)
        return episode


def episode_readmit(*, episode, admitted_on, source, reason, by):
    """The client is back in hospital: the episode is suspended and its calls paused."""
    with transaction.atomic():
        episode = _lock(episode)
        refusal = readmission_day_refusal(episode, admitted_on)
        if refusal:
            raise EpisodeActionRefused(refusal)
        episode_move(episode, EpisodeStatus.SUSPENDED, by=by, reason=gettext_noop("Readmitted"))
        episode.save()
        calls_move(episode.calls, CallStatus.PAUSED)
        needs_kept([episode.pk])
        return Readmission.objects.create(
            episode=episode, admitted_on=admitted_on, source=source, reason=reason, recorded_by=by
        )


def readmission_day_refusal(episode, day):
    """Why the client cannot have been readmitted on `day`, or None: before they went home
    (or home again after an earlier readmission), they were in hospital already, and the
    readmission would count in the report's readmissions within 30 days of a discharge that
    came after it. (The readmission form asks it of the day given, to say so beside it.)"""
    if episode.start_date is None:  # not home yet: no readmission to judge
        return None
    returns = [r.returned_home_on for r in episode.readmissions.all() if r.returned_home_on]
    home_since = max([episode.start_date, *returns])
    if day < home_since:
        return gettext(
            "They went home on %(day)s: the date readmitted must be that day or later."
        ) % {"day": date_format(home_since, "j F Y")}
    return None


def return_home_day_refusal(episode, day, readmission=None):
    """Why the client cannot have gone home again on `day`, or None: before they were
    readmitted, or after their planned support ended. (The return-home form asks it of the
    day given, to say so beside it.)"""
    readmission = readmission or episode.readmissions.filter(returned_home_on__isnull=True).last()
    if readmission is not None and day < readmission.admitted_on:
        return gettext(
            "The client was readmitted on %(date)s: they cannot have gone home before that."
        ) % {"date": date_format(readmission.admitted_on, "j F Y")}
    if episode.planned_end is not None and day > episode.planned_end:
        return gettext(
            "The planned support ended while the client was in hospital: extend it or close it."
        )
    return None


def episode_return_home(*, episode, returned_on, by):
    """Home again within the planned period: support resumes with a call soon after."""
    with transaction.atomic():
        episode = _lock(episode)
        readmission = episode.readmissions.filter(returned_home_on__isnull=True).last()
        if episode.status != EpisodeStatus.SUSPENDED or readmission is None:
            raise EpisodeActionRefused(gettext("This episode is not suspended for a readmission."))
        refusal = return_home_day_refusal(episode, returned_on, readmission)
        if refusal:
            raise EpisodeActionRefused(refusal)
        if episode.extensions.exists():
            resumed = EpisodeStatus.EXTENDED
        elif episode.review_prompted_at:
            # Readmitted while in review: the decision is still owed (sweep_reviews prompts once).
            resumed = EpisodeStatus.IN_REVIEW
        else:
            resumed = EpisodeStatus.ACTIVE
        episode_move(episode, resumed, by=by, reason=gettext_noop("Returned home"))
        episode.save()
        readmission.returned_home_on = returned_on
        attribute_change(readmission, by=by, reason=gettext_noop("Returned home"))
        readmission.save()
        calls_move(episode.calls.filter(status=CallStatus.PAUSED), CallStatus.CANCELLED)
        _replan(episode, anchor=returned_on)
        return episode


def episode_close_refusal(episode, outcome):
    """Why support cannot be closed with `outcome`, or None (docs/safety hazard H18): not
    while a concern about the client is open, whose worry would be left unanswered (closing
    it says what was done); and not as "Goals met" when nobody has spoken with the client
    since their support began. (The close form asks it of the outcome chosen.)"""
    concerns = episode.concerns.exclude(status=ConcernStatus.CLOSED).count()
    if concerns:
        return ngettext(
            "A concern about them is not yet closed: close it first, saying what was done.",
            "%(count)s concerns about them are not yet closed: close them first, saying what "
            "was done.",
            concerns,
        ) % {"count": concerns}
    if outcome == ExitOutcome.GOALS_MET and not episode.contacts.filter(answered=True).exists():
        return gettext(
            "Nobody has spoken with them since their support began, so their goals cannot "
            "have been met: choose why support is ending, such as 'No contact'."
        )
    return None


def episode_close(*, episode, outcome, by, closed_on=None):
    """Close with a coded exit outcome: future calls are cancelled and volunteer access ends."""
    with transaction.atomic():
        episode = _lock(episode)
        refusal = episode_close_refusal(episode, outcome)
        if refusal:
            raise EpisodeActionRefused(refusal)
        episode_move(episode, EpisodeStatus.CLOSED, by=by, reason=gettext_noop("Closed"))
        episode.exit_outcome = outcome
        episode.closed_on = closed_on or timezone.localdate()
        episode.closed_by = by
        episode.save()
        calls_move(episode.calls, CallStatus.CANCELLED)
        needs_kept([episode.pk])
        episode_dates_kept(episode)
        _assignments_end(episode, by=by)
        return episode


# --- The volunteer: matching, offers, assignments ------------------------------------------


def episode_shortlist(episode, *, with_ineligible=False):
    """The volunteers who could support this episode's client, ranked and explained
    (volunteers.matching.rank), from what the episode knows: the client's needs on the
    referral, the risk assessment in force, who declined already, who supported them before.
    """
    client = episode.client
    assessment = assessment_in_force(client)
    earlier = Assignment.objects.filter(episode__client=client).values_list("volunteer_id")
    wanted = Wanted(
        client=client,
        needs=tuple(episode.referral.needs.all()),
        high_risk=assessment is not None and assessment.level == RiskLevel.HIGH,
        declined_ids=frozenset(
            pk for (pk,) in earlier.filter(episode=episode, status=AssignmentStatus.DECLINED)
        ),
        continuity_ids=frozenset(
            pk
            for (pk,) in earlier.exclude(episode=episode).filter(
                status__in=[AssignmentStatus.ACCEPTED, AssignmentStatus.ENDED]
            )
        ),
        area_postcode=episode.scheme.area_postcode,
    )
    volunteers = with_caseload(Volunteer.objects.filter(scheme=episode.scheme).with_vetting())
    match = rank(wanted, volunteers, with_ineligible=with_ineligible)
    refusal = home_visit_refusal(client)
    if refusal:
        match = replace(match, notes=[refusal, *match.notes], phone_only=True)
    return match


def _assignment_move(assignment, status, *, by, reason):
    move(
        assignment,
        status,
        table=ASSIGNMENT_TRANSITIONS,
        refused=EpisodeActionRefused,
        message=_("This offer was already {current}."),
        by=by,
        reason=reason,
    )
    if status in (AssignmentStatus.ACCEPTED, AssignmentStatus.DECLINED):
        assignment.responded_at = timezone.now()
    else:
        assignment.ended_at, assignment.ended_by = timezone.now(), by


def episode_assign_volunteer(*, episode, volunteer, by):
    """Offer the episode to a volunteer who passes every hard filter now.

    The filters are checked again here, not only on the shortlist, so a stale page or a
    crafted request cannot assign someone ineligible.
    """
    with transaction.atomic():
        episode = _lock(episode)
        # Lock the volunteer too, so two offers at once cannot take them past their limit.
        Volunteer.objects.select_for_update(of=("self",)).get(pk=volunteer.pk)
        if not episode.is_open:
            raise EpisodeActionRefused(gettext("This support episode is closed."))
        if episode.assignments.filter(status__in=LIVE_ASSIGNMENT_STATUSES).exists():
            raise EpisodeActionRefused(
                gettext("This episode already has a volunteer offered or assigned.")
            )
        match = episode_shortlist(episode, with_ineligible=True)
        if volunteer.pk not in {candidate.volunteer.pk for candidate in match.shortlist}:
            reasons = next(
                (c.refusals for c in match.ineligible if c.volunteer.pk == volunteer.pk), []
            )
            if reasons:
                refusal = gettext("%(volunteer)s cannot be assigned: %(reasons)s.") % {
                    "volunteer": volunteer,
                    "reasons": "; ".join(reasons),
                }
            else:
                refusal = gettext(
                    "%(volunteer)s cannot be assigned: not on the shortlist for this client."
                ) % {"volunteer": volunteer}
            raise EpisodeActionRefused(refusal)
        assignment = Assignment(
            episode=episode, volunteer=volunteer, offered_by=by, phone_only=match.phone_only
        )
        attribute_change(assignment, by=by, reason=gettext_noop("Offered to the volunteer"))
        assignment.save()
        from visits.emails import offer_made

        queue_email(
            offer_made,
            key=f"offer-made:{assignment.pk}",
            scheme_id=episode.scheme_id,
            assignment_id=assignment.pk,
        )
        return assignment


def _own_offer(assignment, by):
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("volunteer")
        .get(pk=assignment.pk)
    )
    if assignment.volunteer.user_id != by.pk:
        raise EpisodeActionRefused(
            gettext("Only the volunteer it was offered to can answer this offer.")
        )
    return assignment


def assignment_accept(*, assignment, by):
    with transaction.atomic():
        assignment = _own_offer(assignment, by)
        _assignment_move(
            assignment,
            AssignmentStatus.ACCEPTED,
            by=by,
            reason=gettext_noop("Accepted by the volunteer"),
        )
        assignment.save()
        return assignment


def assignment_decline(*, assignment, by, reason):
    """The volunteer says no (with a reason): the episode goes back to matching."""
    with transaction.atomic():
        if not reason.strip():
            raise EpisodeActionRefused(gettext("Say why you cannot take this on."))
        assignment = _own_offer(assignment, by)
        _assignment_move(
            assignment,
            AssignmentStatus.DECLINED,
            by=by,
            reason=gettext_noop("Declined by the volunteer"),
        )
        assignment.decline_reason = reason.strip()
        assignment.save()
        return assignment


def assignment_withdraw(*, assignment, by, reason):
    """The scheme takes back an offer nobody has answered: the client goes back to matching."""
    with transaction.atomic():
        return _assignment_stop(
            assignment, AssignmentStatus.WITHDRAWN, by=by, reason=reason,
            recorded_as=gettext_noop("Offer withdrawn"),
            say_why=gettext("Say why the offer is withdrawn."),
        )  # fmt: skip


def assignment_end(*, assignment, by, reason):
    """The scheme ends a volunteer's support while the client's goes on (their DBS check
    lapsed, they stopped volunteering, the pairing did not work): the volunteer's access to the
    client ends and the client goes back to matching. The calls stay planned, the episode's and
    not the volunteer's: one falling due before someone new accepts is made overdue and alerted
    as ever."""
    with transaction.atomic():
        return _assignment_stop(
            assignment, AssignmentStatus.ENDED, by=by, reason=reason,
            recorded_as=gettext_noop("Support handed over"),
            say_why=gettext("Say why their support ends."),
        )  # fmt: skip


def _assignment_stop(assignment, status, *, by, reason, recorded_as, say_why):
    """Move an offer or a support to `status` for the reason the coordinator gives, kept with
    it (the match page shows it among the earlier offers); `say_why` if they gave none."""
    if not reason.strip():
        raise EpisodeActionRefused(say_why)
    assignment = Assignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    _assignment_move(assignment, status, by=by, reason=recorded_as)
    assignment.decline_reason = reason.strip()
    assignment.save()
    return assignment


def _assignments_end(episode, *, by):
    """The episode closed: the supporting volunteer's access ends; unanswered offers lapse."""
    for assignment in Assignment.objects.select_for_update(of=("self",)).filter(
        episode=episode, status__in=LIVE_ASSIGNMENT_STATUSES
    ):
        ended = (
            AssignmentStatus.ENDED
            if assignment.status == AssignmentStatus.ACCEPTED
            else AssignmentStatus.WITHDRAWN
        )
        _assignment_move(assignment, ended, by=by, reason=gettext_noop("Episode closed"))
        if ended == AssignmentStatus.WITHDRAWN:
            assignment.decline_reason = Assignment.ENDED_BEFORE_ANSWER
        assignment.save()


# --- Contacts, concerns, alerts -----------------------------------------------------------

# A call made up to this long before it falls due still counts as that call.
EARLY_ALLOWANCE = timedelta(days=3)


def visit_refusal(episode, *, on=None, reader=None, **known):
    """Why no home visit may be made for this episode now, or None: the client's gate, a
    volunteer assigned for phone support only, or one whose DBS check is due for renewal on
    the day `on` (today unless given: a sweep's own day, a visit's day when it is logged;
    docs/safety hazard H14). A planned visit is on hold while there is one: it is not
    reminded, not made overdue, and cannot be logged. `reader`: the person the words are
    for; the supporting volunteer is told of their own check as theirs.

    `known` may give what the caller has read already: `in_force` (the assessment in force)
    and `supporting` (the accepted assignment, from Assignment.objects.supporting for the same
    day, or None).
    """
    gate = {"in_force": known["in_force"]} if "in_force" in known else {}
    refusal = home_visit_refusal(episode.client, **gate)
    if refusal:
        return refusal
    if "supporting" in known:
        assignment = known["supporting"]
    else:
        assignment = episode.assignments.supporting(on or timezone.localdate()).first()
    if assignment is None:
        return None
    # The volunteer reading of their own offer or check is told it is theirs.
    told_to_them = reader is not None and assignment.volunteer.user_id == reader.pk
    if _offered_before_any_assessment(assignment):
        if told_to_them:
            return gettext(
                "You were offered this client for phone support only, before their risk assessment."
            )
        return gettext(
            "%(volunteer)s was offered this client for phone support only, before any risk "
            "assessment was signed off. To let them visit, hand the client over and offer "
            "them again: the checks a visitor needs are made then."
        ) % {"volunteer": assignment.volunteer}
    if not assignment.dbs_current:
        if told_to_them:
            return gettext(
                "Your DBS check has passed its recheck date: no home visits until it is renewed."
            )
        return gettext(
            "The DBS check of %(volunteer)s has passed its recheck date: no home visits until "
            "it is renewed or another volunteer takes over."
        ) % {"volunteer": assignment.volunteer}
    return None


def phone_only_holds(assignment):
    """Whether the volunteer of `assignment` gives phone support only now (H3e): offered while
    no home visit could be made, while the client's own gate stays closed and, once it opens,
    if the offer came before any risk assessment was signed off. An offer made while a high
    risk waited for its second sign-off was checked against that assessment, so the second
    sign-off lets them visit."""
    if not assignment.phone_only:
        return False
    client = assignment.episode.client
    return home_visit_refusal(client) is not None or _offered_before_any_assessment(assignment)


def _offered_before_any_assessment(assignment):
    """A phone-only offer made before any of the client's risk assessments was signed off:
    its volunteer was chosen without the checks a visitor needs. (One signed off in the same
    instant as the offer counts as after it.)"""
    return (
        assignment.phone_only
        and not RiskAssessment.objects.filter(
            client__support_episodes=assignment.episode_id,
            signed_off_at__lt=assignment.offered_at,
        ).exists()
    )


def visit_day_refusal(episode, day):
    """Why a home visit cannot be planned for `day`, or None: after the planned support ends.
    (The visit form asks it of the day chosen, to say so beside it.)"""
    if episode.planned_end is not None and day > episode.planned_end:
        return gettext("Support is planned until %(day)s: plan the visit by then.") % {
            "day": date_format(episode.planned_end, "j F Y")
        }
    return None


def contact_day_refusal(episode, day):
    """Why a call or visit cannot be logged as made on `day`, or None: before the scheme was
    asked to support the client (the referral received; a coordinator may ring someone before
    the referral is accepted), no contact can belong to this support, and one would count as
    a first contact before the discharge. (The log form asks it of the day given, to say so
    beside it.)"""
    referred = timezone.localdate(episode.referral.submitted_at)
    if day < referred:
        return gettext(
            "The referral was received on %(day)s: the date must be that day or later."
        ) % {"day": date_format(referred, "j F Y")}
    return None


def visit_plan_refusal(episode, *, reader=None):
    """Why no home visit can be planned for this episode now, or None: the client is not home
    yet, back in hospital or no longer supported, or no home visit may be made
    (visit_refusal, in the words for `reader`). The plan-visit page says it before the form."""
    if episode.status == EpisodeStatus.AWAITING_DISCHARGE:
        return gettext("The client is not home yet: plan visits once they are.")
    if episode.status == EpisodeStatus.SUSPENDED:
        return gettext("The client is back in hospital: plan visits once they are home again.")
    if episode.status not in RUNNING_STATUSES:
        return gettext("This client's support has ended.")
    return visit_refusal(episode, reader=reader)


def visit_plan(*, episode, due_at, by):
    """Plan a home visit: only once the risk assessment allows it."""
    with transaction.atomic():
        episode = _lock(episode)
        refusal = visit_plan_refusal(episode, reader=by) or visit_day_refusal(
            episode, timezone.localdate(due_at)
        )
        if refusal:
            raise EpisodeActionRefused(refusal)
        visit = ScheduledCall.objects.create(
            episode=episode, kind=CallKind.VISIT, due_at=due_at, planned_by=by
        )
        needs_kept([episode.pk])
        return visit


def contact_log(
    *,
    episode,
    by,
    kind,
    happened_at,
    answered,
    duration_minutes=0,
    activities=(),
    wellbeing=None,
    notes="",
    concern=None,
):
    """Log a call or visit as it happened. Returns (contact, concern or None).

    A visit is refused unless the risk assessment allows home visits (phone calls always
    are). The contact completes the earliest outstanding scheduled call of its kind; an
    unanswered call or visit does not. A home visit where nobody answers the door, or two
    unanswered calls in a row, raise a concern by themselves (docs/safety hazard H4d).
    `concern` is an optional dict (category, urgency, description) the volunteer raised.
    """
    with transaction.atomic():
        episode = _lock(episode)
        if not episode.is_open:
            raise EpisodeActionRefused(gettext("This client's support has ended."))
        refusal = contact_day_refusal(episode, timezone.localdate(happened_at))
        if refusal:
            raise EpisodeActionRefused(refusal)
        if kind == CallKind.VISIT:
            # The volunteer's check as it was on the day of the visit: one made while it was
            # current may be logged after it lapses (sent late, from a phone without signal).
            refusal = visit_refusal(episode, on=timezone.localdate(happened_at), reader=by)
            if refusal:
                raise EpisodeActionRefused(refusal)
        contact = Contact(
            episode=episode,
            kind=kind,
            happened_at=happened_at,
            answered=answered,
            duration_minutes=duration_minutes,
            wellbeing=wellbeing,
            notes=notes,
            logged_by=by,
        )
        if answered:
            due = (
                episode.calls.select_for_update(of=("self",))
                .filter(
                    kind=kind,
                    status__in=OUTSTANDING_CALL_STATUSES,
                    due_at__lte=happened_at + EARLY_ALLOWANCE,
                )
                .order_by("due_at")
                .first()
            )
            if due is not None:
                call_move(due, CallStatus.DONE, by=by, reason=gettext_noop("Contact logged"))
                due.save(update_fields=["status"])
                contact.scheduled_call = due
        attribute_change(contact, by=by, reason=gettext_noop("Contact logged"))
        contact.save()
        contact.activities.set(activities)
        contact_counted(contact, scheme_id=episode.scheme_id)

        raised = None
        if concern:
            raised = concern_raise(episode=episode, by=by, contact=contact, **concern)
        # The check the code asks for stands beside a worry the volunteer raised about less
        # urgent things: nobody at the door is for today whatever else they noticed.
        if _nobody_reached(episode, contact) and not (raised and raised.urgency == Urgency.TODAY):
            automatic = concern_raise(
                episode=episode,
                by=None,
                contact=contact,
                category=ConcernCategory.NO_ANSWER,
                urgency=Urgency.TODAY,
                description=Concern.NO_ANSWER_AT_VISIT
                if kind == CallKind.VISIT
                else Concern.NO_ANSWER_TWICE,
            )
            raised = raised or automatic
        needs_kept([episode.pk])
        return contact, raised


def _nobody_reached(episode, contact):
    """Whether this contact leaves a client at home unreached, so that someone must check
    they are safe (docs/safety hazard H4d): a home visit nobody answered, or a second call in
    a row; not while the client is in hospital (awaiting discharge, or readmitted), nor when
    someone has spoken with them since (a contact logged late)."""
    if contact.answered or episode.status not in RUNNING_STATUSES:
        return False
    if episode.contacts.filter(answered=True, happened_at__gt=contact.happened_at).exists():
        return False
    return contact.kind == CallKind.VISIT or _second_unanswered(episode, contact)


def _second_unanswered(episode, contact):
    previous = (
        episode.contacts.filter(kind=CallKind.CALL)
        .exclude(pk=contact.pk)
        .order_by("-happened_at", "-pk")
        .first()
    )
    return previous is not None and not previous.answered


def concern_raise(*, episode, by, category, urgency, description, contact=None):
    """A concern reaches the scheme's coordinators at once: an alert, and an email."""
    with transaction.atomic():
        concern = Concern(
            episode=episode,
            contact=contact,
            category=category,
            urgency=urgency,
            description=description,
            raised_by=by,
        )
        attribute_change(concern, by=by, reason=gettext_noop("Concern raised"))
        concern.save()
        needs_kept([episode.pk])
        Alert.objects.create(
            scheme_id=episode.scheme_id,
            kind=AlertKind.CONCERN,
            episode=episode,
            concern=concern,
            message=f"{concern.get_category_display()} concern about {episode.client}",
        )
        from visits.emails import concern_raised

        queue_email(
            concern_raised,
            key=f"concern-raised:{concern.pk}",
            scheme_id=episode.scheme_id,
            concern_id=concern.pk,
        )
        return concern


def concern_acknowledge(*, concern, by):
    with transaction.atomic():
        concern = Concern.objects.select_for_update(of=("self",)).get(pk=concern.pk)
        concern_move(
            concern, ConcernStatus.ACKNOWLEDGED, by=by, reason=gettext_noop("Concern acknowledged"),
            message=_already_dealt_with,
        )  # fmt: skip
        concern.acknowledged_by = by
        concern.acknowledged_at = timezone.now()
        concern.save()
        concern.alerts.open().update(acknowledged_by=by, acknowledged_at=concern.acknowledged_at)
        return concern


def _already_dealt_with(concern):
    """For a second person at the same concern: who closed it, else who acknowledged it (a
    concern is never past open without one of them: closing an open one acknowledges it)."""
    return gettext("This concern was already %(status)s by %(person)s.") % {
        "status": concern.get_status_display().lower(),
        "person": concern.closed_by or concern.acknowledged_by,
    }


def _log_escalation(concern, by):
    """An escalation shares the concern with an NHS partner: it goes in the sharing log.

    Escalating does not wait for consent: where the client has withdrawn consent to share,
    the entry rests on vital interests (safeguarding), with the action taken as its reason,
    and is flagged as an override for review.
    """
    client = concern.episode.client
    consent = consent_to_share(client=client)
    given = consent.given
    sharing_record(
        by=by,
        subject=concern.episode,
        client=client,
        consent=consent,
        what=gettext_noop("Concern escalation"),
        fields_shared=gettext_noop(
            "The concern: its category, what was seen or heard, and the action taken"
        ),
        recipient_organisation=concern.escalated_to,
        purpose=f"{concern.get_category_display()} concern about the client",
        lawful_basis=LawfulBasis.PUBLIC_TASK_HEALTH if given else LawfulBasis.VITAL_INTERESTS,
        override_reason="" if given else f"Concern escalated: {concern.action_taken}",
    )


def concern_close(*, concern, by, action_taken, escalated_to=""):
    with transaction.atomic():
        concern = Concern.objects.select_for_update(of=("self",)).get(pk=concern.pk)
        if not action_taken.strip() and concern.status != ConcernStatus.CLOSED:
            raise EpisodeActionRefused(gettext("Say what action was taken."))
        now = timezone.now()
        was_open = concern.status == ConcernStatus.OPEN
        concern_move(
            concern, ConcernStatus.CLOSED, by=by, reason=gettext_noop("Concern closed"),
            message=gettext("This concern is already closed."),
        )  # fmt: skip
        if was_open:
            concern.acknowledged_by, concern.acknowledged_at = by, now
        concern.action_taken = action_taken.strip()
        concern.escalated_to = escalated_to.strip()
        concern.closed_by, concern.closed_at = by, now
        concern.save()
        needs_kept([concern.episode_id])
        if concern.escalated_to:
            _log_escalation(concern, by)
        concern.alerts.open().update(acknowledged_by=by, acknowledged_at=now)
        return concern


def alert_acknowledge(*, alert, by):
    with transaction.atomic():
        alert = Alert.objects.select_for_update(of=("self",)).get(pk=alert.pk)
        if alert.acknowledged_at is not None:
            raise EpisodeActionRefused(
                gettext("Already acknowledged by %(person)s.") % {"person": alert.acknowledged_by}
            )
        if alert.concern_id:
            concern_acknowledge(concern=alert.concern, by=by)
            return Alert.objects.get(pk=alert.pk)
        alert.acknowledged_by, alert.acknowledged_at = by, timezone.now()
        alert.save()
        return alert


# --- Signposting --------------------------------------------------------------------------


def community_service_save(*, scheme, by, service=None, **fields):
    with transaction.atomic():
        service = service or CommunityService(scheme=scheme)
        for name, value in fields.items():
            setattr(service, name, value)
        attribute_change(service, by=by, reason=gettext_noop("Directory entry saved"))
        service.save()
        return service


def onward_referral_record(*, episode, service, referred_on, by, outcome="waiting"):
    with transaction.atomic():
        if service.scheme_id != episode.scheme_id:
            raise EpisodeActionRefused(gettext("That service is not in this scheme's directory."))
        referral = OnwardReferral(
            episode=episode, service=service, referred_on=referred_on, made_by=by, outcome=outcome
        )
        attribute_change(referral, by=by, reason=gettext_noop("Onward referral recorded"))
        referral.save()
        return referral


def onward_referral_update(*, referral, outcome, by):
    with transaction.atomic():
        referral.outcome = outcome
        attribute_change(referral, by=by, reason=gettext_noop("Onward referral outcome"))
        referral.save()
        return referral
