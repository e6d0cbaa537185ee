"""Figures kept as the work is logged, so the pages and the report read them rather than
scan every call and visit: each episode's first successful contact; each scheme's calls and
visits a day (visits.models.ContactDay), how many included each activity (ActivityDay) and
who logged them (LoggerDay); what the episodes board sorts by (each episode's overdue calls,
concerns not yet closed and next call or visit due); and what the manager's dashboard shows
for the quarter under way: each scheme's discharges a day and how many were contacted in
time (DischargeDay), and its open support and how many clients it has supported since the
quarter began (SchemeFigures). Its referrals a day are kept by referrals.figures, the same way.

`contact_counted` keeps the contact figures as each contact is logged, `needs_kept` the
board's whenever an episode's calls or concerns change, and `episode_dates_kept` the
dashboard's whenever support starts, closes or has its start corrected (each inside the
service's transaction). `figures_rebuilt` works them all out again from the rows themselves,
for data that did not come through the services (the migrations that added them,
seed_scale, the demo). Tests compare the two: after every test, each episode's board figures
and each kept day and count are checked against the rows (tests/conftest.py:
kept_figures_agree).

A migration that adds a kept figure works them all out again with `figures_rebuilt(models=
apps)`; as this reads every kept figure's model, the earlier migrations' steps then become
no-ops (0014 did so for 0011, 0018 for 0014, 0021 for 0018). Such a migration is run with the
web and worker stopped, so nothing is logged by the old code after it has worked the figures
out.
"""

from django.db import transaction
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from aligns.routers import reading_from_the_primary


def contact_counted(contact, *, scheme_id):
    """Count a contact just logged, with its activities (the episode is locked by the
    caller)."""
    from visits.models import ActivityDay, CallKind, ContactDay, LoggerDay, SupportEpisode

    if contact.answered:
        # The earliest, not the latest: a contact may be logged days after it happened.
        first = SupportEpisode.objects.filter(pk=contact.episode_id).filter(
            Q(first_contact_at__isnull=True) | Q(first_contact_at__gt=contact.happened_at)
        )
        if first.update(first_contact_at=contact.happened_at):
            episode = contact.episode
            discharges_kept(episode.scheme, [episode.start_date])
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


def episode_dates_kept(episode, *, days_before=()):
    """Count again what the dashboard reads of `episode`'s scheme after the episode opened,
    closed or had its start corrected (it is locked by the caller): the discharges of its
    start day (and of `days_before`, days it had started on until now), the scheme's open
    support and the clients it has supported since the quarter began."""
    discharges_kept(episode.scheme, [episode.start_date, *days_before])
    scheme_figures_kept(episode.scheme_id)


def contacted_in_time(window_seconds):
    """Discharges first contacted within the window (its seconds: a number, or an expression
    of each row's scheme): the one rule for the report and the figures kept."""
    return Q(first_contact_seconds__lte=window_seconds)


def discharge_counts(window_seconds):
    """Discharges, and how many were first contacted within the window: the days kept as the
    work is done and worked out again."""
    return {
        "discharged": Count("start_date"),
        "contacted_in_time": Count("start_date", filter=contacted_in_time(window_seconds)),
    }


def discharges_kept(scheme, days):
    """Count again `scheme`'s discharges on each of `days` (a None day is one not yet come)."""
    from visits.models import DischargeDay, SupportEpisode

    for day in sorted({day for day in days if day is not None}):
        recounted(
            DischargeDay,
            {"scheme_id": scheme.pk, "day": day},
            lambda day=day: SupportEpisode.objects.filter(
                scheme_id=scheme.pk, start_date=day
            ).aggregate(**discharge_counts(scheme.first_contact_window.total_seconds())),
            window_hours=scheme.first_contact_hours,
        )


def clients_supported(scheme_id, since):
    """How many clients of the scheme have had support open on a day since `since` (support
    starts are never in the future, so this is up to today)."""
    from visits.models import SupportEpisode

    return SupportEpisode.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=since),
        scheme_id=scheme_id,
        start_date__isnull=False,
    ).aggregate(clients=Count("client", distinct=True))["clients"]


