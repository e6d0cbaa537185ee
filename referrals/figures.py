"""Referrals a day, kept as referrals are sent and decided (referrals.models.ReferralDay), so
that the dashboard's referrals received and accepted in the quarter under way are a sum of
some ninety rows, not a count that grows with the scheme. Each service that sends or decides
a referral counts its day again (`referrals_kept`), whole, never adding to it, so a change
made some other way is put right by the next one; `referral_days_rebuilt` works them all out
again from the referrals, for data that did not come through the services (the migration that
added them, seed_scale, the demo). After every test the days kept are checked against the
referrals (tests/conftest.py: kept_figures_agree)."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from referrals.models import Referral, ReferralDay, Status
from visits.figures import rebuilt, recounted


def referral_counts():
    """Referrals received, and by where each stands: the one definition for the report and
    the days kept. Each counts the status (always set), not the id, so that a count over a
    period reads the index (scheme, submitted_at, status) alone."""
    return {
        "received": Count("status"),
        "accepted": Count("status", filter=Q(status=Status.ACCEPTED)),
        "declined": Count("status", filter=Q(status=Status.DECLINED)),
        "withdrawn": Count("status", filter=Q(status=Status.WITHDRAWN)),
        "awaiting": Count("status", filter=Q(status=Status.SUBMITTED)),
    }


def referrals_kept(referral):
    """Count again the referrals of `referral`'s scheme sent on the day it was (UK time),
    after it was sent or decided (inside the service's transaction)."""
    day = timezone.localdate(referral.submitted_at)
    starts_at = timezone.make_aware(datetime.combine(day, time.min))
    ends_before = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    recounted(
        ReferralDay,
        {"scheme_id": referral.scheme_id, "day": day},
        lambda: Referral.objects.filter(
            scheme_id=referral.scheme_id, submitted_at__gte=starts_at, submitted_at__lt=ends_before
        ).aggregate(**referral_counts()),
    )


def referral_days_rebuilt(scheme_ids=None, *, models=None):
    """Work the referrals a day of the schemes given (all when None) out again.

    `models`: an app registry (a migration's `apps`), else the current models."""
    if models is None:
        from django.apps import apps as models
    referrals = models.get_model("referrals", "Referral").objects.all()
    if scheme_ids is not None:
        referrals = referrals.filter(scheme_id__in=scheme_ids)
    day = TruncDate("submitted_at", tzinfo=timezone.get_default_timezone())
    rebuilt(
        models.get_model("referrals", "ReferralDay"),
        scheme_ids,
        referrals.annotate(day=day).values("scheme_id", "day"),
        **referral_counts(),
    )
