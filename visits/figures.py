"""Figures kept as contacts are logged, so the dashboard and the report sum them rather than
scan every call and visit: each episode's first successful contact; each scheme's calls and
visits a day (visits.models.ContactDay), how many included each activity (ActivityDay) and
who logged them (LoggerDay).

`contact_counted` keeps them as each contact is logged (inside the same transaction);
`figures_rebuilt` works them out again from the contacts themselves, for data that did not
come through the services (the migrations that added them, seed_scale). Tests compare the two.
A migration that adds a kept figure works them all out again with `figures_rebuilt(models=
apps)`; as this reads every kept figure's model, the earlier migrations' steps then become
no-ops (0014 did so for 0011). Such a migration is run with the web and worker stopped, so
nothing is logged by the old code after it has worked the figures out.
"""

from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate
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


def figures_rebuilt(scheme_ids=None, *, models=None):
    """Work every kept figure out again from the contacts of the schemes given (all when
    None).

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
