"""How long the reminder sweep takes to drain a backlog, against a bare UPDATE of the same rows:
a benchmark, not a test.

    DATABASE_URL=postgres://… python manage.py seed_scale        # running episodes to call
    DATABASE_URL=postgres://… python manage.py benchmark_sweep   # --calls 50000 --repeat 3

On a database of its own (never a live one). It gives the calls table a national year of
history first, once (`--history`, 1,750,000 calls made or cancelled over the last year), and
the outbox a month of sent messages (`--sent`, 150,000), so the indexes are the size they
would be. Then it plans `--calls` calls due a minute ago on running episodes (the backlog after
an outage) and times, alternately, after a VACUUM ANALYZE of both tables each time:

- **the sweep**: `sweep_reminders` until drained, which claims, marks and writes an outbox row
  for every call;
- **a bare UPDATE** of the same rows' `reminded_at`, with the same filter and nothing else.

It prints the minimum and median of each over `--repeat` runs, the ratio of the medians, and
the sweep's throughput in calls a minute. The due calls and their messages are deleted at the
end; the history stays, for the next run.
"""

import json
import random
import statistics
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from aligns.outbox.models import Message, MessageStatus
from reports.management.commands.seed_scale import _batches, _Writer
from visits.models import RUNNING_STATUSES, CallKind, CallStatus, ScheduledCall, SupportEpisode
from visits.sweeps import sweep_reminders

BATCH = 50_000


class Command(BaseCommand):
    help = "Time the reminder sweep draining a backlog against a bare UPDATE (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=int, default=50_000, help="Calls due at once.")
        parser.add_argument("--repeat", type=int, default=3, help="Runs of each side.")
        parser.add_argument("--history", type=int, default=1_750_000)
        parser.add_argument("--sent", type=int, default=150_000)

    def handle(self, *args, calls, repeat, history, sent, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Run it on PostgreSQL (DATABASE_URL), on a database of its own.")
        if calls < 1 or repeat < 1:
            raise CommandError("--calls and --repeat must be at least 1.")
        episodes = list(
            SupportEpisode.objects.filter(status__in=RUNNING_STATUSES).values_list(
                "pk", "scheme_id"
            )
        )
        if not episodes:
            raise CommandError("No running episodes: run seed_scale first.")
        self.rng = random.Random(2026)  # noqa: S311 - synthetic data, not secrets # nosec B311
        self.writer = _Writer(timezone.now())
        self._history(episodes, history)
        self._sent(sent)

        now = timezone.now()
        due = self._plan_due(episodes, calls, now - timedelta(minutes=1))
        first_message = (Message.objects.order_by("-pk").values_list("pk", flat=True).first()) or 0
        sides = {"sweep": lambda: sweep_reminders(now), "update": lambda: self._bare_update(now)}
        times = {side: [] for side in sides}
        try:
            for run in range(repeat):
                order = list(sides) if run % 2 == 0 else list(reversed(sides))
                for side in order:
                    self._reset(due, first_message)
                    started = time.perf_counter()
                    done = sides[side]()
                    times[side].append(time.perf_counter() - started)
                    if done != len(due):
                        raise CommandError(f"The {side} touched {done:,} calls, not {len(due):,}.")
                    self.stdout.write(f"run {run + 1} {side:<6} {times[side][-1]:.2f} s")
        finally:
            self._reset(due, first_message)
            ScheduledCall.objects.filter(pk__in=due).delete()

        sweep, update = (statistics.median(times[side]) for side in ("sweep", "update"))
        for side, seconds in times.items():
            self.stdout.write(
                f"{side:<6} min {min(seconds):.2f} s  median {statistics.median(seconds):.2f} s"
            )
        self.stdout.write(
            f"{len(due):,} calls: the sweep takes {sweep / update:.1f}× the bare UPDATE "
            f"(medians), {len(due) / sweep * 60:,.0f} calls a minute"
        )

    def _history(self, episodes, history):
        missing = history - ScheduledCall.objects.exclude(status=CallStatus.PENDING).count()
        if missing <= 0:
            return
        started = time.perf_counter()
        now = timezone.now()
        for batch in _batches(range(missing), BATCH):
            self.writer.insert(
                ScheduledCall,
                (
                    {
                        "episode_id": self.rng.choice(episodes)[0],
                        "kind": CallKind.CALL,
                        "due_at": now - timedelta(minutes=self.rng.randint(60, 525_600)),
                        "status": CallStatus.DONE
                        if self.rng.random() < 0.93
                        else CallStatus.CANCELLED,
                        "reminded_at": now - timedelta(days=1),
                    }
                    for _ in batch
                ),
                returning=False,
            )
        self._vacuum()
        self.stdout.write(f"{missing:,} past calls added in {time.perf_counter() - started:.0f} s")

    def _sent(self, sent):
        missing = sent - Message.objects.filter(status=MessageStatus.SENT).count()
        if missing <= 0:
            return
        started = time.perf_counter()
        now = timezone.now()
        for batch in _batches(range(missing), BATCH):
            self.writer.insert(
                Message,
                (
                    {
                        "kind": "call_reminder",
                        "ids": json.dumps({"call_id": number}),
                        "key": f"benchmark-history:{now.timestamp()}:{number}",
                        "status": MessageStatus.SENT,
                        "attempts": 1,
                        "sent_at": now - timedelta(days=1),
                    }
                    for number in batch
                ),
                returning=False,
            )
        self._vacuum()
        self.stdout.write(
            f"{missing:,} sent messages added in {time.perf_counter() - started:.0f} s"
        )

    def _plan_due(self, episodes, calls, due_at):
        ids = []
        for batch in _batches(range(calls), BATCH):
            ids += self.writer.insert(
                ScheduledCall,
                (
                    {"episode_id": episodes[number % len(episodes)][0], "kind": CallKind.CALL,
                     "due_at": due_at, "status": CallStatus.PENDING}
                    for number in batch
                ),
            )  # fmt: skip
        return ids

    def _bare_update(self, now):
        end_of_today = timezone.make_aware(
            timezone.datetime.combine(timezone.localdate(now), timezone.datetime.max.time())
        )
        return ScheduledCall.objects.filter(
            status=CallStatus.PENDING,
            reminded_at__isnull=True,
            due_at__lte=end_of_today,
            due_at__gte=now - timedelta(days=1),
        ).update(reminded_at=now)

    def _reset(self, due, first_message):
        ScheduledCall.objects.filter(pk__in=due).update(reminded_at=None)
        Message.objects.filter(pk__gt=first_message).delete()
        self._vacuum()

    def _vacuum(self):
        # VACUUM cannot run inside a transaction (a test's): ANALYZE alone there.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for model in (ScheduledCall, Message):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