def scheme_figures_kept(scheme_id):
    """Count again the scheme's open support and its clients supported since the day its
    kept figures are from, if it keeps them (the dashboard starts them: scheme_figures)."""
    from visits.models import SchemeFigures

    since = SchemeFigures.objects.filter(scheme_id=scheme_id).values_list("since", flat=True)
    since = since.first()
    if since is not None:
        # The figures and the day they are from are written together: a dashboard that moved
        # the day on meanwhile finds the old day, and counts again.
        recounted(
            SchemeFigures,
            {"scheme_id": scheme_id},
            lambda: _scheme_counts(scheme_id, since),
            since=since,
        )


def scheme_figures(scheme_id, since):
    """{"open_episodes", "clients_supported"}: the scheme's open support, and the clients it
    has supported since `since`. Kept (one row) when from that day; else counted now and kept
    from then on (once a quarter)."""
    from visits.models import SchemeFigures

    kept = SchemeFigures.objects.filter(scheme_id=scheme_id, since=since)
    figures = kept.values("open_episodes", "clients_supported").first()
    if figures is not None:
        return figures
    figures = {}

    def count():
        figures.update(_scheme_counts(scheme_id, since))
        return figures

    recounted(SchemeFigures, {"scheme_id": scheme_id}, count, since=since)
    return figures


def _scheme_counts(scheme_id, since):
    from visits.models import SupportEpisode

    return {
        "open_episodes": SupportEpisode.objects.filter(scheme_id=scheme_id).open().count(),
        "clients_supported": clients_supported(scheme_id, since),
    }


def needing_action(scheme_id, since):
    """The dashboard's tiles that open the episodes board: open support (kept), and its
    overdue calls as the board counts them, summed through the board's index over only the
    episodes that have any (scheme_figures' `since`: the day the dashboard's are from)."""
    from visits.models import SupportEpisode

    overdue = (
        SupportEpisode.objects.filter(scheme_id=scheme_id, overdue_calls__gt=0)
        .open()
        .aggregate(overdue_calls=Sum("overdue_calls", default=0))
    )
    return {"open_episodes": scheme_figures(scheme_id, since)["open_episodes"]} | overdue


def recounted(model, key, counted, **fields):
    """Set the row of `model` with `key` to the figures `counted()` gives, and to `fields`.
    The row is locked before counting, until the caller's transaction ends: two people
    changing what it counts at the same moment then count one after the other, the second
    seeing the first's change (each statement reads what was committed before it began), so
    neither keeps a count missing the other's. Counted from the primary, even for a report
    reading a replica (the organisation's page, the first to look this quarter)."""
    with reading_from_the_primary(), transaction.atomic():
        model.objects.bulk_create([model(**key, **fields)], ignore_conflicts=True)
        rows = model.objects.filter(**key)
        list(rows.select_for_update().values_list("pk"))
        rows.update(**counted(), **fields)


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
    rebuilt(
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
    rebuilt(
        models.get_model("visits", "ActivityDay"),
        scheme_ids,
        contacts.filter(activities__isnull=False)
        .annotate(day=day)
        .values("episode__scheme_id", "day", "activities"),
        contacts=Count("pk"),
        renamed={"activities": "need_id"},
    )
    rebuilt(
        models.get_model("visits", "DischargeDay"),
        scheme_ids,
        episodes.filter(start_date__isnull=False).values(
            "scheme_id", "start_date", "scheme__first_contact_hours"
        ),
        **discharge_counts(F("scheme__first_contact_hours") * 3600),
        renamed={"start_date": "day", "scheme__first_contact_hours": "window_hours"},
    )
    # Counted again by the dashboard that next reads them (scheme_figures).
    kept_for_schemes = models.get_model("visits", "SchemeFigures").objects.all()
    if scheme_ids is not None:
        kept_for_schemes = kept_for_schemes.filter(scheme_id__in=scheme_ids)
    kept_for_schemes.delete()
    rebuilt(
        models.get_model("visits", "LoggerDay"),
        scheme_ids,
        contacts.annotate(day=day).values("episode__scheme_id", "day", "logged_by"),
        contacts=Count("pk"),
        minutes=Sum("duration_minutes"),
        renamed={"logged_by": "logged_by_id"},
    )


def rebuilt(model, scheme_ids, grouped, *, renamed=None, **aggregates):
    """Replace the schemes' rows of `model` by the totals of `grouped` (rows grouped by
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
