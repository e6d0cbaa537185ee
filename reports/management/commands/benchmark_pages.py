"""How long the busiest pages take at national size against a small scheme: a benchmark, not
a test.

    DATABASE_URL=postgres://… python manage.py seed_scale                    # national size
    DATABASE_URL=postgres://… python manage.py seed_scale --scale 0.01 --seed 9  # a small one
    DATABASE_URL=postgres://… python manage.py benchmark_pages --repeat 7

Each page is fetched through Django's test client (server side: the view, its queries and the
template; no network, no browser) as the person who uses it, in the largest scheme (most
episodes) and in the smallest, the two alternated sample by sample, after one warm-up of each.
It prints each side's minimum and median, the ratio of the medians and the queries each side
ran. A page whose cost depends on its page size, not on the size of the tables, has a ratio
near 1. Fetching a record writes its access-log row, as in use.
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import Role, Scheme, User
from aligns.celery import app
from clients.models import Client
from reports.period import Period
from visits.models import (
    LIVE_ASSIGNMENT_STATUSES,
    OPEN_EPISODE_STATUSES,
    AssignmentStatus,
    EpisodeStatus,
    SupportEpisode,
)


class _Side:
    """One scheme's people and records, and a signed-in browser per role."""

    def __init__(self, scheme):
        self.scheme = scheme
        self.browsers = {}
        episodes = SupportEpisode.objects.filter(scheme=scheme)
        self.running = (
            episodes.filter(status=EpisodeStatus.ACTIVE)
            .order_by("-pk")
            .values_list("pk", flat=True)
        ).first()
        # Find a volunteer ranks the shortlist only for a client nobody supports yet (at a
        # tiny scale there may be none: then it shows the one who does).
        self.unmatched = (
            episodes.filter(status__in=OPEN_EPISODE_STATUSES)
            .exclude(assignments__status__in=LIVE_ASSIGNMENT_STATUSES)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        ) or self.running
        client = Client.objects.filter(support_episodes__pk=self.running).get()
        self.client_pk = client.pk
        self.name = client.full_name  # as a coordinator would type it
        self.nhs_prefix = client.nhs_number[:6]
        self.volunteer_user = (
            User.objects.filter(
                volunteer__assignments__status=AssignmentStatus.ACCEPTED,
                volunteer__assignments__episode__scheme=scheme,
            )
            .order_by("pk")
            .first()
        )
        if None in (self.running, self.volunteer_user, scheme.organisation_id):
            raise CommandError(f"{scheme.slug} lacks what the pages need: run seed_scale.")

    def browser(self, role):
        if role not in self.browsers:
            if role == Role.VOLUNTEER:
                user = self.volunteer_user
            elif role == Role.ORGANISATION_MANAGER:
                user = User.objects.filter(
                    organisation=self.scheme.organisation_id, role=role, is_active=True
                ).first()
            else:
                user = User.objects.filter(scheme=self.scheme, role=role, is_active=True).first()
            browser = Browser()
            browser.force_login(user)
            self.browsers[role] = browser
        return self.browsers[role]


