"""The figures kept as contacts are logged (visits/figures.py) along the path a volunteer's
log takes to the manager's dashboard: the first contact kept on the episode (the 72-hour
figure) and each day's calls and visits (the dashboard's activity), counted by hand."""

import datetime

import time_machine

from aligns.catalogues.models import Need
from referrals.services import referral_accept
from reports.figures import build_report, compare_headlines, headline_figures
from reports.period import Period
from tests.factories import ReferralFactory
from tests.visits.conftest import at, kept_figures
from visits.figures import figures_rebuilt
from visits.models import CallKind, ContactDay
from visits.services import contact_log, episode_record_discharge

NOVEMBER = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))


def log(episode, by, happened_at, *, answered=True, minutes=0):
    contact, _ = contact_log(
        episode=episode, by=by, kind=CallKind.CALL, happened_at=happened_at,
        answered=answered, duration_minutes=minutes,
    )  # fmt: skip
    return contact


def days(scheme):
    return list(
        ContactDay.objects.filter(scheme=scheme)
        .order_by("day")
        .values_list("day", "contacts", "successful", "minutes")
    )


def test_a_call_logged_late_becomes_the_first_contact_and_each_day_counts_its_own(
    make_active_episode, coordinator
):
    # Home on Monday 2 November. Logged in this order: Tuesday 10:00 no answer; Wednesday
    # 11:00 answered (15 minutes); then, on Thursday, a call made on Tuesday at 16:00 and
    # answered (10 minutes), logged late. The first contact is Tuesday 16:00.
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
    with time_machine.travel(at(2026, 11, 5, 9, 0), tick=False):
        log(episode, coordinator, at(2026, 11, 3, 10, 0), answered=False)
        log(episode, coordinator, at(2026, 11, 4, 11, 0), minutes=15)
        log(episode, coordinator, at(2026, 11, 3, 16, 0), minutes=10)
        headline = headline_figures(episode.scheme, NOVEMBER)

    episode.refresh_from_db()
    assert episode.first_contact_at == at(2026, 11, 3, 16, 0)
    assert days(episode.scheme) == [
        (datetime.date(2026, 11, 3), 2, 1, 10),
        (datetime.date(2026, 11, 4), 1, 1, 15),
    ]
    assert headline["Successful calls and visits"].export_value(suppress=False) == 2
    assert headline["Hours of calls and visits"].export_value(suppress=False) == 0.4  # 25 min
    # Resting on three calls and visits, fewer than five: hidden when small numbers are.
    assert headline["Hours of calls and visits"].export_value(suppress=True) == "n<5"
    # Worked out again from the contacts themselves, the same: the unanswered call at 10:00
    # is not the first contact.
    figures_rebuilt([episode.scheme_id])
    episode.refresh_from_db()
    assert episode.first_contact_at == at(2026, 11, 3, 16, 0)


def test_a_call_just_after_midnight_in_summer_counts_on_the_uk_day(
    make_active_episode, coordinator
):
    # 23:30 UTC on 30 September is 00:30 on 1 October in the UK (summer time): October's.
    with time_machine.travel(at(2026, 9, 29, 9, 0), tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 9, 29))
    with time_machine.travel(at(2026, 10, 1, 9, 0), tick=False):
        log(episode, coordinator, datetime.datetime(2026, 9, 30, 23, 30, tzinfo=datetime.UTC))

    assert days(episode.scheme) == [(datetime.date(2026, 10, 1), 1, 1, 0)]


def test_the_dashboard_sums_of_days_equal_the_reports_count_of_contacts(
    make_active_episode, coordinator
):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        episodes = [make_active_episode(went_home=datetime.date(2026, 11, 2)) for _ in range(3)]
    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        for number, episode in enumerate(episodes):
            for day in range(3, 3 + 7 * (number + 1), 3):
                log(episode, coordinator, at(2026, 11, day, 10, 0), answered=day % 2 == 1,
                    minutes=day)  # fmt: skip
        headline = headline_figures(episodes[0].scheme, NOVEMBER)
        report = build_report(episodes[0].scheme, NOVEMBER)

    rows = {row[0]: row[1:] for row in report.table("activity").export_rows(False)}
    successful = rows["Phone calls"][1]
    hours = rows["Phone calls"][2]
    assert headline["Successful calls and visits"].export_value(suppress=False) == successful
    assert headline["Hours of calls and visits"].export_value(suppress=False) == hours
    # And working them out again from the contacts gives the same days.
    kept = days(episodes[0].scheme)
    figures_rebuilt([episodes[0].scheme_id])
    assert days(episodes[0].scheme) == kept


