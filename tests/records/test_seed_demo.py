import pytest
from django.core.management import CommandError, call_command

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
    assert counts == [1, 2, 6, 5]  # four in the scheme, one of its provider
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
