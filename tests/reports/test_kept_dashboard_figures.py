"""The dashboard's figures for the quarter under way come from figures kept as the work is
done (referrals and discharges a day, the clients supported since the quarter began), so the
page does not grow with the scheme. Each test drives the services a person's work goes
through and reads the dashboard's figures after: a service that forgot to keep its figure, or
kept it on the wrong day, shows here as the wrong number.

November 2026 is all GMT: a discharge is taken to be at 12:00 on its day, and its 72 hours
end at 12:00 three days later.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from aligns.catalogues.models import KnownRisk, Need
from referrals.figures import referral_days_rebuilt
from referrals.models import DeclineReason, ReferralDay
from referrals.services import (
    referral_accept,
    referral_decline,
    referral_submit,
    referral_withdraw,
)
from reports.figures import build_report, headline_figures
from reports.period import Period
from tests.factories import CoordinatorFactory, ReferralFactory, WardFactory
from tests.reports.conftest import QUARTER, at, day
from visits.figures import figures_rebuilt, needing_action, scheme_figures
from visits.models import CallKind, DischargeDay, ExitOutcome, SchemeFigures
from visits.services import contact_log, episode_close, episode_record_discharge
from visits.sweeps import sweep_overdue

CONTACTED = "Contacted within 72 hours of discharge"


def shown(scheme, period=None, now=None):
    """The dashboard's figures for the quarter so far, as numbers."""
    today = datetime.date.today() if now is None else now.date()
    period = period or Period.quarter_containing(today).so_far(today)
    figures = headline_figures(scheme, period, now=now)
    return {label: cell.export_value(suppress=False) for label, cell in figures.items()}


@pytest.fixture
def ward(scheme):
    return WardFactory(hospital__scheme=scheme)


def send(ward, by):
    """A referral sent by ward staff through the service, as the referral form sends it."""
    made = ReferralFactory.build(ward=ward, referred_by=by)
    fields = [
        "given_name", "family_name", "date_of_birth", "nhs_number", "address_line_1", "town",
        "postcode", "expected_discharge_date", "discharge_pathway", "consent_to_referral",
        "consent_to_hold", "consent_obtained_by", "consent_obtained_on", "referrer_name",
        "referrer_role", "referrer_contact",
    ]  # fmt: skip
    return referral_submit(
        by=by, ward=ward, needs=Need.objects.filter(code="shopping"),
        risks=KnownRisk.objects.none(), **{name: getattr(made, name) for name in fields},
    )  # fmt: skip


def home_on(ward, coordinator, went_home):
    """A client accepted and home on `went_home`: their support starts that day."""
    referral = ReferralFactory(
        ward=ward, actual_discharge_date=went_home, expected_discharge_date=went_home
    )
    return referral_accept(referral=referral, by=coordinator)[1]


def answered_call(episode, by, happened_at):
    return contact_log(
        episode=episode, by=by, kind=CallKind.CALL, happened_at=happened_at, answered=True,
        duration_minutes=10,
    )  # fmt: skip


# --- Referrals received and accepted --------------------------------------------------------


@time_machine.travel(at(2026, 11, 10, 9, 0), tick=False)
def test_referrals_sent_and_decided_through_the_services_are_on_the_dashboard_at_once(
    scheme, ward, ward_staff, coordinator
):
    sent = [send(ward, ward_staff) for _ in range(4)]
    assert shown(scheme)["Referrals received"] == 4
    assert shown(scheme)["Referrals accepted"] == 0

    def kept():
        row = ReferralDay.objects.get(scheme=scheme, day=day(2026, 11, 10))
        return [row.received, row.accepted, row.declined, row.withdrawn, row.awaiting]

    referral_accept(referral=sent[0], by=coordinator)
    figures = shown(scheme)
    assert (figures["Referrals received"], figures["Referrals accepted"]) == (4, 1)
    referral_decline(referral=sent[1], by=coordinator, reason=DeclineReason.OUT_OF_AREA)
    assert kept() == [4, 1, 1, 0, 2]
    referral_withdraw(referral=sent[2], by=coordinator, reason="Patient moved away")
    assert kept() == [4, 1, 1, 1, 1]


