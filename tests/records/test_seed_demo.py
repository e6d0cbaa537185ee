from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from aligns.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from aligns.accounts.models import Hospital, Scheme, User, Ward
from aligns.nhs import is_valid_nhs_number
from referrals.models import Referral, Status


@pytest.mark.django_db
def test_seed_demo_can_run_twice_without_duplicating_anything(capsys):
    call_command("seed_demo", "--force")
    counts = [m.objects.count() for m in (Scheme, Hospital, Ward, User)]

    call_command("seed_demo", "--force")

    assert [m.objects.count() for m in (Scheme, Hospital, Ward, User)] == counts
    assert counts[:3] == [1, 2, 6]
    # The demo logins: four in the scheme, one of its provider; the other volunteers' sign-ins
    # have never been used (test_the_demo_years_calls_are_logged_by_its_volunteers).
    signing_in = {user.email for user in User.objects.all() if user.has_usable_password()}
    assert signing_in == {email for email, *_ in DEMO_USERS} | {"organisation@example.org"}
    assert DEMO_PASSWORD in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_demo_makes_referrals_in_every_status_with_synthetic_nhs_numbers():
    call_command("seed_demo", "--force")
    referral_count = Referral.objects.count()

    call_command("seed_demo", "--force")

    assert Referral.objects.count() == referral_count
    assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)
    for nhs_number in Referral.objects.values_list("nhs_number", flat=True):
        assert nhs_number.startswith("999") and is_valid_nhs_number(nhs_number)


@pytest.mark.django_db
def test_every_demo_login_works_with_the_printed_password():
    call_command("seed_demo", "--force")

    for email, _name, role, _wards in DEMO_USERS:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert user.role == role
    assert User.objects.get(email="ward@example.org").wards.count() == 2


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_that_looks_live():
    with pytest.raises(CommandError, match="Refusing to load demo data"):
        call_command("seed_demo")

    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_makes_support_episodes_in_every_state():
    from visits.models import EpisodeStatus, SupportEpisode

    call_command("seed_demo", "--force")

    assert set(SupportEpisode.objects.values_list("status", flat=True)) == set(EpisodeStatus.values)


@pytest.mark.django_db
def test_seed_demo_gives_each_of_the_last_four_quarters_referrals_finished_support_and_outcomes():
    from clients.models import OutcomeMeasure, Timepoint
    from reports.period import Period
    from visits.models import Contact, EpisodeStatus, Readmission, SupportEpisode

    call_command("seed_demo", "--force")

    for quarter in Period.recent_quarters(timezone.localdate(), 5)[1:]:
        days = (quarter.start, quarter.end)
        assert Referral.objects.filter(submitted_at__date__range=days).count() >= 10, quarter
        closed = SupportEpisode.objects.filter(status=EpisodeStatus.CLOSED, closed_on__range=days)
        assert closed.exists(), quarter
        assert Contact.objects.filter(happened_at__date__range=days).count() >= 30, quarter
        assert OutcomeMeasure.objects.filter(
            timepoint=Timepoint.END, taken_on__range=days
        ).exists(), quarter
    assert Readmission.objects.filter(admitted_on__lt=timezone.localdate() - timedelta(days=30))
    # The year's support has all ended: nothing of it is due, queued or overdue.
    history = SupportEpisode.objects.filter(
        referral__submitted_at__lt=timezone.now() - timedelta(days=60)
    )
    assert history.count() >= 60
    assert set(history.values_list("status", flat=True)) == {EpisodeStatus.CLOSED}
    assert not history.filter(calls__isnull=False).exists()


@pytest.mark.django_db
def test_seed_demo_keeps_the_figures_its_contacts_give():
    from tests.visits.conftest import kept_figures
    from visits.figures import figures_rebuilt

    call_command("seed_demo", "--force")
    seeded = kept_figures()

    figures_rebuilt()

    assert seeded == kept_figures()
    assert len(seeded["days"]) > 100  # a year of days with calls and visits
    assert seeded["activities"] and seeded["loggers"]


@pytest.mark.django_db
def test_seed_demo_run_twice_adds_no_second_year_of_history():
    from visits.models import Contact, SupportEpisode

    call_command("seed_demo", "--force")
    counts = (SupportEpisode.objects.count(), Contact.objects.count())

    call_command("seed_demo", "--force")

    assert (SupportEpisode.objects.count(), Contact.objects.count()) == counts


@pytest.mark.django_db
def test_the_demo_years_calls_are_logged_by_its_volunteers_and_the_report_counts_them_all():
    """A scheme's volunteers log their own calls: the report's active volunteers and their
    hours are those of the year's support, not of the one volunteer who signs in to the demo."""
    from aligns.accounts.models import Role
    from reports.figures import build_report
    from reports.period import Period
    from visits.models import Contact
    from volunteers.models import Stage, Volunteer

    call_command("seed_demo", "--force")
    last_quarter = Period.recent_quarters(timezone.localdate(), 2)[1]
    scheme = Scheme.objects.get()

    report = build_report(scheme, last_quarter, suppress_small_numbers=False)

    volunteers = {row[0]: row[1].value for row in report.table("volunteers").rows}
    activity = {row[0]: row[1].value for row in report.table("activity").rows}
    logged = Contact.objects.filter(happened_at__date__range=(last_quarter.start, last_quarter.end))
    assert volunteers["Active volunteers"] >= 5
    assert volunteers["Active volunteers"] == (
        logged.filter(logged_by__role=Role.VOLUNTEER).values("logged_by").distinct().count()
    )
    assert (
        logged.filter(logged_by__role=Role.VOLUNTEER).count()
        > activity["All calls and visits"] * 0.8
    )
    # What the calls and visits included: more than one kind, each counted.
    included = [row[1].value for row in report.table("activity_types").rows]
    assert len([count for count in included if count]) >= 3
    # Each sign-in is a volunteer's own, on the scheme's books.
    for user in User.objects.filter(role=Role.VOLUNTEER):
        assert Volunteer.objects.get(user=user).stage == Stage.ACTIVE


@pytest.mark.django_db
def test_nothing_of_the_demo_years_support_comes_before_its_referral_was_accepted():
    """The timelines read in order: each offer made after the referral was accepted and
    answered after it was made, each call or visit after the referral was made."""
    from django.db.models import F

    from visits.models import Assignment, Contact

    call_command("seed_demo", "--force")

    offers = Assignment.objects.filter(responded_at__isnull=False)
    assert offers.count() >= 60
    assert not offers.filter(offered_at__lt=F("episode__referral__decided_at")).exists()
    assert not offers.filter(responded_at__lt=F("offered_at")).exists()
    assert not Contact.objects.filter(happened_at__lt=F("episode__referral__submitted_at")).exists()


@pytest.mark.django_db
def test_every_demo_client_and_episode_opens_its_change_history_dated_when_it_happened(client):
    """The year of history is saved in bulk: without history rows of its own, the "Change
    history" link of each of those clients led to "No such record"."""
    from django.urls import reverse

    from clients.models import Client
    from visits.models import SupportEpisode

    call_command("seed_demo", "--force")
    client.force_login(User.objects.get(email="manager@example.org"))
    scheme = Scheme.objects.get()
    clients = Client.objects.filter(scheme=scheme)
    episodes = SupportEpisode.objects.filter(scheme=scheme)

    for kind, records in (("client", clients), ("episode", episodes)):
        for record in records:
            response = client.get(reverse("records:history", args=[kind, record.pk]))
            assert response.status_code == 200, (kind, record.pk)
    oldest = Referral.history.order_by("history_date").first()
    assert oldest.history_date < timezone.now() - timedelta(days=300)