def test_last_quarters_dashboard_figures_are_worked_out_once_a_day_this_quarters_at_once(
    make_active_episode, coordinator
):
    # Q3 (October to December) is under way on 2 December; Q2 (July to September) is over.
    q3, q2 = (
        Period(datetime.date(2026, 10, 1), datetime.date(2026, 12, 2)),
        Period(datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
    )
    with time_machine.travel(at(2026, 9, 1, 9, 0), tick=False):
        summer = make_active_episode(went_home=datetime.date(2026, 9, 1))
        log(summer, coordinator, at(2026, 9, 2, 10, 0), minutes=5)
    with time_machine.travel(at(2026, 11, 30, 9, 0), tick=False):
        autumn = make_active_episode(went_home=datetime.date(2026, 11, 30))

    def successful(moment):
        # As of `moment`, whatever the clock says (the day it keeps last quarter's figures
        # for is the day of `moment`).
        rows = compare_headlines(autumn.scheme, q3, q2, now=moment)
        row = next(row for row in rows if row.label == "Successful calls and visits")
        return row.this_period.export_value(False), row.last_period.export_value(False)

    assert successful(at(2026, 12, 2, 9, 0)) == (0, 1)
    with time_machine.travel(at(2026, 12, 2, 10, 0), tick=False):
        log(autumn, coordinator, at(2026, 12, 1, 10, 0), minutes=5)  # this quarter's
        log(summer, coordinator, at(2026, 9, 9, 10, 0), minutes=5)  # last quarter's, late
    # The same day: this quarter's call shows at once, last quarter's late one not yet.
    assert successful(at(2026, 12, 2, 11, 0)) == (1, 1)
    # The next day: both.
    assert successful(at(2026, 12, 3, 8, 0)) == (1, 2)


def test_each_days_activities_and_who_logged_them_are_kept_and_the_report_sums_them(
    make_active_episode, coordinator, volunteer, make_user
):
    # Monday 2 November: volunteer 1 calls (20 minutes, shopping and a chat) and calls again
    # unanswered; Tuesday: volunteer 2 calls (10 minutes, shopping); the coordinator calls
    # (30 minutes, a chat): the coordinator's call is not a volunteer's.
    second = make_user("volunteer")
    shopping, chat = Need.objects.get(code="shopping"), Need.objects.get(code="befriending")
    with time_machine.travel(at(2026, 11, 1, 9, 0), tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 1))
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        for by, moment, minutes, activities in [
            (volunteer, at(2026, 11, 2, 10, 0), 20, [shopping, chat]),
            (volunteer, at(2026, 11, 2, 15, 0), 0, []),
            (second, at(2026, 11, 3, 10, 0), 10, [shopping]),
            (coordinator, at(2026, 11, 3, 11, 0), 30, [chat]),
        ]:
            contact_log(
                episode=episode, by=by, kind=CallKind.CALL, happened_at=moment,
                answered=minutes > 0, duration_minutes=minutes, activities=activities,
            )  # fmt: skip
        report = build_report(episode.scheme, NOVEMBER)
    monday, tuesday = datetime.date(2026, 11, 2), datetime.date(2026, 11, 3)

    kept = kept_figures()
    assert kept["activities"] == sorted(
        [
            (episode.scheme_id, monday, chat.pk, 1),
            (episode.scheme_id, monday, shopping.pk, 1),
            (episode.scheme_id, tuesday, chat.pk, 1),
            (episode.scheme_id, tuesday, shopping.pk, 1),
        ]
    )
    assert kept["loggers"] == sorted(
        [
            (episode.scheme_id, monday, volunteer.pk, 2, 20),
            (episode.scheme_id, tuesday, second.pk, 1, 10),
            (episode.scheme_id, tuesday, coordinator.pk, 1, 30),
        ]
    )
    activities = {row[0]: row[1] for row in report.table("activity_types").export_rows(False)}
    assert (activities[shopping.shown], activities[chat.shown]) == (2, 2)
    volunteers = dict(report.table("volunteers").export_rows(False))
    assert volunteers == {"Active volunteers": 2, "Volunteer hours": 0.5}
    calls = {row[0]: row[1:] for row in report.table("activity").export_rows(False)}
    assert calls["Phone calls"] == [4, 3, 1.0]
    assert calls["Home visits"] == [0, 0, 0.0]
    # Worked out again from the contacts, the same.
    figures_rebuilt([episode.scheme_id])
    assert kept_figures() == kept