def test_a_referral_counts_on_the_day_it_was_sent_and_no_other(
    scheme, ward, ward_staff, coordinator
):
    with time_machine.travel(at(2026, 11, 10, 23, 0), tick=False):
        late = send(ward, ward_staff)
    with time_machine.travel(at(2026, 11, 11, 0, 30), tick=False):
        send(ward, ward_staff)
        # Decided after midnight: its own day, the 10th, counted again.
        referral_accept(referral=late, by=coordinator)
        assert shown(scheme)["Referrals received"] == 2
    kept = ReferralDay.objects.filter(scheme=scheme).order_by("day")
    assert [(row.day, row.received, row.accepted) for row in kept] == [
        (day(2026, 11, 10), 1, 1),
        (day(2026, 11, 11), 1, 0),
    ]


def test_a_referral_sent_at_half_past_midnight_uk_time_counts_in_the_quarter_it_was_sent_in(
    scheme, ward, ward_staff
):
    # 23:30 UTC on 30 June is 00:30 on 1 July in the UK (summer time): the second quarter.
    with time_machine.travel(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)):
        send(ward, ward_staff)
        july = Period(day(2026, 7, 1), day(2026, 7, 1))
        june = Period(day(2026, 4, 1), day(2026, 6, 30))
        assert shown(scheme, july)["Referrals received"] == 1
        assert shown(scheme, june)["Referrals received"] == 0


# --- Contacted within the first-contact window --------------------------------------------


def test_the_share_contacted_in_time_follows_first_contacts_and_corrected_discharge_dates(
    scheme, ward, coordinator
):
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        early = home_on(ward, coordinator, day(2026, 11, 2))
        late = home_on(ward, coordinator, day(2026, 11, 2))
    with time_machine.travel(at(2026, 11, 5, 14, 0), tick=False):
        answered_call(early, coordinator, at(2026, 11, 4, 10, 0))  # 46 hours: in time
        answered_call(late, coordinator, at(2026, 11, 5, 13, 0))  # 73 hours: late
        # 2 November's 72 hours ended at noon: both judged, one in time.
        assert shown(scheme)[CONTACTED] == 50.0

    with time_machine.travel(at(2026, 11, 6, 12, 0), tick=False):
        # The late one went home on the 3rd after all: 49 hours, in time; both windows passed.
        episode_record_discharge(episode=late, discharged_on=day(2026, 11, 3), by=coordinator)
        assert shown(scheme)[CONTACTED] == 100.0
        kept = DischargeDay.objects.filter(scheme=scheme).order_by("day")
        assert [(row.day, row.discharged) for row in kept] == [
            (day(2026, 11, 2), 1),
            (day(2026, 11, 3), 1),
        ]


def test_a_first_contact_logged_days_late_but_made_in_time_counts_as_in_time(
    scheme, ward, coordinator
):
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        episode = home_on(ward, coordinator, day(2026, 11, 2))
    with time_machine.travel(at(2026, 11, 9, 9, 0), tick=False):
        assert shown(scheme)[CONTACTED] == 0.0
        # Logged a week on, but made on the 3rd: the earliest contact is the first.
        answered_call(episode, coordinator, at(2026, 11, 3, 10, 0))
        assert shown(scheme)[CONTACTED] == 100.0


