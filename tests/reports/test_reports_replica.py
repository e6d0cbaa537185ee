"""Reports and exports read from the reports replica when one is configured
(DATABASE_REPORTS_URL); pages a person acts on, and every write, stay on the primary.

The replica here is a second connection to the test database (a test mirror, as Django sets
one up for DATABASE_REPORTS_URL): the tests are transactional, so what one connection writes
the other can read."""

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aligns.routers import REPORTS_DATABASE, ReportsReplicaRouter, reading_for_reports
from referrals.models import Referral
from reports.figures import build_report, organisation_figures
from reports.models import ExportStatus, ReportExport
from reports.period import Period
from reports.services import export_build
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reports_replica(monkeypatch):
    """A reports database that is the test database reached through its own connection."""
    mirror = dict(connections["default"].settings_dict)
    # A copy: the router reads the setting, while Django's test case keeps to the databases
    # it knew of when the test began (the dict it holds), and lets the test open one made
    # afterwards by hand.
    monkeypatch.setattr(
        django_settings, "DATABASES", {**django_settings.DATABASES, REPORTS_DATABASE: mirror}
    )
    replica = load_backend(mirror["ENGINE"]).DatabaseWrapper(mirror, REPORTS_DATABASE)
    connections[REPORTS_DATABASE] = replica
    yield replica
    replica.close()
    del connections[REPORTS_DATABASE]


def this_quarter():
    return Period.quarter_containing(timezone.localdate())


def test_the_report_is_read_from_the_replica_and_nothing_of_it_from_the_primary(
    scheme, reports_replica
):
    ReferralFactory.create_batch(3, ward__hospital__scheme=scheme)

    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(reports_replica) as on_replica,
    ):
        report = build_report(scheme, this_quarter())

    assert on_primary.captured_queries == []
    assert len(on_replica.captured_queries) > 10
    referrals = next(table for table in report.tables if table.key == "referrals")
    assert referrals.rows[0][0] == "Received"
    assert referrals.rows[0][1].value == 3


def test_an_export_reads_from_the_replica_and_records_its_progress_on_the_primary(
    scheme, manager, reports_replica
):
    ReferralFactory.create_batch(2, ward__hospital__scheme=scheme)
    period = this_quarter()
    export = ReportExport.objects.create(
        scheme=scheme, requested_by=manager, period_start=period.start,
        period_end=period.end, export_format="csv",
    )  # fmt: skip

    with CaptureQueriesContext(reports_replica) as on_replica:
        export_build(export_id=export.pk)

    export.refresh_from_db()
    assert (export.status, export.progress) == (ExportStatus.READY, 100)
    assert on_replica.captured_queries  # the figures
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in on_replica.captured_queries)


def test_the_organisation_figures_are_read_from_the_replica(scheme, reports_replica):
    ReferralFactory(ward__hospital__scheme=scheme)
    # The quarter's first look starts each scheme's kept count of clients: counted on the
    # primary, where it is kept under a lock, never from a replica seconds behind.
    with CaptureQueriesContext(connections["default"]) as first_look:
        organisation_figures([scheme], this_quarter())
    assert any("COUNT(DISTINCT" in query["sql"] for query in first_look.captured_queries)

    with CaptureQueriesContext(connections["default"]) as on_primary:
        rows, together = organisation_figures([scheme], this_quarter())

    assert on_primary.captured_queries == []
    assert together["Referrals received"].value == 1


def test_pages_a_person_acts_on_never_read_from_the_replica(client, coordinator, reports_replica):
    client.force_login(coordinator)

    with CaptureQueriesContext(reports_replica) as on_replica:
        assert client.get(reverse("clients:list")).status_code == 200
        assert client.get(reverse("referrals:queue")).status_code == 200

    assert on_replica.captured_queries == []


def test_without_a_replica_reports_read_from_the_primary(scheme):
    with reading_for_reports():
        assert ReportsReplicaRouter().db_for_read(Referral) is None


def test_a_row_read_from_the_replica_is_written_back_to_the_primary(scheme, reports_replica):
    ReferralFactory(ward__hospital__scheme=scheme)
    with reading_for_reports():
        referral = Referral.objects.get()
    assert referral._state.db == REPORTS_DATABASE

    with CaptureQueriesContext(reports_replica) as on_replica:
        referral.save(update_fields=["family_name"])

    assert on_replica.captured_queries == []
