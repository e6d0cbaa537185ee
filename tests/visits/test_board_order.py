"""The episodes board puts first what needs action, from figures kept on each episode as its
calls and concerns change (visits.figures.needs_kept): followed along the days a coordinator
lives through, each hand-over (a sweep marking a call overdue, a contact logged, a concern
raised and closed, a readmission, a close) moves the person on the board at once."""

import datetime
import re

import time_machine
from django.urls import reverse

from tests.aligns.test_nhsuk_forms import parse
from tests.visits.conftest import at
from visits.models import CallKind, ConcernCategory, ExitOutcome, ReadmissionSource, Urgency
from visits.services import (
    concern_close,
    concern_raise,
    contact_log,
    episode_close,
    episode_readmit,
)
from visits.sweeps import sweep_overdue


def board(client, **query):
    """Each row of the board as (given name, next call or visit, what needs action)."""
    dom = parse(client.get(reverse("visits:board"), query).content.decode())
    rows = []
    for row in dom.find_all("tr")[1:]:
        cells = [" ".join(cell.text.split()) for cell in row.find_all("td")]
        name = next(word for word in ("Ann", "Bea", "Cal") if word in cells[0])
        next_due, needs = cells[-2:]
        rows.append(
            (
                name,
                next_due.removeprefix("Next call or visit "),
                needs.removeprefix("Needs action").strip(),
            )
        )
    return rows


def test_the_board_follows_overdue_calls_concerns_and_the_next_call_as_they_change(
    client, coordinator, make_active_episode
):
    with time_machine.travel(at(2026, 11, 5, 9, 0), tick=False):
        ann, bea, cal = (
            make_active_episode(went_home=datetime.date(2026, 11, day), given_name=name)
            for day, name in ((2, "Ann"), (3, "Bea"), (4, "Cal"))
        )
    client.force_login(coordinator)

    # First calls due at noon three days after each went home: soonest first.
    assert [row[:2] for row in board(client)] == [
        ("Ann", "Thu 5 Nov at midday"),
        ("Bea", "Fri 6 Nov at midday"),
        ("Cal", "Sat 7 Nov at midday"),
    ]

    with time_machine.travel(at(2026, 11, 6, 10, 0), tick=False):
        concern = concern_raise(
            episode=cal, by=coordinator, category=ConcernCategory.HEALTH,
            urgency=Urgency.SOON, description="Not eating",
        )  # fmt: skip
    assert [row[0] for row in board(client)] == ["Cal", "Ann", "Bea"]

    # Ann's first call, due Thursday noon, is past its four hours' grace by Friday 13:00.
    assert sweep_overdue(at(2026, 11, 6, 13, 0)) == 1
    assert board(client)[:2] == [
        ("Ann", "Thu 12 Nov at midday", "1 overdue"),
        ("Cal", "Sat 7 Nov at midday", "1 concern"),
    ]

    with time_machine.travel(at(2026, 11, 6, 14, 0), tick=False):
        contact_log(
            episode=ann, by=coordinator, kind=CallKind.CALL,
            happened_at=at(2026, 11, 6, 14, 0), answered=True, duration_minutes=20,
        )  # fmt: skip
        assert [row[0] for row in board(client)] == ["Cal", "Bea", "Ann"]

        concern_close(concern=concern, by=coordinator, action_taken="Rang the GP")
        assert [row[:3] for row in board(client)] == [
            ("Bea", "Fri 6 Nov at midday", ""),
            ("Cal", "Sat 7 Nov at midday", ""),
            ("Ann", "Thu 12 Nov at midday", ""),
        ]

    with time_machine.travel(at(2026, 11, 7, 9, 0), tick=False):
        episode_readmit(
            episode=bea, admitted_on=datetime.date(2026, 11, 7),
            source=ReadmissionSource.WARD, reason="Fall", by=coordinator,
        )  # fmt: skip
        client.force_login(coordinator)  # a new day: signed out after a night away
        assert board(client)[-1] == ("Bea", "None planned", "")

        episode_close(episode=cal, outcome=ExitOutcome.DECLINED, by=coordinator)
        assert [row[0] for row in board(client)] == ["Ann", "Bea"]


def test_a_home_visit_planned_before_the_next_call_is_what_the_board_shows_next(
    client, coordinator, make_active_episode
):
    from tests.visits.test_visit_hold import sign_off_low_risk
    from visits.services import visit_plan

    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        episode = make_active_episode(went_home=datetime.date(2026, 11, 2), given_name="Ann")
        sign_off_low_risk(episode.client, coordinator)
        visit_plan(episode=episode, due_at=at(2026, 11, 4, 10, 0), by=coordinator)
    client.force_login(coordinator)

    assert board(client) == [("Ann", "Wed 4 Nov at 10am", "")]


def test_the_dashboards_overdue_tile_counts_what_the_board_it_opens_shows(
    client, coordinator, manager, make_active_episode
):
    """The manager's tile and the coordinator's board read the same kept figures: a call the
    sweep marks overdue shows on both, and a call made or support closed leaves both."""
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        ann, bea, cal = (
            make_active_episode(went_home=datetime.date(2026, 11, 2), given_name=name)
            for name in ("Ann", "Bea", "Cal")
        )

    def tiles():
        client.force_login(manager)
        page = client.get(reverse("reports:dashboard")).context
        client.force_login(coordinator)
        needs = [row[2] for row in board(client, needs="overdue")]
        shown = sum(int(n) for row in needs for n in re.findall(r"(\d+) overdue", row))
        return page["open_episodes"], page["overdue_calls"], shown

    assert tiles() == (3, 0, 0)
    # The three first calls, due Thursday noon, are past their grace by Thursday 17:00.
    assert sweep_overdue(at(2026, 11, 5, 17, 0)) == 3
    assert tiles() == (3, 3, 3)

    with time_machine.travel(at(2026, 11, 5, 18, 0), tick=False):
        contact_log(
            episode=ann, by=coordinator, kind=CallKind.CALL,
            happened_at=at(2026, 11, 5, 18, 0), answered=True, duration_minutes=20,
        )  # fmt: skip
        assert tiles() == (3, 2, 2)
        episode_close(episode=bea, outcome=ExitOutcome.DECLINED, by=coordinator)
        assert tiles() == (2, 1, 1)
