"""Figures kept as the work is logged, so the pages and the report read them rather than
scan every call and visit: each episode's first successful contact; each scheme's calls and
visits a day (visits.models.ContactDay), how many included each activity (ActivityDay) and
who logged them (LoggerDay); and what the episodes board sorts by (each episode's overdue
calls, concerns not yet closed and next call or visit due).

`contact_counted` keeps the contact figures as each contact is logged, and `needs_kept` the
board's whenever an episode's calls or concerns change (each inside the same transaction);
`figures_rebuilt` works them all out again from the rows themselves, for data that did not
come through the services (the migrations that added them, seed_scale, the demo). Tests
compare the two: after every test, each episode's board figures are checked against its rows
(tests/conftest.py: board_figures_agree).

A migration that adds a kept figure works them all out again with `figures_rebuilt(models=
apps)`; as this reads every kept figure's model, the earlier migrations' steps then become
no-ops (0014 did so for 0011, 0018 for 0014). Such a migration is run with the web and worker
stopped, so nothing is logged by the old code after it has worked the figures out.
"""

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone


def contact_counted(contact, *, scheme_id):
    """Count a contact just logged, with its activities (the episode is locked by the
    caller)."""
    from visits.models import ActivityDay, CallKind, ContactDay, LoggerDay, SupportEpisode

    if contact.answered:
        # The earliest, not the latest: a contact may be logged days after it happened.
        SupportEpisode.objects.filter(pk=contact.episode_id).filter(
            Q(first_contact_at__isnull=True) | Q(first_contact_at__gt=contact.happened_at)
        ).update(first_contact_at=contact.happened_at)
    day = timezone.localdate(contact.happened_at)
    is_call = contact.kind == CallKind.CALL
    _add_to(
        ContactDay,
        {"scheme_id": scheme_id, "day": day},
        contacts=1,
        successful=int(contact.answered),
        minutes=contact.duration_minutes,
        calls=int(is_call),
        calls_successful=int(is_call and contact.answered),
        call_minutes=contact.duration_minutes if is_call else 0,
    )
    need_ids = list(contact.activities.values_list("pk", flat=True))
    if need_ids:
        _add_to(
            ActivityDay,
            *[{"scheme_id": scheme_id, "day": day, "need_id": need_id} for need_id in need_ids],
            contacts=1,
        )
    _add_to(
        LoggerDay,
        {"scheme_id": scheme_id, "day": day, "logged_by_id": contact.logged_by_id},
        contacts=1,
        minutes=contact.duration_minutes,
    )


def _add_to(model, *keys, **amounts):
    """Add `amounts` to the rows of `model` with each of `keys`. A row may not exist yet, and
    another scheme member may be logging at this moment: insert those missing (a concurrent
    insert wins quietly), then add to them in one statement."""
    model.objects.bulk_create([model(**key) for key in keys], ignore_conflicts=True)
    matching = Q()
    for key in keys:
        matching |= Q(**key)
    model.objects.filter(matching).update(
        **{field: F(field) + amount for field, amount in amounts.items()}
    )


def needs_kept(episodes, *, models=None):
    """Work out again, from their calls and concerns, what the board sorts `episodes` (a
    queryset, or ids) by. Called by each service that changes a call or a concern, after the
    change: the figures are worked out whole each time, never added to, so a change made by
    some other way is put right by the next one."""
    from visits.models import CallStatus, ConcernStatus

    if models is None:
        from django.apps import apps as models
    episode_model = models.get_model("visits", "SupportEpisode")
    calls = models.get_model("visits", "ScheduledCall").objects.filter(episode=OuterRef("pk"))
    concerns = models.get_model("visits", "Concern").objects.filter(episode=OuterRef("pk"))
    if not isinstance(episodes, QuerySet):
        episodes = episode_model.objects.filter(pk__in=list(episodes))
    episodes.update(
        overdue_calls=_how_many(calls.filter(status=CallStatus.OVERDUE)),
        open_concerns=_how_many(concerns.exclude(status=ConcernStatus.CLOSED)),
        next_call_due_at=Subquery(
            calls.filter(status=CallStatus.PENDING).order_by("due_at").values("due_at")[:1]
        ),
    )


def _how_many(rows):
    return Coalesce(
        Subquery(rows.order_by().values("episode").annotate(count=Count("pk")).values("count")),
        0,
    )


def figures_rebuilt(scheme_ids=None, *, models=None):
    """Work every kept figure out again from the contacts, calls and concerns of the schemes
    given (all when None).

    `models`: an app registry (a migration's `apps`), else the current models."""
    from visits.models import CallKind

    if models is None:
        from django.apps import apps as models
    contact_model = models.get_model("visits", "Contact")
    episode_model = models.get_model("visits", "SupportEpisode")
    episodes = episode_model.objects.all()
    contacts = contact_model.objects.all()
    if scheme_ids is not None:
        episodes = episodes.filter(scheme_id__in=scheme_ids)
        contacts = contacts.filter(episode__scheme_id__in=scheme_ids)
    needs_kept(episodes, models=models)
    episodes.update(
        first_contact_at=Subquery(
            contact_model.objects.filter(episode=OuterRef("pk"), answered=True)
            .order_by()
            .values("episode")
            .annotate(first=Min("happened_at"))
            .values("first")
        )
    )
    day = TruncDate("happened_at", tzinfo=timezone.get_default_timezone())
    call = Q(kind=CallKind.CALL)
    _rebuilt(
        models.get_model("visits", "ContactDay"),
        scheme_ids,
        contacts.annotate(day=day).values("episode__scheme_id", "day"),
        contacts=Count("pk"),
        successful=Count("pk", filter=Q(answered=True)),
        minutes=Sum("duration_minutes"),  # a day's row has a contact, so a number
        calls=Count("pk", filter=call),
        calls_successful=Count("pk", filter=call & Q(answered=True)),
        call_minutes=Sum("duration_minutes", filter=call, default=0),  # a day of visits only
    )
    _rebuilt(
        models.get_model("visits", "ActivityDay"),
        scheme_ids,
        contacts.filter(activities__isnull=False)
        .annotate(day=day)
        .values("episode__scheme_id", "day", "activities"),
        contacts=Count("pk"),
        renamed={"activities": "need_id"},
    )
    _rebuilt(
        models.get_model("visits", "LoggerDay"),
        scheme_ids,
        contacts.annotate(day=day).values("episode__scheme_id", "day", "logged_by"),
        contacts=Count("pk"),
        minutes=Sum("duration_minutes"),
        renamed={"logged_by": "logged_by_id"},
    )


def _rebuilt(model, scheme_ids, grouped, *, renamed=None, **aggregates):
    """Replace the schemes' rows of `model` by the totals of `grouped` (contacts grouped by
    scheme, day and any other key, named in the row as `renamed` says)."""
    renamed = {"episode__scheme_id": "scheme_id", **(renamed or {})}
    rows = model.objects.all()
    if scheme_ids is not None:
        rows = rows.filter(scheme_id__in=scheme_ids)
    rows.delete()
    model.objects.bulk_create(
        (
            model(**{renamed.get(name, name): value for name, value in row.items()})
            for row in grouped.annotate(**aggregates).order_by().iterator(chunk_size=10_000)
        ),
        batch_size=10_000,
    )