def test_a_changed_first_contact_window_judges_the_days_kept_again(scheme, ward, coordinator):
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        first = home_on(ward, coordinator, day(2026, 11, 2))
        second = home_on(ward, coordinator, day(2026, 11, 2))
    with time_machine.travel(at(2026, 11, 9, 9, 0), tick=False):
        answered_call(first, coordinator, at(2026, 11, 3, 18, 0))  # 30 hours
        answered_call(second, coordinator, at(2026, 11, 5, 0, 0))  # 60 hours
        assert shown(scheme)[CONTACTED] == 100.0

        scheme.first_contact_hours = 48
        scheme.save()

        assert shown(scheme)["Contacted within 48 hours of discharge"] == 50.0
        assert DischargeDay.objects.get(scheme=scheme).window_hours == 48


# --- Clients supported ------------------------------------------------------------------------


def test_clients_supported_this_quarter_are_kept_as_support_starts_and_ends(
    scheme, ward, coordinator
):
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        assert shown(scheme)["Clients supported"] == 0  # the quarter's count kept from now
        ending = home_on(ward, coordinator, day(2026, 11, 2))
        home_on(ward, coordinator, day(2026, 11, 2))
        assert shown(scheme)["Clients supported"] == 2
        assert SchemeFigures.objects.get(scheme=scheme).clients_supported == 2
        # Read back from the row kept, as the dashboard's tiles read it.
        kept = scheme_figures(scheme.pk, day(2026, 10, 1))
        assert kept == {"open_episodes": 2, "clients_supported": 2}

    with time_machine.travel(at(2026, 12, 14, 9, 0), tick=False):
        episode_close(episode=ending, outcome=ExitOutcome.MOVED_AWAY, by=coordinator)
        # Supported this quarter, though no longer.
        assert shown(scheme)["Clients supported"] == 2

    with time_machine.travel(at(2027, 1, 4, 9, 0), tick=False):
        # A new quarter: only the client still supported.
        assert shown(scheme)["Clients supported"] == 1
        assert SchemeFigures.objects.get(scheme=scheme).since == day(2027, 1, 1)


def test_support_closed_on_a_day_before_the_quarter_is_not_counted_in_it(scheme, ward, coordinator):
    with time_machine.travel(at(2026, 9, 20, 8, 0), tick=False):
        episode = home_on(ward, coordinator, day(2026, 9, 20))
    with time_machine.travel(at(2026, 10, 3, 9, 0), tick=False):
        assert shown(scheme)["Clients supported"] == 1
        # Recorded on the 3rd: their support ended on 28 September, last quarter.
        episode_close(
            episode=episode, outcome=ExitOutcome.MOVED_AWAY, by=coordinator,
            closed_on=day(2026, 9, 28),
        )  # fmt: skip
        assert shown(scheme)["Clients supported"] == 0


def test_support_waiting_for_the_patient_to_go_home_is_not_counted_until_they_do(
    scheme, ward, coordinator
):
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        referral = ReferralFactory(ward=ward, expected_discharge_date=day(2026, 11, 4))
        _, episode = referral_accept(referral=referral, by=coordinator)
        assert shown(scheme)["Clients supported"] == 0
    with time_machine.travel(at(2026, 11, 4, 15, 0), tick=False):
        episode_record_discharge(episode=episode, discharged_on=day(2026, 11, 4), by=coordinator)
        figures = shown(scheme)
    assert figures["Clients supported"] == 1


# --- The same figures as the report -------------------------------------------------------


def test_the_kept_figures_are_the_reports_for_the_quarter_so_far(hand_built):
    # Mid-December: hand_built's referrals, episodes and contacts of the quarter so far.
    now = at(2026, 12, 20, 12, 0)
    with time_machine.travel(now, tick=False):
        so_far = QUARTER.so_far(now.date())
        figures = shown(hand_built.scheme, so_far, now)
        report = build_report(hand_built.scheme, so_far, now=now)

    def value(key, row, column):
        return report.table(key).export_rows(False)[row][column]

    assert figures["Referrals received"] == value("referrals", 0, 1)
    assert figures["Referrals accepted"] == value("referrals", 1, 1)
    assert figures["Clients supported"] == value("people_supported", 1, 1)
    assert figures[CONTACTED] == value("contacted_within_72_hours", 0, 3)
    # Not all nought: the quarter so far has referrals, clients and discharges judged.
    assert 0 not in [figures[label] for label in ("Referrals received", "Clients supported")]