def pages(side):
    """(name, role, address) of every page timed, for `side`."""
    last_quarter = Period.recent_quarters(timezone.localdate())[1].key
    return [
        ("Dashboard", Role.MANAGER, reverse("reports:dashboard")),
        ("Episodes board", Role.COORDINATOR, reverse("visits:board")),
        ("Alerts", Role.COORDINATOR, reverse("visits:work_queue")),
        ("Triage queue", Role.COORDINATOR, reverse("referrals:queue")),
        ("Volunteer list", Role.COORDINATOR, reverse("records:volunteers")),
        ("Team list", Role.COORDINATOR, reverse("accounts:team_list")),
        ("Client list", Role.COORDINATOR, reverse("clients:list")),
        (
            "Client name search",
            Role.COORDINATOR,
            reverse("clients:list") + f"?q={side.name}",
        ),
        ("NHS-number search", Role.COORDINATOR, reverse("clients:list") + f"?q={side.nhs_prefix}"),
        ("Client record", Role.COORDINATOR, reverse("records:client", args=[side.client_pk])),
        ("Episode page", Role.COORDINATOR, reverse("visits:episode", args=[side.running])),
        ("Find a volunteer", Role.COORDINATOR, reverse("visits:match", args=[side.unmatched])),
        ("Today (volunteer)", Role.VOLUNTEER, reverse("visits:today")),
        # Last quarter's report: a large scheme's from the figures the worker kept (worked out
        # by the warm-up fetch), a small one's worked out while the page waits.
        ("Report page", Role.MANAGER, reverse("reports:report") + f"?quarter={last_quarter}"),
        # The provider's page: its schemes' figures this quarter, each and all together.
        ("Organisation page", Role.ORGANISATION_MANAGER, reverse("reports:organisation")),
    ]


def _fetch(side, role, address):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = side.browser(role).get(address)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise CommandError(f"{address} answered {response.status_code} in {side.scheme.slug}.")
    return elapsed, len(queries.captured_queries)


class Command(BaseCommand):
    help = "Time the busiest pages in the largest scheme against the smallest (alternated)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=7, help="Samples of each (at least 5).")
        parser.add_argument("--only", default="", help="Only pages whose name contains this.")

    def handle(self, *args, repeat=7, only="", **options):
        if repeat < 5:
            raise CommandError("--repeat must be at least 5: a median of fewer says little.")
        schemes = list(
            Scheme.objects.annotate(size=Count("support_episodes"))
            .filter(size__gt=0)
            .order_by("-size")
        )
        if len(schemes) < 2:
            raise CommandError("Needs two schemes with episodes: run seed_scale twice.")
        large, small = _Side(schemes[0]), _Side(schemes[-1])
        self.stdout.write(
            f"Database: {connection.vendor}. Large: {large.scheme.slug} "
            f"({schemes[0].size:,} episodes); small: {small.scheme.slug} "
            f"({schemes[-1].size:,} episodes); {repeat} samples each, alternated."
        )
        header = f"{'page':<20} {'large min/median ms':>21} {'small min/median ms':>21}"
        self.stdout.write(header + f" {'ratio':>6} {'queries':>9}")
        # What the worker does (a large scheme's report page) is done at once, in this process.
        eager, app.conf.task_always_eager = app.conf.task_always_eager, True
        # The test client's host; sign-in with a second factor is the views' business, not
        # what is timed here.
        try:
            with override_settings(ALLOWED_HOSTS=["testserver"], ALIGNS_REQUIRE_TWO_FACTOR=False):
                for (name, role, large_address), (_, _, small_address) in zip(
                    pages(large), pages(small), strict=True
                ):
                    if only.lower() not in name.lower():
                        continue
                    self._page(name, role, (large, large_address), (small, small_address), repeat)
        finally:
            app.conf.task_always_eager = eager

    def _page(self, name, role, large, small, repeat):
        times = {"large": [], "small": []}
        queries = {}
        _fetch(*large[:1], role, large[1])  # warm-up: caches, connections, templates
        _fetch(*small[:1], role, small[1])
        for sample in range(repeat):
            order = (("large", large), ("small", small))
            for label, (side, address) in order if sample % 2 == 0 else reversed(order):
                elapsed, count = _fetch(side, role, address)
                times[label].append(elapsed)
                queries[label] = count
        medians = {label: statistics.median(values) for label, values in times.items()}
        self.stdout.write(
            f"{name:<20} "
            + " ".join(
                f"{min(times[label]) * 1000:>10,.1f}/{medians[label] * 1000:>9,.1f}"
                for label in ("large", "small")
            )
            + f" {medians['large'] / medians['small']:>6.2f}"
            + f" {queries['large']:>4}/{queries['small']:<4}"
        )
