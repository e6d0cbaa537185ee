"""The coordinator's support pages in states the access matrix's world does not reach, in the
pseudo-locale (tests/i18n.py): every word a coordinator reads there can be translated.

tests/aligns/test_every_page_marked.py renders each page once, as scheme A's records leave
it; these add what it cannot see: an overdue call and alerts waiting, a match with nobody who
passes the checks, a concern escalated and closed, the outcome summary shared, a readmission
and an extension, and forms sent back with their errors.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.i18n import data_words, unmarked_words, wrap_translations
from tests.visits.conftest import MONDAY, at, readmitted_then_home, supporting
from visits.models import Alert, CallStatus, CommunityService, ReadmissionSource
from visits.services import (
    concern_acknowledge,
    concern_close,
    concern_raise,
    contact_log,
    episode_assign_volunteer,
    episode_close,
    episode_extend,
    episode_readmit,
    onward_referral_record,
)
from visits.sweeps import sweep_overdue, sweep_reviews
from volunteers.services import volunteer_move


@pytest.fixture
def words(client, coordinator, monkeypatch):
    """words(url, query=None, data=None): the English words outside the markers on the page
    at `url` (sent `data` when given), as the coordinator sees it."""
    wrapped = []

    def words(url, query=None, data=None):
        client.force_login(coordinator)  # again: a test may travel past the session's end
        known = data_words()  # the records' own words, read before the page
        if not wrapped:
            wrap_translations(monkeypatch)
            wrapped.append(True)
        if data is None:
            response = client.get(url, query or {})
        else:
            response = client.post(url, data, follow=True)
        assert response.status_code == 200
        shown.append(response.content.decode())
        return unmarked_words(shown[-1], known)

    shown = []
    words.shown = shown  # the pages, for a test to check it saw what it meant to
    return words


def test_the_board_alerts_and_episode_with_an_overdue_call_and_concerns_are_marked(
    words, coordinator, episode, make_user
):
    supporting(episode, make_user("volunteer"), status="offered")
    volunteer_concern = concern_raise(
        episode=episode, by=coordinator, category="health", urgency="soon", description="Dizzy"
    )
    concern_acknowledge(concern=volunteer_concern, by=coordinator)
    with time_machine.travel(at(2026, 11, 9, 9), tick=False):
        contact_log(
            episode=episode, by=coordinator, kind="call", happened_at=at(2026, 11, 9, 9),
            answered=False,
        )  # fmt: skip
    sweep_overdue(at(2026, 11, 23, 9, 0))
    sweep_reviews(at(2026, 12, 7, 9, 0))
    assert episode.calls.filter(status=CallStatus.OVERDUE).exists()
    assert Alert.objects.open().count() >= 2

    with time_machine.travel(at(2026, 12, 7, 10), tick=False):
        assert words(reverse("visits:board")) == []
        assert "overdue⟧" in words.shown[-1] and "⟦Review due⟧" in words.shown[-1]
        assert words(reverse("visits:board"), {"needs": "overdue"}) == []
        assert words(reverse("visits:board"), {"needs": "concerns"}) == []
        assert words(reverse("visits:work_queue")) == []
        assert "⟦Call overdue⟧" in words.shown[-1] and "not yet closed" in words.shown[-1]
        assert words(reverse("visits:episode", args=[episode.pk])) == []
        assert words(reverse("visits:concern", args=[volunteer_concern.pk])) == []


def test_a_board_with_nothing_to_show_is_marked(words, coordinator):
    assert words(reverse("visits:board")) == []
    assert words(reverse("visits:board"), {"needs": "overdue"}) == []
    assert words(reverse("visits:work_queue")) == []
    assert words(reverse("visits:directory")) == []


def test_a_match_with_no_volunteer_who_passes_the_checks_is_marked(
    words, coordinator, make_episode, make_volunteer
):
    paused = make_volunteer(given_name="Paula")
    volunteer_move(volunteer=paused, stage="paused", by=coordinator)
    make_volunteer(given_name="Fuller", max_active_clients=0)
    episode = make_episode(needs=("shopping", "transport"), preferred_volunteer_gender="man")

    url = reverse("visits:match", args=[episode.pk])
    assert words(url) == []
    assert "⟦No volunteer passes every check for this client.⟧" in words.shown[-1]
    assert words(url, {"ineligible": "1"}) == []
    assert "⟦Not active (" in words.shown[-1] and "⟦At their limit of 0" in words.shown[-1]


def test_a_shortlist_with_its_reasons_and_an_offer_is_marked(
    words, coordinator, make_episode, make_volunteer
):
    from aligns import weekly_grid

    mornings = weekly_grid.to_mask(["Monday morning", "Tuesday morning"])
    make_volunteer(given_name="Polly", languages="English, Polish", availability=mornings)
    make_volunteer(given_name="Evening", postcode="AB1 3AA", skills=())
    episode = make_episode(
        needs=("shopping", "befriending"), preferred_times=mornings, language="Polish"
    )
    url = reverse("visits:match", args=[episode.pk])

    assert words(url) == []
    assert "⟦Strong match⟧" in words.shown[-1] and "⟦Speaks Polish⟧" in words.shown[-1]
    chosen = episode_assign_volunteer(
        episode=episode, volunteer=episode.scheme.volunteers.get(given_name="Polly"),
        by=coordinator,
    )  # fmt: skip
    assert words(url) == []
    assert words(reverse("visits:offer_withdraw", args=[episode.pk]), data={"reason": ""}) == []
    assert chosen.pk


def test_a_lapsed_check_its_alert_the_hold_and_the_hand_over_form_are_marked(
    words, coordinator, episode, make_user
):
    from aligns.accounts.models import Role
    from tests.visits.test_visit_hold import sign_off_low_risk
    from visits.sweeps import sweep_lapsed_checks

    sign_off_low_risk(episode.client, coordinator)
    volunteer = supporting(episode, make_user(Role.VOLUNTEER))
    volunteer.dbs_checks.update(recheck_due=datetime.date(2026, 11, 1))
    sweep_lapsed_checks()

    assert words(reverse("visits:work_queue")) == []
    assert "⟦The DBS check of" in words.shown[-1]
    assert words(reverse("visits:episode", args=[episode.pk])) == []
    assert "passed its recheck date" in words.shown[-1]
    assert words(reverse("visits:match", args=[episode.pk])) == []
    assert "⟦Hand the client to another volunteer⟧" in words.shown[-1]
    hand_over = reverse("visits:support_hand_over", args=[episode.pk])
    assert words(hand_over, data={"reason": ""}) == []


def test_a_client_nobody_can_find_on_the_map_is_marked(words, make_episode, scheme):
    episode = make_episode()
    episode.client.postcode = "ZZ99 9ZZ"
    episode.client.save()
    scheme.area_postcode = ""
    scheme.save()

    assert words(reverse("visits:match", args=[episode.pk])) == []
    assert "there is nowhere to look for volunteers from" in words.shown[-1]
    assert "⟦Change the client&#x27;s postcode⟧" in words.shown[-1]
    scheme.area_postcode = "AB1 1AA"
    scheme.save()
    assert words(reverse("visits:match", args=[episode.pk])) == []
    assert "distances are from the middle of the scheme" in words.shown[-1]


def test_an_escalated_concern_and_the_outcome_summary_that_lists_it_are_marked(
    words, coordinator, episode
):
    concern = concern_raise(
        episode=episode, by=None, category="safeguarding", urgency="today",
        description="Bruises on her arm",
    )  # fmt: skip
    concern_close(
        concern=concern, by=coordinator, action_taken="Called adult social care.",
        escalated_to="Riverside safeguarding team",
    )  # fmt: skip
    service = CommunityService.objects.create(
        scheme=episode.scheme, name="Riverside Ring and Ride", category="transport"
    )
    onward_referral_record(
        episode=episode, service=service, referred_on=datetime.date(2026, 11, 20), by=coordinator
    )
    episode_close(episode=episode, outcome="declined", by=coordinator)

    assert words(reverse("visits:concern", args=[concern.pk])) == []
    assert "Escalated to Riverside safeguarding team" in words.shown[-1]
    assert words(reverse("visits:episode", args=[episode.pk])) == []
    shared = {
        "recipient_organisation": "Riverside Surgery",
        "recipient_person": "Dr Okafor",
        "purpose": "The GP asked",
        "lawful_basis": "6(1)(e), 9(2)(h)",
        "override_reason": "Safeguarding",
        "as_pdf": "no",
    }
    assert words(reverse("visits:share_summary", args=[episode.pk]), data=shared) == []
    assert "⟦Concerns escalated⟧" in words.shown[-1]


def test_a_readmission_an_extension_and_the_forms_sent_back_are_marked(words, coordinator, episode):
    with time_machine.travel(MONDAY, tick=False):
        episode_extend(episode=episode, weeks=1, reason="Slow recovery", by=coordinator)
        readmitted_then_home(
            episode, coordinator, datetime.date(2026, 11, 3), datetime.date(2026, 11, 5)
        )
        episode_readmit(
            episode=episode, admitted_on=datetime.date(2026, 11, 6),
            source=ReadmissionSource.FAMILY, reason="", by=coordinator,
        )  # fmt: skip
        pk = episode.pk

        assert words(reverse("visits:episode", args=[pk])) == []
        assert "⟦Readmissions⟧" in words.shown[-1] and "⟦Extensions⟧" in words.shown[-1]
        sent_back = {
            "visits:extend": {"weeks": "2", "reason": "Slow recovery"},
            "visits:return_home": {"returned_on_day": "1", "returned_on_month": "1"},
            "visits:close": {"outcome": ""},
            "visits:onward_new": {"referred_on_day": "40"},
        }
        for name, data in sent_back.items():
            assert words(reverse(name, args=[pk]), data=data) == [], name
            assert "⟦Error:⟧" in words.shown[-1], name
        assert words(reverse("visits:service_new"), data={"email": "not an address"}) == []
        concern = concern_raise(
            episode=episode, by=None, category="no_answer", urgency="today", description="None"
        )
        assert words(reverse("visits:concern", args=[concern.pk]), data={"action_taken": ""}) == []
