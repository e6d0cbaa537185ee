"""A provider running several schemes: its organisation manager sees each scheme's figures
and all of them together, small numbers hidden, each scheme's commissioner report, and
nothing about any person nor any other organisation's schemes. (Every other page refuses
them: tests/aligns/test_access_matrix.py.)"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.forms import grantable_role_choices
from aligns.accounts.models import Role
from referrals.services import referral_accept
from reports.figures import headline_figures, organisation_figures
from reports.period import Period
from tests.factories import (
    OrganisationFactory,
    OrganisationManagerFactory,
    ReferralFactory,
    SchemeFactory,
    UserFactory,
)
from visits.models import CallKind
from visits.services import contact_log


def this_quarter():
    return {"quarter": Period.quarter_containing(timezone.localdate()).key}


@pytest.fixture
def provider(db, coordinator):
    """Two schemes of one provider, and a third of another provider.

    | scheme  | referrals received | accepted, home already |
    | Ashford | 7                  | 5                      |
    | Bexley  | 2                  | 0                      |
    | (other) | 6                  | 0                      |
    """
    organisation = OrganisationFactory(name="Home Help Nationwide")
    ashford = SchemeFactory(name="Ashford Home from Hospital", organisation=organisation)
    bexley = SchemeFactory(name="Bexley Home from Hospital", organisation=organisation)
    elsewhere = SchemeFactory(name="Croydon Home from Hospital", organisation=OrganisationFactory())
    today = timezone.localdate()
    for scheme, received, accepted in ((ashford, 7, 5), (bexley, 2, 0), (elsewhere, 6, 0)):
        for number in range(received):
            referral = ReferralFactory(
                ward__hospital__scheme=scheme, actual_discharge_date=today,
                expected_discharge_date=today, family_name=f"Patient{number}",
            )  # fmt: skip
            if number < accepted:
                referral_accept(referral=referral, by=UserFactory(scheme=scheme))
    manager = OrganisationManagerFactory(organisation=organisation)
    return organisation, ashford, bexley, elsewhere, manager


def test_each_schemes_figures_and_all_together_with_small_numbers_hidden(client, provider):
    _, ashford, bexley, _, manager = provider
    client.force_login(manager)

    page = client.get(reverse("reports:organisation"), this_quarter())

    rows = {scheme.name: cells for scheme, cells in page.context["rows"]}
    assert list(rows) == ["Ashford Home from Hospital", "Bexley Home from Hospital"]
    # Referrals received, accepted, clients supported (the last three columns: no contacts).
    # Bexley's 2 referrals are hidden; Ashford's 7 too, or 9 - 7 would give them away. All
    # together, 9 received less 5 accepted would give away the 4 not accepted: the 5 is
    # hidden, and Ashford's 5 with it, or it would add up to all together's (Bexley's is 0).
    assert rows["Ashford Home from Hospital"][:3] == ["[c]", "[c]", "5"]
    assert rows["Bexley Home from Hospital"][:3] == ["<5", "0", "0"]
    assert page.context["together"][:3] == ["9", "[c]", "5"]
    assert not page.context["too_small_to_share"]
    html = page.content.decode()
    assert "Croydon" not in html and "Patient" not in html
    assert "small_numbers" not in html  # always hidden: nothing to choose
    assert reverse("reports:organisation_scheme", args=[bexley.slug]) in html
    assert page.context["labels"] == [
        "Referrals received",
        "Referrals accepted",
        "Clients supported",
        "Contacted within the scheme's first-contact window",
        "Successful calls and visits",
        "Hours of calls and visits",
    ]


def test_an_organisation_without_schemes_yet_has_an_empty_table_not_an_error(client, db):
    manager = OrganisationManagerFactory()
    client.force_login(manager)

    page = client.get(reverse("reports:organisation"), this_quarter())

    assert page.status_code == 200
    assert (page.context["rows"], page.context["together"]) == ([], [])


def test_a_schemes_report_hides_small_numbers_and_offers_no_files(client, provider):
    _, _, bexley, _, manager = provider
    client.force_login(manager)

    page = client.get(reverse("reports:organisation_scheme", args=[bexley.slug]), this_quarter())

    assert page.context["result"].suppress_small_numbers
    received = page.context["result"].table("referrals").export_rows(True)[0]
    assert received[:2] == ["Received", "<5"]
    html = page.content.decode()
    assert "Download" not in html and "small_numbers" not in html


def test_another_organisations_scheme_is_not_found(client, provider):
    *_, elsewhere, manager = provider
    client.force_login(manager)

    url = reverse("reports:organisation_scheme", args=[elsewhere.slug])

    assert client.get(url, this_quarter()).status_code == 404


def test_an_organisation_manager_signs_in_to_their_schemes_figures_and_sees_no_other_page(
    client, provider
):
    *_, manager = provider
    client.force_login(manager)

    home = client.get(reverse("home"))
    page = client.get(home["Location"]).content.decode()

    assert home["Location"] == reverse("reports:organisation")
    assert "Home Help Nationwide" in page  # in the header, where a scheme's name would be
    assert "Schemes&#x27; figures" in page and "Triage queue" not in page
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_a_scheme_manager_cannot_make_anyone_an_organisation_manager(make_user):
    manager = make_user(Role.MANAGER)

    assert Role.ORGANISATION_MANAGER not in dict(grantable_role_choices(manager))
    assert Role.COORDINATOR in dict(grantable_role_choices(manager))


def test_an_organisation_manager_belongs_to_an_organisation_and_to_no_scheme(scheme):
    with pytest.raises(ValidationError) as without:
        UserFactory.build(role=Role.ORGANISATION_MANAGER, scheme=scheme).clean()
    with pytest.raises(ValidationError) as coordinator_of_one:
        UserFactory.build(role=Role.COORDINATOR, organisation=OrganisationFactory()).clean()

    assert set(without.value.message_dict) == {"organisation", "scheme"}
    assert set(coordinator_of_one.value.message_dict) == {"organisation"}


def test_the_page_shows_this_quarters_figures_without_being_asked_and_links_to_them(
    client, provider
):
    _, ashford, _, _, manager = provider
    client.force_login(manager)

    page = client.get(reverse("reports:organisation"))

    assert page.context["period"].key == this_quarter()["quarter"]
    assert page.context["together"][:3] == ["9", "[c]", "5"]
    scheme_link = reverse("reports:organisation_scheme", args=[ashford.slug])
    assert f"{scheme_link}?quarter={this_quarter()['quarter']}" in page.content.decode()


# Discharges some days ago, in the quarter under way, whatever day the tests run.
MID_QUARTER = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.UTC)


def _a_discharge_contacted_after(scheme, hours, went_home, coordinator_of):
    """A client of `scheme` home on `went_home` (midday, as assumed) and first reached
    `hours` later."""
    coordinator = coordinator_of(scheme)
    london = timezone.get_default_timezone()
    midday = datetime.datetime.combine(went_home, datetime.time(12), london)
    referral = ReferralFactory(
        ward__hospital__scheme=scheme, actual_discharge_date=went_home,
        expected_discharge_date=went_home, submitted_at=midday - datetime.timedelta(days=2),
    )  # fmt: skip
    _, episode = referral_accept(referral=referral, by=coordinator)
    reached = midday + datetime.timedelta(hours=hours)
    contact_log(
        episode=episode, by=coordinator, kind=CallKind.CALL, happened_at=reached,
        answered=True, duration_minutes=10,
    )  # fmt: skip


@time_machine.travel(MID_QUARTER, tick=False)
def test_each_scheme_is_judged_by_its_own_first_contact_window_as_on_its_own_dashboard(db):
    """Worked out together (one query per figure), each scheme's figures are those it shows
    on its own (worked out alone): three schemes, two of them with a 24-hour window."""
    organisation = OrganisationFactory()
    quick, also_quick, usual = (
        SchemeFactory(organisation=organisation, first_contact_hours=hours)
        for hours in (24, 24, 72)
    )
    went_home = timezone.localdate() - datetime.timedelta(days=5)

    def coordinator_of(scheme):
        return UserFactory(scheme=scheme, role=Role.COORDINATOR)

    for scheme in (quick, also_quick, usual):
        for hours in (20, 30, 60):
            _a_discharge_contacted_after(scheme, hours, went_home, coordinator_of)
    period = Period.quarter_containing(timezone.localdate())

    rows, together = organisation_figures([quick, also_quick, usual], period)

    shares = [round(cells[ORGANISATION].value) for _, cells in rows]
    assert shares == [33, 33, 100]  # 1 of 3 within 24 hours; 3 of 3 within 72
    assert round(together[ORGANISATION].value) == 56  # 5 of 9, each in its scheme's window
    for scheme, cells in rows:
        alone = headline_figures(scheme, period)
        assert [cell.value for cell in cells.values()] == [cell.value for cell in alone.values()]


ORGANISATION = "Contacted within the scheme's first-contact window"


def test_the_organisations_figures_cost_the_same_queries_for_two_schemes_as_for_six(db):
    period = Period.quarter_containing(timezone.localdate())
    two = [SchemeFactory() for _ in range(2)]
    six = two + [SchemeFactory() for _ in range(4)]
    # The quarter's first look starts each scheme's kept count of clients (once a quarter).
    organisation_figures(six, period)

    with CaptureQueriesContext(connection) as for_two:
        organisation_figures(two, period)
    with CaptureQueriesContext(connection) as for_six:
        organisation_figures(six, period)

    # Referrals, clients, discharges and contacts: each a reading of the figures kept.
    assert len(for_six) == len(for_two) <= 4


@time_machine.travel(MID_QUARTER, tick=False)
def test_a_scheme_whose_window_was_changed_is_judged_by_its_new_one_beside_the_others(db):
    organisation = OrganisationFactory()
    changed, unchanged = (SchemeFactory(organisation=organisation) for _ in range(2))
    went_home = timezone.localdate() - datetime.timedelta(days=5)

    def coordinator_of(scheme):
        return UserFactory(scheme=scheme, role=Role.COORDINATOR)

    for scheme in (changed, unchanged):
        for hours in (20, 30, 60):  # all within 72 hours, as the days were kept
            _a_discharge_contacted_after(scheme, hours, went_home, coordinator_of)
    changed.first_contact_hours = 24  # in the admin, after the days were kept
    changed.save()

    period = Period.quarter_containing(timezone.localdate())
    rows, together = organisation_figures([changed, unchanged], period)

    assert [round(cells[ORGANISATION].value) for _, cells in rows] == [33, 100]
    assert round(together[ORGANISATION].value) == 67  # 4 of 6


@time_machine.travel(MID_QUARTER, tick=False)
def test_a_discharge_still_inside_its_schemes_window_waits_though_anothers_has_passed(db):
    """Worked out together, a scheme's discharges wait for its own window to pass, not for
    the shortest: home two days ago, a 24-hour scheme's discharge is judged, a 72-hour
    scheme's is not yet (its share stays empty, as on its own dashboard)."""
    organisation = OrganisationFactory()
    quick, usual = (
        SchemeFactory(organisation=organisation, first_contact_hours=hours) for hours in (24, 72)
    )
    went_home = timezone.localdate() - datetime.timedelta(days=2)

    def coordinator_of(scheme):
        return UserFactory(scheme=scheme, role=Role.COORDINATOR)

    for scheme in (quick, usual):
        _a_discharge_contacted_after(scheme, 20, went_home, coordinator_of)
    period = Period.quarter_containing(timezone.localdate())

    rows, together = organisation_figures([quick, usual], period)

    assert [cells[ORGANISATION].value for _, cells in rows] == [100, None]
    assert together[ORGANISATION].value == 100  # 1 of 1: the 72-hour scheme's not yet judged
    assert (
        rows[1][1][ORGANISATION].value
        == headline_figures(usual, period)["Contacted within 72 hours of discharge"].value
    )
