"""An organisation manager's reports when they are large (a provider of a hundred schemes
adds up to a national one): worked out by the worker, as a large scheme's report is
(tests/reports/test_large_report_page.py), shown with their progress, then kept for the day.
What the page shows is what it would have worked out itself, of the organisation's schemes
only, and only to the person who asked."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from aligns.accounts.models import Scheme
from aligns.audit.models import AccessLogEntry
from reports.models import PAGE, ReportExport
from reports.services import export_build
from tests.factories import OrganisationFactory, OrganisationManagerFactory
from tests.reports.conftest import ASHFORD, BEXLEY, QUARTER

ALL_SCHEMES = reverse("reports:organisation_report")
QUARTER_QUERY = {"quarter": QUARTER.key}


def sections(page):
    return re.findall(r'<section class="aligns-report-section".*?</section>', page, flags=re.S)


def title(page):
    return re.search(r"<title>(.*?)</title>", page, flags=re.S).group(1)


def schemes_seen(user):
    """The schemes whose figures `user` was logged seeing, each time."""
    return sorted(
        AccessLogEntry.objects.filter(
            user=user, subject_type=ContentType.objects.get_for_model(Scheme)
        ).values_list("subject_id", flat=True)
    )


@pytest.fixture
def worked_out(client, provider, settings):
    """All the provider's schemes' report, large, asked for by its organisation manager and
    worked out by the worker: (the manager, the build)."""
    *_, manager = provider
    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 2
    client.force_login(manager)
    client.get(ALL_SCHEMES, QUARTER_QUERY)
    build = ReportExport.objects.get()
    export_build(export_id=build.pk)
    return manager, build


def test_all_the_schemes_report_is_worked_out_by_the_worker_and_shown_as_the_page_would(
    client,
    provider,
    settings,
):
    ashford, bexley, croydon, manager = provider
    client.force_login(manager)
    made_at_once = client.get(ALL_SCHEMES, QUARTER_QUERY).content.decode()
    assert ReportExport.objects.count() == 0

    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 2  # the provider's 10 contacts: large
    waiting = client.get(ALL_SCHEMES, QUARTER_QUERY).content.decode()
    build = ReportExport.objects.get()
    assert (build.scheme, build.organisation, build.export_format) == (
        None,
        manager.organisation,
        PAGE,
    )
    assert "0% done" in waiting and sections(waiting) == []
    seen_before = schemes_seen(manager)  # the small report's: nothing more yet

    export_build(export_id=build.pk)  # what the worker does

    shown = client.get(ALL_SCHEMES, QUARTER_QUERY).content.decode()
    assert sections(shown) == sections(made_at_once) != []
    assert title(shown) == title(made_at_once)  # the organisation's, with the period
    assert "Home Help Nationwide" in shown and "Croydon" not in shown
    assert schemes_seen(manager) == sorted([*seen_before, str(ashford.pk), str(bexley.pk)])
    # Without htmx, its progress address leads back to the page of all the schemes.
    status = reverse("reports:export_status", args=[build.pk])
    assert client.get(status, QUARTER_QUERY)["Location"] == f"{ALL_SCHEMES}?quarter={QUARTER.key}"


def test_one_schemes_report_for_the_organisation_manager_comes_back_to_their_page(
    client,
    provider,
    settings,
):
    ashford, *_, manager = provider
    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 2
    page = reverse("reports:organisation_scheme", args=[ashford.slug])
    client.force_login(manager)

    client.get(page, QUARTER_QUERY)
    build = ReportExport.objects.get()
    assert (build.scheme, build.organisation, build.suppress_small_numbers) == (
        ashford,
        None,
        True,  # small numbers always hidden outside the scheme
    )
    export_build(export_id=build.pk)

    shown = client.get(page, QUARTER_QUERY).content.decode()
    assert ASHFORD in shown and sections(shown) != []
    assert BEXLEY not in "".join(sections(shown))
    status = reverse("reports:export_status", args=[build.pk])
    assert client.get(status, QUARTER_QUERY)["Location"] == f"{page}?quarter={QUARTER.key}"


def test_the_organisation_manager_can_have_the_figures_worked_out_again(client, worked_out):
    manager, first = worked_out
    assert "Work the figures out again" in client.get(ALL_SCHEMES, QUARTER_QUERY).content.decode()

    again = client.post(f"{ALL_SCHEMES}?quarter={QUARTER.key}")

    assert again["Location"] == f"{ALL_SCHEMES}?quarter={QUARTER.key}"
    newest = ReportExport.objects.exclude(pk=first.pk).get()
    assert newest.organisation == manager.organisation and newest.scheme is None


def test_another_organisations_manager_sees_neither_the_figures_nor_their_progress(
    client, worked_out
):
    _, build = worked_out
    stranger = OrganisationManagerFactory(organisation=OrganisationFactory(name="Elsewhere Too"))
    client.force_login(stranger)

    status = reverse("reports:export_status", args=[build.pk])
    assert client.get(status, HTTP_HX_REQUEST="true").status_code == 404
    # Their own page of all their schemes: theirs has none, so nothing is worked out.
    page = client.get(ALL_SCHEMES, QUARTER_QUERY).content.decode()
    assert "No schemes belong to Elsewhere Too yet" in page
    assert ReportExport.objects.count() == 1


@pytest.mark.parametrize("bad", ["%3Cscript%3E", "", "2026-13-01"])
def test_a_bad_period_posted_goes_back_to_the_page_and_nothing_is_worked_out(
    client,
    provider,
    settings,
    bad,
):
    *_, manager = provider
    settings.REPORTS_DIRECT_EXPORT_MAX_CONTACTS = 2
    client.force_login(manager)

    response = client.post(f"{ALL_SCHEMES}?quarter={bad}", follow=True)

    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert ReportExport.objects.count() == 0