def test_a_volunteer_is_counted_by_their_role_now_as_counting_the_contacts_would(
    make_active_episode, coordinator, make_user
):
    # A volunteer logs a 30-minute call, then becomes a coordinator: the report counts their
    # call as a coordinator's, as it did when it counted the contacts by who logged them, and
    # the figures worked out again agree with those kept.
    helper = make_user("volunteer")
    with time_machine.travel(at(2026, 11, 1, 9, 0), tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 1))
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        log(episode, helper, at(2026, 11, 2, 10, 0), minutes=30)
        before = dict(build_report(episode.scheme, NOVEMBER).table("volunteers").export_rows(False))
        helper.role = "coordinator"
        helper.save()
        after = dict(build_report(episode.scheme, NOVEMBER).table("volunteers").export_rows(False))

    assert before == {"Active volunteers": 1, "Volunteer hours": 0.5}
    assert after == {"Active volunteers": 0, "Volunteer hours": 0.0}
    kept = kept_figures()
    figures_rebuilt([episode.scheme_id])
    assert kept_figures() == kept


def test_working_one_schemes_figures_out_again_leaves_another_schemes_alone(
    make_active_episode, coordinator, make_user, other_scheme
):
    theirs = make_user("coordinator", scheme=other_scheme)
    shopping = Need.objects.get(code="shopping")
    with time_machine.travel(at(2026, 11, 1, 9, 0), tick=False):
        ours = make_active_episode(went_home=datetime.date(2026, 11, 1))
        home = datetime.date(2026, 11, 1)
        referral = ReferralFactory(
            ward__hospital__scheme=other_scheme,
            actual_discharge_date=home,
            expected_discharge_date=home,
        )
        _, other = referral_accept(referral=referral, by=theirs)
    with time_machine.travel(at(2026, 11, 4, 9, 0), tick=False):
        for episode, by in [(ours, coordinator), (other, theirs)]:
            contact_log(
                episode=episode, by=by, kind=CallKind.CALL, happened_at=at(2026, 11, 2, 10, 0),
                answered=True, duration_minutes=15, activities=[shopping],
            )  # fmt: skip
    kept = kept_figures()
    for figure in ("days", "activities", "loggers"):
        assert {row[0] for row in kept[figure]} == {ours.scheme_id, other_scheme.pk}

    figures_rebuilt([ours.scheme_id])

    assert kept_figures() == kept


def test_a_discharge_date_corrected_after_the_first_call_rejudges_the_first_contact_window(
    make_active_episode, coordinator
):
    """The seconds from discharge to the first contact are kept on the episode (worked out by
    the database): a discharge date corrected later, not only a contact logged, moves them,
    and the dashboard's share contacted in time with them."""
    label = "Contacted within 72 hours of discharge"
    # Recorded as home on Monday 2 November; first spoken with on Friday 6 November at
    # 11:00: 95 hours after Monday's assumed midday discharge, outside the window.
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
    with time_machine.travel(at(2026, 11, 6, 12, 0), tick=False):
        log(episode, coordinator, at(2026, 11, 6, 11, 0))
    with time_machine.travel(at(2026, 11, 10, 9, 0), tick=False):
        late = headline_figures(episode.scheme, NOVEMBER)[label].value
        # The ward says they went home on Wednesday 4 November: 47 hours before that call.
        episode_record_discharge(
            episode=episode, discharged_on=datetime.date(2026, 11, 4), by=coordinator
        )
        in_time = headline_figures(episode.scheme, NOVEMBER)[label].value

    episode.refresh_from_db()
    assert (late, in_time) == (0, 100)
    assert episode.first_contact_seconds == 47 * 3600


def test_worked_out_again_a_first_contact_half_a_minute_late_is_still_late(
    make_active_episode, coordinator
):
    """Home on Monday 2 November (midday, as assumed), first spoken with 72 hours and 30
    seconds later: late as the day was kept, and late when the figures are worked out again
    from the records (the same window, in seconds)."""
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2))
    with time_machine.travel(at(2026, 11, 6, 9, 0), tick=False):
        log(episode, coordinator, at(2026, 11, 5, 12, 0, 30))
    kept = kept_figures()
    assert kept["discharges"] == [(episode.scheme_id, datetime.date(2026, 11, 2), 72, 1, 0)]

    figures_rebuilt([episode.scheme_id])

    assert kept_figures() == kept
