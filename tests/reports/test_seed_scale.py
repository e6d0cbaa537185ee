"""seed_scale makes counts in proportion to --scale, benchmark_report's raw query agrees
with the report (or stops loudly when it does not), and benchmark_matching leaves nothing
behind. Tiny scales: the real runs are on PostgreSQL."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F, Sum
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import Role, Scheme, User
from aligns.nhs import is_valid_nhs_number
from clients.models import Client, OutcomeAnswer
from referrals.models import Referral, ReferralDay, Status
from reports.management.commands import benchmark_report
from reports.management.commands.seed_scale import planned_counts
from reports.period import Period
from visits.models import (
    LIVE_ASSIGNMENT_STATUSES,
    OUTSTANDING_CALL_STATUSES,
    Alert,
    AssignmentStatus,
    CallKind,
    CallStatus,
    Contact,
    ContactDay,
    EpisodeStatus,
    ScheduledCall,
    SupportEpisode,
)
from visits.sweeps import sweep_reminders
from volunteers.models import DbsCheck, Volunteer

pytestmark = pytest.mark.django_db

SMALL, LARGE = 0.0002, 0.0004


def seed(scale):
    out = StringIO()
    call_command("seed_scale", scale=scale, schemes=1, seed=7, stdout=out)
    return out.getvalue()


def counts(scheme):
    return {
        "referrals": Referral.objects.filter(scheme=scheme).count(),
        "episodes": SupportEpisode.objects.filter(scheme=scheme).count(),
        "contacts": Contact.objects.filter(episode__scheme=scheme).count(),
        "volunteers": Volunteer.objects.filter(scheme=scheme).count(),
    }


def test_counts_follow_the_scale_in_new_schemes():
    seed(SMALL)
    output = seed(LARGE)
    assert "Done in" in output

    small, large = Scheme.objects.order_by("pk")
    assert (small.slug, large.slug) == ("scale-test", "scale-test-2")
    assert counts(small) == planned_counts(SMALL)
    assert counts(large) == planned_counts(LARGE)
    assert planned_counts(LARGE) == {
        "referrals": 118,
        "episodes": 100,
        "contacts": 1000,
        "volunteers": 8,
    }

    # Every accepted referral, and only those, has an episode; some clients came back.
    referrals = Referral.objects.filter(scheme=large)
    accepted = referrals.filter(status=Status.ACCEPTED)
    assert accepted.count() == 100
    assert SupportEpisode.objects.filter(referral__in=referrals).count() == 100
    assert set(referrals.values_list("status", flat=True)) == set(Status.values)
    # The triage queue holds a day's referrals (118 a year: 1), sent in the last day.
    waiting = referrals.filter(status=Status.SUBMITTED)
    assert waiting.count() == 1
    assert waiting.get().submitted_at > timezone.now() - datetime.timedelta(days=1)
    clients = Client.objects.filter(scheme=large)
    assert 80 <= clients.count() < 100
    assert all(
        number.startswith("999") and is_valid_nhs_number(number)
        for number in clients.values_list("nhs_number", flat=True)
    )

    contacts = Contact.objects.filter(episode__scheme=large)
    by_volunteers = contacts.filter(logged_by__role=Role.VOLUNTEER).count()
    assert by_volunteers > 0.8 * contacts.count()
    answers = OutcomeAnswer.objects.filter(measure__client__scheme=large)
    assert answers.exists()
    # The figures contact_log keeps, worked out for the contacts put in directly.
    days = ContactDay.objects.filter(scheme=large).aggregate(total=Sum("contacts"))
    assert days["total"] == contacts.count() == 1000
    first = contacts.filter(answered=True).order_by("happened_at").first()
    assert first.episode.first_contact_at == first.happened_at  # the earliest is its episode's


def test_calls_and_visits_fall_within_support():
    seed(LARGE)
    now = timezone.now()
    for contact in Contact.objects.select_related("episode"):
        episode = contact.episode
        day = timezone.localdate(contact.happened_at)
        assert episode.start_date is not None
        assert episode.start_date <= day
        assert contact.happened_at <= now
        assert episode.closed_on is None or day <= episode.closed_on


def test_the_schedule_offers_and_vetting_are_those_a_live_scheme_would_have():
    # The pages benchmarked read these tables: they must hold what the services would make.
    seed(LARGE)
    started = SupportEpisode.objects.exclude(start_date=None)
    for episode in started.prefetch_related("calls", "assignments"):
        calls = [call for call in episode.calls.all() if call.kind == CallKind.CALL]
        assert sum(call.is_first for call in calls) == 1
        assert all(call.due_at.date() <= episode.planned_end for call in calls)
        live = [a for a in episode.assignments.all() if a.status in LIVE_ASSIGNMENT_STATUSES]
        if episode.status == EpisodeStatus.CLOSED:
            assert not live
            assert not [call for call in calls if call.status in OUTSTANDING_CALL_STATUSES]
        else:
            assert [a.status for a in live] == [AssignmentStatus.ACCEPTED]
            assert live[0].volunteer.user_id is not None  # they sign in to log their calls
    now = timezone.now()
    assert not ScheduledCall.objects.filter(status=CallStatus.PENDING, due_at__lt=now).exists()
    assert not ScheduledCall.objects.filter(status=CallStatus.DONE, due_at__gt=now).exists()
    # A live scheme's reminder sweep has had every call due by tonight: none left for it.
    assert sweep_reminders(now) == 0
    overdue = ScheduledCall.objects.filter(status=CallStatus.OVERDUE)
    assert set(Alert.objects.values_list("scheduled_call", flat=True)) == set(
        overdue.values_list("pk", flat=True)
    )
    volunteers = Volunteer.objects.all()
    assert DbsCheck.objects.filter(volunteer__in=volunteers).count() == volunteers.count()
    assert volunteers.with_vetting().filter(dbs_valid=True, training_current=True).exists()


def test_benchmark_cross_checks_and_gives_a_ratio():
    seed(LARGE)
    out = StringIO()
    call_command("benchmark_report", repeat=1, stdout=out)
    text = out.getvalue()

    assert "Cross-check passed" in text
    received = int(re.search(r"received ([\d,]+)", text).group(1).replace(",", ""))
    assert received > 0
    assert re.search(r"build_report: median [\d,.]+ ms", text)
    assert re.search(r"Ratio report/raw: [\d,.]+", text)


def test_benchmark_stops_when_the_raw_query_disagrees(monkeypatch):
    seed(LARGE)
    real = benchmark_report.raw_headline

    def one_visit_too_many(scheme, period):
        figures = real(scheme, period)
        return figures | {"visits": figures["visits"] + 1}

    monkeypatch.setattr(benchmark_report, "raw_headline", one_visit_too_many)
    with pytest.raises(CommandError, match=r"visits: raw SQL \d+, report \d+"):
        call_command("benchmark_report", repeat=1, stdout=StringIO())


def test_the_matching_benchmark_runs_and_leaves_nothing_behind(db):
    out = StringIO()
    call_command("benchmark_matching", sizes=[5, 20], repeat=1, stdout=out)

    for size in (5, 20):
        for case in ("known postcode", "postcode unknown"):
            assert f"{size} volunteers, {case}: median" in out.getvalue()
    assert not Volunteer.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the sweep benchmark runs on PostgreSQL only"
)
def test_the_sweep_benchmark_alternates_the_two_sides_and_leaves_no_due_call_behind():
    from aligns.outbox.models import Message
    from visits.models import CallStatus, ScheduledCall

    seed(LARGE)
    planned = set(ScheduledCall.objects.filter(status=CallStatus.PENDING).values_list("pk"))
    out = StringIO()
    call_command("benchmark_sweep", calls=40, repeat=2, history=300, sent=30, stdout=out)
    text = out.getvalue()

    runs = re.findall(r"run (\d) (sweep|update)", text)
    assert runs == [("1", "sweep"), ("1", "update"), ("2", "update"), ("2", "sweep")]
    assert re.search(r"sweep +min [\d.]+ s +median [\d.]+ s", text)
    assert re.search(r"40 calls: the sweep takes [\d.]+× the bare UPDATE", text)
    # Its own due calls gone; the seeded schedule's calls to come left as they were.
    left = set(ScheduledCall.objects.filter(status=CallStatus.PENDING).values_list("pk"))
    assert left == planned
    assert Message.objects.count() == 30  # the month of history only


def test_the_sweep_benchmark_refuses_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL it runs")
    with pytest.raises(CommandError, match="Run it on PostgreSQL"):
        call_command("benchmark_sweep", stdout=StringIO())


def test_the_pages_benchmark_times_every_page_in_both_schemes_alternated():
    call_command("seed_scale", scale=0.0004, schemes=1, seed=7, stdout=StringIO())
    call_command("seed_scale", scale=0.0002, schemes=1, seed=8, stdout=StringIO())
    out = StringIO()

    call_command("benchmark_pages", repeat=5, stdout=out)

    lines = out.getvalue().splitlines()
    assert "Large: scale-test (100 episodes); small: scale-test-2 (50 episodes)" in lines[0]
    timed = [line.split()[0] for line in lines[2:]]
    assert len(timed) == 15 and timed[0] == "Dashboard" and timed[-1] == "Organisation"
    # Each row: both sides' min/median, the ratio, and the queries of each side.
    assert all(re.search(r"[\d.]+/\s*[\d.]+ .* \d+\.\d\d +\d+/\d+", line) for line in lines[2:])


def test_the_pages_benchmark_needs_two_schemes():
    call_command("seed_scale", scale=0.0002, schemes=1, seed=8, stdout=StringIO())
    with pytest.raises(CommandError, match="two schemes"):
        call_command("benchmark_pages", repeat=5, stdout=StringIO())


def test_several_schemes_are_one_providers_whose_manager_sees_them_all():
    call_command("seed_scale", scale=0.0004, schemes=2, seed=7, stdout=StringIO())

    schemes = Scheme.objects.order_by("pk")
    organisation = schemes[0].organisation
    manager = User.objects.get(role=Role.ORGANISATION_MANAGER)
    browser = Browser()
    browser.force_login(manager)
    page = browser.get(
        reverse("reports:organisation"),
        {"quarter": Period.quarter_containing(timezone.localdate()).key},
    )

    assert {scheme.organisation for scheme in schemes} == {organisation}
    assert manager.organisation == organisation
    assert [scheme for scheme, _ in page.context["rows"]] == list(schemes)


def test_benchmark_stops_when_a_kept_day_disagrees_with_the_records():
    seed(LARGE)
    scheme = Scheme.objects.get(slug="scale-test")
    quarter = Period.quarter_containing(timezone.localdate()).previous_quarter()
    day = ReferralDay.objects.filter(scheme=scheme, day__range=(quarter.start, quarter.end))
    kept = day.order_by("day").first()
    ReferralDay.objects.filter(pk=kept.pk).update(accepted=F("accepted") + 1)

    with pytest.raises(CommandError, match=r"accepted: kept \d+, counted \d+"):
        call_command(
            "benchmark_report", scheme=scheme.slug, quarter=str(quarter.start), repeat=1,
            stdout=StringIO(),
        )  # fmt: skip
    ReferralDay.objects.filter(pk=kept.pk).update(accepted=kept.accepted)
