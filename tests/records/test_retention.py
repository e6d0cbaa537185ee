"""Past the retention period, personal details go from the live tables and the history
rows; the figures reports count stay the same."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from clients.models import PERSON_FIELDS, Client
from records.retention import KEPT_FOR_REPORTS
from referrals.models import Referral
from referrals.services import referral_accept
from reports.figures import build_report
from reports.period import Period
from tests.factories import ReferralFactory
from visits.models import Contact, SupportEpisode
from visits.services import contact_log, episode_close, episode_record_discharge

LONDON = timezone.get_default_timezone()
LONG_AGO = datetime.date(2019, 3, 4)


def supported_then_closed(scheme, coordinator, went_home, *, name):
    with time_machine.travel(datetime.datetime.combine(went_home, datetime.time(9), LONDON)):
        referral = ReferralFactory(
            ward__hospital__scheme=scheme, given_name=name, family_name="Pemberton-Oakes",
            postcode="RV3 7QQ", date_of_birth=datetime.date(1938, 8, 17),
            expected_discharge_date=went_home,
        )  # fmt: skip
        episode = referral_accept(referral=referral, by=coordinator)[1]
        episode = episode_record_discharge(episode=episode, discharged_on=went_home,
                                           by=coordinator)  # fmt: skip
        contact_log(episode=episode, by=coordinator, kind="call", answered=True,
                    happened_at=timezone.now(), duration_minutes=10,
                    notes=f"{name} mentioned her daughter")  # fmt: skip
        episode_close(episode=episode, outcome="declined", by=coordinator,
                      closed_on=went_home + datetime.timedelta(days=40))  # fmt: skip
    return SupportEpisode.objects.get(pk=episode.pk)


@pytest.fixture
def old_and_recent(scheme, coordinator):
    old = supported_then_closed(scheme, coordinator, LONG_AGO, name="Henrietta")
    recent = supported_then_closed(scheme, coordinator, datetime.date(2024, 5, 6), name="Imogen")
    return old, recent


def quarter_figures(scheme):
    report = build_report(scheme, Period.quarter_containing(LONG_AGO))
    return {
        key: report.table(key).export_rows(False)
        for key in ("referrals", "people_supported", "age_bands", "activity", "episodes_closed",
                    "postcode_districts", "gender")
    }  # fmt: skip


@pytest.mark.usefixtures("old_and_recent")
def test_dry_run_lists_by_id_and_changes_nothing(scheme):
    out = StringIO()
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=LONDON)):
        call_command("anonymise_past_retention", dry_run=True, stdout=out)
    assert "1 client(s) would be anonymised" in out.getvalue()
    assert "Henrietta" not in out.getvalue()
    assert Client.objects.filter(given_name="Henrietta").exists()


def test_personal_details_go_from_live_and_history_rows_and_figures_stay(scheme, old_and_recent):
    old, recent = old_and_recent
    before = quarter_figures(scheme)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=LONDON)):
        call_command("anonymise_past_retention", stdout=StringIO())

    client = Client.objects.get(pk=old.client_id)
    assert (client.given_name, client.family_name) == ("Former", "client")
    assert client.nhs_number == f"X{client.pk}"
    assert client.postcode == "RV3"
    assert client.date_of_birth == datetime.date(1938, 1, 1)
    assert client.anonymised_at is not None
    for row in Client.history.filter(id=client.pk):
        assert "Henrietta" not in (row.given_name, row.family_name)
        assert row.address_line_1 == ""
    referral = Referral.objects.get(pk=old.referral_id)
    assert "Henrietta" not in referral.given_name
    assert not Referral.history.filter(id=referral.pk, given_name="Henrietta").exists()
    assert Contact.objects.get(episode=old).notes == ""
    assert not Contact.history.filter(episode_id=old.pk).exclude(notes="").exists()

    # The client whose support ended two years ago keeps everything.
    assert Client.objects.get(pk=recent.client_id).given_name == "Imogen"
    assert quarter_figures(scheme) == before


def test_an_open_episode_keeps_the_client_whatever_the_dates(scheme, coordinator, old_and_recent):
    old, _ = old_and_recent
    again = ReferralFactory(
        ward__hospital__scheme=scheme, nhs_number=old.client.nhs_number, given_name="Henrietta",
        family_name="Pemberton-Oakes", date_of_birth=datetime.date(1938, 8, 17),
        postcode="RV3 7QQ",
    )  # fmt: skip
    referral_accept(referral=again, by=coordinator)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=LONDON)):
        call_command("anonymise_past_retention", stdout=StringIO())
    assert Client.objects.get(pk=old.client_id).given_name == "Henrietta"


def test_the_scheme_sets_how_long(scheme, old_and_recent):
    _, recent = old_and_recent
    scheme.retention_years = 2
    scheme.save()
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=LONDON)):
        call_command("anonymise_past_retention", stdout=StringIO())
    assert Client.objects.get(pk=recent.client_id).given_name == "Former"


def test_every_person_field_of_a_client_and_their_referral_is_removed_or_kept_for_reports(
    scheme, old_and_recent
):
    old, _ = old_and_recent
    Client.objects.filter(pk=old.client_id).update(
        phone="07700 900123", address_line_2="Flat 2", next_of_kin_name="Daughter",
        next_of_kin_relationship="Daughter", next_of_kin_phone="07700 900456",
        communication_notes="Hard of hearing", nhs_number_verified=True, language="Welsh",
    )  # fmt: skip
    before = {
        "client": Client.objects.get(pk=old.client_id),
        "referral": Referral.objects.get(pk=old.referral_id),
    }
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=LONDON)):
        call_command("anonymise_past_retention", stdout=StringIO())
    after = {
        "client": Client.objects.get(pk=old.client_id),
        "referral": Referral.objects.get(pk=old.referral_id),
    }

    for kind, record in after.items():
        for name in PERSON_FIELDS:
            was, now = getattr(before[kind], name), getattr(record, name)
            if name in KEPT_FOR_REPORTS:
                assert now == was, (kind, name)
            elif name == "nhs_number_verified":
                assert now is False, (kind, name)
            elif was not in ("", None):
                assert now != was, f"the {kind}'s {name} is still {was!r}"