def test_the_figures_worked_out_again_from_the_rows_are_those_the_services_kept(
    scheme, ward, ward_staff, coordinator, other_scheme
):
    # What seed_scale, the demo and the migrations that add a figure rely on. One referral
    # sent at 00:30 UK summer time, counted on the UK day.
    with time_machine.travel(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)):
        send(ward, ward_staff)
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        shown(scheme)  # the quarter's clients kept from now
        send(ward, ward_staff)
        referral_decline(referral=send(ward, ward_staff), by=coordinator,
                         reason=DeclineReason.DUPLICATE)  # fmt: skip
        episodes = [home_on(ward, coordinator, day(2026, 11, 2)) for _ in range(2)]
        elsewhere = WardFactory(hospital__scheme=other_scheme)
        home_on(elsewhere, CoordinatorFactory(scheme=other_scheme), day(2026, 11, 2))
    with time_machine.travel(at(2026, 11, 6, 12, 0), tick=False):
        answered_call(episodes[0], coordinator, at(2026, 11, 3, 23, 0))
        kept = every_kept_row(scheme)
        kept_elsewhere = every_kept_row(other_scheme)
        assert shown(scheme)[CONTACTED] == 50.0

        figures_rebuilt([scheme.pk])
        referral_days_rebuilt([scheme.pk])

        assert every_kept_row(scheme) == kept
        assert every_kept_row(other_scheme) == kept_elsewhere  # only the scheme given
        assert shown(scheme)[CONTACTED] == 50.0
        assert shown(scheme)["Clients supported"] == 2  # counted again when read


def every_kept_row(scheme):
    referrals = ReferralDay.objects.filter(scheme=scheme).order_by("day")
    discharges = DischargeDay.objects.filter(scheme=scheme).order_by("day")
    return [
        list(referrals.values_list("day", "received", "accepted", "declined", "awaiting")),
        list(discharges.values_list("day", "window_hours", "discharged", "contacted_in_time")),
    ]


# --- The tiles that open the episodes board ------------------------------------------------


def test_the_open_support_and_overdue_calls_tiles_follow_support_opening_closing_and_calls_missed(
    client, scheme, ward, coordinator, manager, other_scheme
):
    def tiles():
        client.force_login(manager)  # each day: a session ends after hours idle
        context = client.get(reverse("reports:dashboard")).context
        return context["open_episodes"], context["overdue_calls"]

    def tiles_elsewhere():
        figures = needing_action(other_scheme.pk, since=day(2026, 10, 1))
        return figures["open_episodes"], figures["overdue_calls"]

    with time_machine.travel(at(2026, 11, 1, 8, 0), tick=False):
        # Another scheme, its figures kept first: three open, none of ours.
        elsewhere = WardFactory(hospital__scheme=other_scheme)
        for _ in range(3):
            home_on(elsewhere, CoordinatorFactory(scheme=other_scheme), day(2026, 11, 1))
        assert tiles_elsewhere() == (3, 0)
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        assert tiles() == (0, 0)  # kept from now
        closing = home_on(ward, coordinator, day(2026, 11, 2))
        home_on(ward, coordinator, day(2026, 11, 2))
        assert tiles() == (2, 0)
    with time_machine.travel(at(2026, 11, 6, 9, 0), tick=False):
        # Nobody called anyone within 72 hours of going home: a first call overdue each.
        sweep_overdue()
        assert tiles() == (2, 2)
        episode_close(episode=closing, outcome=ExitOutcome.MOVED_AWAY, by=coordinator)
        assert tiles() == (1, 1)
        assert tiles_elsewhere() == (3, 3)
