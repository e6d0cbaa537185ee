"""Synthetic support in progress: calls done and overdue, a concern, an extension."""

from datetime import timedelta

from django.utils import timezone

from clients.models import Client
from visits.models import (
    Assignment,
    CallKind,
    ConcernCategory,
    ExitOutcome,
    ReadmissionSource,
    SupportEpisode,
    Urgency,
)
from visits.services import (
    assignment_accept,
    community_service_save,
    concern_close,
    contact_log,
    episode_assign_volunteer,
    episode_close,
    episode_extend,
    episode_readmit,
    onward_referral_record,
)
from visits.sweeps import run_sweeps
from volunteers.models import Volunteer

DIRECTORY = [
    ("Riverside Good Neighbours", "befriending", "01632 960200"),
    ("Riverside Dial-a-Ride", "transport", "01632 960201"),
    ("Citizens Advice Riverside (demo)", "benefits", "01632 960202"),
    ("Handy Helpers repairs", "repairs", "01632 960203"),
    ("Riverside Carers' Centre", "carers", "01632 960204"),
]


def seed_episodes(*, scheme, coordinator):
    if Assignment.objects.filter(episode__scheme=scheme).exists():
        return
    val = Volunteer.objects.get(scheme=scheme, given_name="Val")
    val.max_active_clients = 3
    val.save()
    clients = {client.given_name: client for client in Client.objects.filter(scheme=scheme)}
    now = timezone.now()

    doreen = clients["Doreen"].support_episodes.get()
    offer = episode_assign_volunteer(episode=doreen, volunteer=val, by=coordinator)
    assignment_accept(assignment=offer, by=val.user)
    first = contact_log(
        episode=doreen,
        by=val.user,
        kind=CallKind.CALL,
        happened_at=now - timedelta(days=2),
        answered=True,
        duration_minutes=20,
        notes="Settled at home; fridge stocked.",
    )[0]
    first.activities.set(doreen.referral.needs.all())
    concern = contact_log(
        episode=doreen,
        by=val.user,
        kind=CallKind.CALL,
        happened_at=now - timedelta(days=1),
        answered=True,
        duration_minutes=15,
        notes="A bit breathless on the stairs.",
        concern={
            "category": ConcernCategory.HEALTH,
            "urgency": Urgency.SOON,
            "description": "Breathless climbing the stairs, more than last week.",
        },
    )[1]
    concern_close(
        concern=concern,
        by=coordinator,
        action_taken="Called the GP practice, who will visit.",
        escalated_to="Riverside Medical Centre",
    )
    episode_extend(
        episode=doreen, weeks=1, reason="Waiting for the community physio to start.", by=coordinator
    )

    reginald = clients["Reginald"].support_episodes.get()
    offer = episode_assign_volunteer(episode=reginald, volunteer=val, by=coordinator)
    assignment_accept(assignment=offer, by=val.user)
    for hours_ago in (30, 6):
        contact_log(
            episode=reginald,
            by=val.user,
            kind=CallKind.CALL,
            happened_at=now - timedelta(hours=hours_ago),
            answered=False,
        )
    # Week six reached: the sweep below puts it into review.
    # Readmitted after a fall: suspended, calls paused.
    norman = clients["Norman"].support_episodes.get()
    episode_readmit(
        episode=norman,
        admitted_on=now.date() - timedelta(days=2),
        source=ReadmissionSource.FAMILY,
        reason="Fall at home",
        by=coordinator,
    )
    # Support finished: closed with its outcome.
    pauline = clients["Pauline"].support_episodes.get()
    for days_ago in (20, 13, 9):
        contact_log(
            episode=pauline,
            by=coordinator,
            kind=CallKind.CALL,
            happened_at=now - timedelta(days=days_ago),
            answered=True,
            duration_minutes=15,
            notes="Managing well; back to her walks." if days_ago == 9 else "",
        )
    episode_close(
        episode=pauline,
        outcome=ExitOutcome.GOALS_MET,
        by=coordinator,
        closed_on=now.date() - timedelta(days=8),
    )

    services = [
        community_service_save(
            scheme=scheme,
            by=coordinator,
            name=name,
            category=category,
            area_covered="Riverside",
            phone=phone,
        )
        for name, category, phone in DIRECTORY
    ]
    onward_referral_record(
        episode=doreen, service=services[0], referred_on=now.date(), by=coordinator
    )
    _in_the_order_it_happened(scheme)
    run_sweeps(now)  # the first call to anyone not yet reached is overdue


def _in_the_order_it_happened(scheme):
    """The services above stamp each step with the moment the demo runs, but the calls they
    log happened days before: the referral's acceptance, the offer and its answer are moved
    back between the referral and the first call, so each client's timeline reads in order."""
    for assignment in Assignment.objects.filter(episode__scheme=scheme).select_related(
        "episode__referral"
    ):
        episode = assignment.episode
        first = episode.contacts.order_by("happened_at").values_list("happened_at", flat=True)
        if not first:
            continue
        referred = episode.referral.submitted_at
        step = (first[0] - referred) / 4
        # (The referral's model is a layer above: reached through the episode.)
        type(episode.referral).objects.filter(pk=episode.referral_id).update(
            decided_at=referred + step
        )
        SupportEpisode.objects.filter(pk=episode.pk).update(opened_at=referred + step)
        Assignment.objects.filter(pk=assignment.pk).update(
            offered_at=referred + 2 * step, responded_at=referred + 3 * step
        )
