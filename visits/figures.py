"""Figures kept as contacts are logged, so the dashboard and the report sum them rather than
scan every call and visit: each episode's first successful contact, and each scheme's calls
and visits a day (visits.models.ContactDay).

`contact_counted` keeps them as each contact is logged (inside the same transaction);
`figures_rebuilt` works them out again from the contacts themselves, for data that did not
come through the services (the migration that added them, seed_scale). Tests compare the two.
"""

from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone


def contact_counted(contact, *, scheme_id):
    """Count a contact just logged (the episode is locked by the caller)."""
    from visits.models import ContactDay, SupportEpisode

    if contact.answered:
        # The earliest, not the latest: a contact may be logged days after it happened.
        SupportEpisode.objects.filter(pk=contact.episode_id).filter(
            Q(first_contact_at__isnull=True) | Q(first_contact_at__gt=contact.happened_at)
        ).update(first_contact_at=contact.happened_at)
    day = timezone.localdate(contact.happened_at)
    # The day's row may not exist yet, and another scheme member may be logging at this
    # moment: insert it if missing (a concurrent insert wins quietly), then add to it.
    ContactDay.objects.bulk_create(
        [ContactDay(scheme_id=scheme_id, day=day)], ignore_conflicts=True
    )
    ContactDay.objects.filter(scheme_id=scheme_id, day=day).update(
        contacts=F("contacts") + 1,
        successful=F("successful") + int(contact.answered),
        minutes=F("minutes") + contact.duration_minutes,
    )


def figures_rebuilt(scheme_ids=None, *, models=None):
    """Work both figures out again from the contacts of the schemes given (all when None).

    `models`: an app registry (a migration's `apps`), else the current models."""
    if models is None:
        from django.apps import apps as models
    contact_model = models.get_model("visits", "Contact")
    episode_model = models.get_model("visits", "SupportEpisode")
    day_model = models.get_model("visits", "ContactDay")
    episodes = episode_model.objects.all()
    if scheme_ids is not None:
        episodes = episodes.filter(scheme_id__in=scheme_ids)
    episodes.update(
        first_contact_at=Subquery(
            contact_model.objects.filter(episode=OuterRef("pk"), answered=True)
            .order_by()
            .values("episode")
            .annotate(first=Min("happened_at"))
            .values("first")
        )
    )
    days = day_model.objects.all()
    contacts = contact_model.objects.all()
    if scheme_ids is not None:
        days = days.filter(scheme_id__in=scheme_ids)
        contacts = contacts.filter(episode__scheme_id__in=scheme_ids)
    days.delete()
    totals = (
        contacts.annotate(day=TruncDate("happened_at", tzinfo=timezone.get_default_timezone()))
        .values("episode__scheme_id", "day")
        .annotate(
            count=Count("pk"),
            answered_count=Count("pk", filter=Q(answered=True)),
            minutes_sum=Sum("duration_minutes"),  # a day's row has a contact, so a number
        )
        .order_by()
    )
    day_model.objects.bulk_create(
        (
            day_model(
                scheme_id=row["episode__scheme_id"],
                day=row["day"],
                contacts=row["count"],
                successful=row["answered_count"],
                minutes=row["minutes_sum"],
            )
            for row in totals.iterator(chunk_size=10_000)
        ),
        batch_size=10_000,
    )
