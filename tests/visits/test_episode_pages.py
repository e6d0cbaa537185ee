"""Who may see and do what on the support pages; what they show; how many queries."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import Role
from aligns.outbox.models import Message, MessageStatus
from tests.aligns.test_nhsuk_forms import parse
from tests.factories import CoordinatorFactory
from tests.visits.conftest import MONDAY, at, supporting
from tests.visits.test_visit_hold import sign_off_low_risk
from visits.figures import needs_kept
from visits.models import (
    Alert,
    Assignment,
    CallKind,
    CallStatus,
    Concern,
    ConcernCategory,
    Contact,
    EpisodeStatus,
    ExitOutcome,
    ScheduledCall,
    Urgency,
)
from visits.services import concern_raise, contact_log
from visits.sweeps import sweep_overdue
from volunteers.models import Volunteer


def log_data(**changes):
    data = {
        "kind": "call",
        "answered": "yes",
        "happened_on_day": "4",
        "happened_on_month": "11",
        "happened_on_year": "2026",
        "duration_minutes": "15",
        "notes": "All well",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_volunteer_sees_and_logs_only_for_clients_they_support(
    client, episode, make_user, make_active_episode
):
    me = make_user(Role.VOLUNTEER)
    supporting(episode, me)
    # A family name nobody else on the page can have (the volunteer's own name is there).
    episode.client.family_name = "Quenby-Hallworth"
    episode.client.save()
    with time_machine.travel(MONDAY, tick=False):
        other = make_active_episode(went_home=datetime.date(2026, 11, 2), given_name="Otherperson")
    client.force_login(me)

    with time_machine.travel(at(2026, 11, 5, 9, 0), tick=False):
        today = client.get(reverse("visits:today")).content.decode()
        logged = client.post(reverse("visits:log", args=[episode.pk]), log_data())
        refused = client.post(reverse("visits:log", args=[other.pk]), log_data())

    assert episode.client.given_name in today and other.client.given_name not in today
    assert episode.client.family_name not in today  # first names only for volunteers
    assert logged.status_code == 302
    assert refused.status_code == 404
    assert episode.calls.get(is_first=True).status == CallStatus.DONE


def test_an_offer_not_yet_accepted_gives_no_access(client, episode, make_user):
    me = make_user(Role.VOLUNTEER)
    supporting(episode, me, status="offered")
    client.force_login(me)

    assert client.get(reverse("visits:log", args=[episode.pk])).status_code == 404


def test_a_concern_logged_with_a_call_tells_the_volunteer_what_to_do(client, episode, make_user):
    me = make_user(Role.VOLUNTEER)
    supporting(episode, me)
    client.force_login(me)

    missing = client.post(
        reverse("visits:log", args=[episode.pk]), log_data(raise_concern="on", notes="Kept note")
    )
    raised = client.post(
        reverse("visits:log", args=[episode.pk]),
        log_data(
            raise_concern="on",
            concern_category="not_coping",
            concern_urgency="today",
            concern_description="No food in",
        ),
        follow=True,
    )

    assert "Say what happened" in missing.content.decode()
    assert "Kept note" in missing.content.decode()
    page = raised.content.decode()
    assert "Your concern has been sent" in page and "Call 999" in page
    assert "is saved too" in page
    concern = Concern.objects.get()
    assert (concern.category, concern.raised_by) == ("not_coping", me)
    assert Alert.objects.filter(concern=concern).exists()


@pytest.mark.parametrize("role", [Role.WARD_STAFF, Role.VOLUNTEER])
def test_ward_staff_and_volunteers_cannot_open_coordinator_pages(client, make_user, episode, role):
    client.force_login(make_user(role))

    for name in ("visits:board", "visits:work_queue"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("visits:episode", args=[episode.pk])).status_code == 403


def test_a_manager_may_look_but_not_change(client, manager, episode):
    client.force_login(manager)

    assert client.get(reverse("visits:episode", args=[episode.pk])).status_code == 200
    assert client.get(reverse("visits:close", args=[episode.pk])).status_code == 403
    assert client.get(reverse("visits:log", args=[episode.pk])).status_code == 403


def test_another_schemes_coordinator_finds_nothing(client, episode, other_scheme):
    concern = concern_raise(
        episode=episode, by=None, category="health", urgency="today", description="x"
    )
    client.force_login(CoordinatorFactory(scheme=other_scheme))

    assert client.get(reverse("visits:episode", args=[episode.pk])).status_code == 404
    assert client.get(reverse("visits:concern", args=[concern.pk])).status_code == 404
    alert = Alert.objects.get()
    assert client.post(reverse("visits:alert_ack", args=[alert.pk])).status_code == 404
    queue = client.get(reverse("visits:work_queue")).content.decode()
    assert episode.client.family_name not in queue
    assert Alert.objects.open().count() == 1


def test_a_coordinator_acknowledges_then_closes_a_concern(client, coordinator, episode):
    concern = concern_raise(
        episode=episode, by=None, category="health", urgency="today", description="Breathless"
    )
    client.force_login(coordinator)
    url = reverse("visits:concern", args=[concern.pk])

    client.post(url, {"acknowledge": "1"})
    refused = client.post(url, {"action_taken": ""})
    client.post(url, {"action_taken": "Called the GP", "escalated_to": "Riverside GP"})

    assert "Say what was done" in refused.content.decode()
    concern.refresh_from_db()
    assert (concern.status, concern.acknowledged_by, concern.escalated_to) == (
        "closed",
        coordinator,
        "Riverside GP",
    )
    assert not Alert.objects.open().exists()


def test_the_concern_page_gives_the_coordinator_the_numbers_to_phone(
    client, coordinator, episode, make_user
):
    from clients.services import client_update

    client_update(
        client=episode.client, by=coordinator, phone="01632 960111",
        next_of_kin_name="Rosa Pike", next_of_kin_relationship="Daughter",
        next_of_kin_phone="07700 900222",
    )  # fmt: skip
    volunteer = make_user(Role.VOLUNTEER, phone="07700 900333")
    supporting(episode, volunteer)
    concern = concern_raise(
        episode=episode, by=volunteer, category="health", urgency="today", description="Dizzy"
    )
    client.force_login(coordinator)

    page = client.get(reverse("visits:concern", args=[concern.pk])).content.decode()

    section = page.split("Who to phone")[1].split("</dl>")[0]
    assert 'href="tel:01632960111"' in section
    assert "Rosa Pike (Daughter)" in section and 'href="tel:07700900222"' in section
    assert 'href="tel:07700900333"' in section


def test_with_one_week_left_the_extend_page_offers_one_week_and_refuses_two_beside_it(
    client, coordinator, episode
):
    client.force_login(coordinator)
    url = reverse("visits:extend", args=[episode.pk])
    client.post(url, {"weeks": "1", "reason": "Slow recovery"})  # 6 weeks to 7

    page = parse(client.get(url).content.decode())
    assert [radio.attrs["value"] for radio in page.find_all("input", name="weeks")] == ["1"]
    assert "planned for 7 weeks and lasts 8 weeks at most" in page.text

    refused = parse(client.post(url, {"weeks": "2", "reason": "Still slow"}).content.decode())
    message = "Choose one of the numbers of weeks shown"
    assert message in refused.by_id("id_weeks-error").text
    assert message in refused.find_all("div", class_="nhsuk-error-summary")[0].text
    assert refused.find_all("textarea", name="reason")[0].text == "Still slow"
    episode.refresh_from_db()
    assert episode.planned_weeks == 7


def test_at_eight_weeks_there_is_no_extend_button_and_the_page_says_why_it_cannot(
    client, coordinator, episode
):
    client.force_login(coordinator)
    url = reverse("visits:extend", args=[episode.pk])
    client.post(url, {"weeks": "2", "reason": "Slow recovery"})  # 6 weeks to 8
    episode_page = reverse("visits:episode", args=[episode.pk])
    assert url not in client.get(episode_page).content.decode()

    for response in (client.get(url), client.post(url, {"weeks": "1", "reason": "Still slow"})):
        assert response.url == episode_page
    page = client.get(episode_page).content.decode()

    assert "Support is already planned for 8 weeks: it cannot be extended." in page
    episode.refresh_from_db()
    assert episode.planned_weeks == 8
    assert episode.extensions.count() == 1


def test_the_work_queue_and_board_need_the_same_queries_however_much_there_is(
    client, coordinator, make_active_episode, django_assert_max_num_queries
):
    with time_machine.travel(MONDAY, tick=False):
        make_active_episode(went_home=datetime.date(2026, 11, 2))
    sweep_overdue(at(2026, 11, 23, 9, 0))
    client.force_login(coordinator)
    with django_assert_max_num_queries(20) as few_queue:
        client.get(reverse("visits:work_queue"))
    with django_assert_max_num_queries(20) as few_board:
        client.get(reverse("visits:board"))
    with time_machine.travel(MONDAY, tick=False):
        for _ in range(8):
            make_active_episode(went_home=datetime.date(2026, 11, 2))
    sweep_overdue(at(2026, 11, 23, 9, 0))

    with django_assert_max_num_queries(len(few_queue.captured_queries)):
        queue = client.get(reverse("visits:work_queue"))
    with django_assert_max_num_queries(len(few_board.captured_queries)):
        client.get(reverse("visits:board"))

    assert queue.content.decode().count("/acknowledge/") == 27  # 3 overdue calls x 9 episodes


def test_a_written_worry_without_the_box_ticked_is_not_silently_dropped(client, episode, make_user):
    me = make_user(Role.VOLUNTEER)
    supporting(episode, me)
    client.force_login(me)

    response = client.post(
        reverse("visits:log", args=[episode.pk]),
        log_data(concern_category="health", concern_description="Breathless"),
    )

    assert (
        "Tick &#x27;I am worried about them&#x27; to send this concern" in response.content.decode()
    )
    assert not Concern.objects.exists()
    assert not episode.contacts.exists()


def test_the_concern_confirmation_is_only_for_whoever_raised_it(client, episode, make_user):
    concern = concern_raise(
        episode=episode,
        by=make_user(Role.VOLUNTEER),
        category="health",
        urgency="today",
        description="x",
    )
    client.force_login(make_user(Role.VOLUNTEER))

    assert client.get(reverse("visits:concern_sent", args=[concern.pk])).status_code == 404


def test_a_volunteer_plans_a_visit_only_once_the_assessment_allows(
    client, episode, make_user, coordinator
):
    from clients.assessment import RiskLevel
    from clients.services import assessment_save_answers, assessment_sign_off, assessment_start
    from tests.clients.conftest import answers

    me = make_user(Role.VOLUNTEER)
    supporting(episode, me)
    client.force_login(me)
    url = reverse("visits:visit_new", args=[episode.pk])
    data = {"day_day": "30", "day_month": "11", "day_year": "2026", "part": "10"}

    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        refused = client.post(url, data)
        assessment = assessment_start(client=episode.client, by=coordinator)
        assessment_save_answers(assessment=assessment, answers=answers(), by=coordinator)
        assessment_sign_off(assessment=assessment, level=RiskLevel.LOW, reason="", by=coordinator)
        planned = client.post(url, data)
        today = client.get(reverse("visits:today")).content.decode()

    assert (
        "No home visit until a coordinator signs off a risk assessment" in refused.content.decode()
    )
    assert planned.status_code == 302
    assert episode.calls.filter(kind="visit").count() == 1
    assert "Visits planned: Monday 30 November at 10am" in today


def test_the_close_page_lists_what_to_finish_first(client, coordinator, episode):
    client.force_login(coordinator)

    page = client.get(reverse("visits:close", args=[episode.pk])).content.decode()

    assert "Review the client's goals" in page
    assert reverse("clients:measure_new", args=[episode.client.pk, "ucla3"]) in page
    assert reverse("visits:onward_new", args=[episode.pk]) in page


def test_the_coordinators_start_page_counts_the_alerts_waiting(client, coordinator, episode):
    client.force_login(coordinator)
    before = client.get(reverse("referrals:queue")).content.decode()
    sweep_overdue(at(2026, 11, 23, 9, 0))

    after = client.get(reverse("referrals:queue")).content.decode()

    assert "waiting: overdue calls" not in before
    assert "3 alerts waiting" in after


def test_the_alerts_page_title_names_no_client(client, coordinator, episode):
    from visits.services import concern_acknowledge

    concern = concern_raise(
        episode=episode, by=None, category="health", urgency="today", description="x"
    )
    concern_acknowledge(concern=concern, by=coordinator)
    client.force_login(coordinator)

    html = client.get(reverse("visits:work_queue")).content.decode()

    title = html.split("<title>")[1].split("</title>")[0]
    assert title.strip().startswith("Alerts")
    assert episode.client.family_name not in title
    assert "Concerns being dealt with" in html and episode.client.full_name in html


def test_a_volunteers_today_page_needs_the_same_queries_however_many_clients(
    client, make_user, make_active_episode, django_assert_max_num_queries
):
    me = make_user(Role.VOLUNTEER)
    volunteer = None
    with time_machine.travel(MONDAY, tick=False):
        episodes = [make_active_episode(went_home=datetime.date(2026, 11, 2)) for _ in range(4)]
    for episode in episodes:  # each card asks whether its planned visit may go ahead
        sign_off_low_risk(episode.client, episode.opened_by)
        ScheduledCall.objects.create(
            episode=episode, kind=CallKind.VISIT, due_at=MONDAY + datetime.timedelta(days=3)
        )
        needs_kept([episode.pk])  # as visit_plan would
    volunteer = supporting(episodes[0], me)
    for episode in episodes:  # each card says when the last of its contacts was
        for hour in (9, 15):
            Contact.objects.create(
                episode=episode, kind=CallKind.CALL, answered=True, logged_by=me,
                happened_at=MONDAY + datetime.timedelta(hours=hour),
            )  # fmt: skip
    client.force_login(me)
    thursday = time_machine.travel(at(2026, 11, 5, 9, 0), tick=False)
    with thursday, django_assert_max_num_queries(30) as few:
        client.get(reverse("visits:today"))
    for episode in episodes[1:]:
        Assignment.objects.create(
            episode=episode, volunteer=volunteer, status="accepted", offered_by=episode.opened_by
        )

    with thursday, django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("visits:today")).content.decode()

    assert page.count("Log a call or visit") == 4
    assert page.count("Raise a concern") == 4
    assert page.count("Called Monday, answered.") == 4
    assert page.count("Visits planned:") == 4 and "On hold" not in page


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("visits:extend", {"weeks": "1", "reason": "x"}),
        (
            "visits:readmit",
            {
                "admitted_on_day": "3",
                "admitted_on_month": "11",
                "admitted_on_year": "2026",
                "source": "ward",
            },
        ),
        ("visits:close", {"outcome": "declined"}),
        (
            "visits:visit_new",
            {"day_day": "30", "day_month": "11", "day_year": "2026", "part": "10"},
        ),
        (
            "visits:log",
            {
                "kind": "call",
                "answered": "yes",
                "happened_on_day": "3",
                "happened_on_month": "11",
                "happened_on_year": "2026",
            },
        ),
    ],
)
def test_another_schemes_coordinator_cannot_change_an_episode(
    client, episode, other_scheme, name, data
):
    client.force_login(CoordinatorFactory(scheme=other_scheme))

    assert client.post(reverse(name, args=[episode.pk]), data).status_code == 404

    episode.refresh_from_db()
    assert episode.status == "active" and episode.planned_weeks == 6
    assert not episode.contacts.exists()


def test_a_volunteer_who_does_not_support_the_client_cannot_plan_a_visit(
    client, episode, make_user
):
    client.force_login(make_user(Role.VOLUNTEER))

    assert client.get(reverse("visits:visit_new", args=[episode.pk])).status_code == 404


def test_closing_withdraws_an_unanswered_offer_with_a_history_row(coordinator, episode):
    from visits.models import AssignmentStatus
    from visits.services import episode_close

    volunteer = Volunteer.objects.create(
        scheme=episode.scheme, given_name="Una", family_name="Answered", postcode="AB1 1AA"
    )
    offer = Assignment.objects.create(episode=episode, volunteer=volunteer, offered_by=coordinator)

    episode_close(episode=episode, outcome="declined", by=coordinator)

    offer.refresh_from_db()
    assert offer.status == AssignmentStatus.WITHDRAWN
    # Withdrawn by the coordinator who closed the episode; the volunteer never answered.
    assert (offer.ended_by, offer.responded_at) == (coordinator, None)
    assert offer.ended_at is not None
    assert offer.history.latest().history_change_reason == "Episode closed"


def test_a_return_home_before_the_readmission_and_a_visit_after_support_are_refused(
    coordinator, episode
):
    from clients.assessment import RiskLevel
    from clients.services import assessment_save_answers, assessment_sign_off, assessment_start
    from tests.clients.conftest import answers
    from visits.services import (
        EpisodeActionRefused,
        episode_readmit,
        episode_return_home,
        visit_plan,
    )

    assessment = assessment_start(client=episode.client, by=coordinator)
    assessment_save_answers(assessment=assessment, answers=answers(), by=coordinator)
    assessment_sign_off(assessment=assessment, level=RiskLevel.LOW, reason="", by=coordinator)
    with pytest.raises(EpisodeActionRefused, match="plan the visit by then"):
        visit_plan(episode=episode, due_at=at(2027, 1, 20, 10, 0), by=coordinator)
    episode_readmit(
        episode=episode,
        admitted_on=datetime.date(2026, 11, 10),
        source="ward",
        reason="",
        by=coordinator,
    )
    with pytest.raises(EpisodeActionRefused, match="cannot have gone home before that"):
        episode_return_home(episode=episode, returned_on=datetime.date(2026, 11, 1), by=coordinator)


def test_a_readmission_dated_before_they_went_home_is_refused_beside_the_date(
    client, coordinator, episode
):
    """Home on 2 November: a readmission dated 1 November would count in the report as a
    readmission after a discharge that came later. Refused beside the date, what was typed
    kept; the same after a return home, against the day they went home again."""
    from visits.services import EpisodeActionRefused, episode_readmit, episode_return_home

    client.force_login(coordinator)
    url = reverse("visits:readmit", args=[episode.pk])
    typed = {"admitted_on_day": "1", "admitted_on_month": "11", "admitted_on_year": "2026",
             "source": "ward", "reason": "Chest infection"}  # fmt: skip

    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        response = client.post(url, typed)
        episode_readmit(
            episode=episode, admitted_on=datetime.date(2026, 11, 10), source="ward", reason="",
            by=coordinator,
        )  # fmt: skip
        episode_return_home(
            episode=episode, returned_on=datetime.date(2026, 11, 14), by=coordinator
        )
        with pytest.raises(EpisodeActionRefused) as refused:
            episode_readmit(
                episode=episode, admitted_on=datetime.date(2026, 11, 12), source="ward",
                reason="", by=coordinator,
            )  # fmt: skip
        # The day they went home again is a day they could be readmitted.
        episode_readmit(
            episode=episode, admitted_on=datetime.date(2026, 11, 14), source="ward", reason="",
            by=coordinator,
        )  # fmt: skip

    assert str(refused.value) == (
        "They went home on 14 November 2026: the date readmitted must be that day or later."
    )

    page = " ".join(response.content.decode().split())
    said = "They went home on 2 November 2026: the date readmitted must be that day or later."
    assert response.status_code == 200
    assert page.count(said) == 2  # beside the date and in the summary
    assert 'id="admitted_on-error"' in page or "nhsuk-error-message" in page
    assert "Chest infection" in page
    episode.refresh_from_db()
    assert [r.admitted_on.day for r in episode.readmissions.order_by("pk")] == [10, 14]


def test_a_return_home_dated_before_the_readmission_is_refused_beside_the_date(
    client, coordinator, episode
):
    from visits.services import episode_readmit

    client.force_login(coordinator)
    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        episode_readmit(
            episode=episode, admitted_on=datetime.date(2026, 11, 10), source="ward", reason="",
            by=coordinator,
        )  # fmt: skip
        response = client.post(
            reverse("visits:return_home", args=[episode.pk]),
            {"returned_on_day": "8", "returned_on_month": "11", "returned_on_year": "2026"},
        )

    said = "The client was readmitted on 10 November 2026: they cannot have gone home before that."
    page = parse(response.content.decode())
    assert said in page.by_id("id_returned_on-error").text
    assert said in page.find_all("div", class_="nhsuk-error-summary")[0].text
    assert page.find_all("input", name="returned_on_day")[0].attrs["value"] == "8"
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.SUSPENDED


def test_the_plan_visit_page_says_before_the_form_when_the_client_is_not_home(
    client, coordinator, scheme, make_user, episode
):
    """From Today a volunteer can open "Plan a home visit" for a client still in hospital:
    the page says why visits wait before anything is filled in, in words a volunteer uses,
    and sending it is refused in the same words."""
    from referrals.services import referral_accept
    from tests.factories import ReferralFactory
    from visits.services import EpisodeActionRefused, episode_readmit, visit_plan

    referral = ReferralFactory(
        ward__hospital__scheme=scheme, actual_discharge_date=None,
        expected_discharge_date=datetime.date(2026, 11, 9),
    )  # fmt: skip
    with time_machine.travel(MONDAY, tick=False):
        _, in_hospital = referral_accept(referral=referral, by=coordinator)
        me = make_user(Role.VOLUNTEER)
        supporting(in_hospital, me)
        client.force_login(me)
        not_home = client.get(reverse("visits:visit_new", args=[in_hospital.pk]))
        with pytest.raises(EpisodeActionRefused, match="not home yet"):
            visit_plan(episode=in_hospital, due_at=at(2026, 11, 12, 10, 0), by=coordinator)
        episode_readmit(
            episode=episode, admitted_on=datetime.date(2026, 11, 2), source="ward", reason="",
            by=coordinator,
        )  # fmt: skip
        client.force_login(coordinator)
        readmitted = client.get(reverse("visits:visit_new", args=[episode.pk]))

    assert "The client is not home yet: plan visits once they are." in not_home.content.decode()
    assert "plan visits once they are home again" in readmitted.content.decode()
    assert "support is running" not in not_home.content.decode()


def test_why_no_visit_can_be_planned_in_each_state_of_support(coordinator, scheme, episode):
    """The words, whole, for a client in hospital, back in hospital, and no longer supported;
    none while support runs and the assessment allows visits."""
    from referrals.services import referral_accept
    from tests.factories import ReferralFactory
    from tests.visits.test_visit_hold import sign_off_low_risk
    from visits.services import episode_close, episode_readmit, visit_plan_refusal

    with time_machine.travel(MONDAY, tick=False):
        _, in_hospital = referral_accept(
            referral=ReferralFactory(ward__hospital__scheme=scheme, actual_discharge_date=None),
            by=coordinator,
        )
        sign_off_low_risk(episode.client, coordinator)
        running = visit_plan_refusal(episode)
        episode_readmit(
            episode=episode, admitted_on=datetime.date(2026, 11, 2), source="ward", reason="",
            by=coordinator,
        )  # fmt: skip
        episode.refresh_from_db()
        readmitted = visit_plan_refusal(episode)
        episode_close(episode=episode, outcome="moved_away", by=coordinator)
        episode.refresh_from_db()

    assert running is None
    assert visit_plan_refusal(in_hospital) == (
        "The client is not home yet: plan visits once they are."
    )
    assert readmitted == "The client is back in hospital: plan visits once they are home again."
    assert visit_plan_refusal(episode) == "This client's support has ended."


def test_closing_support_warns_of_an_overdue_call_and_a_client_nobody_has_reached(
    client, coordinator, episode
):
    """Closing cancels the calls still to make, the overdue one too, and the client leaves
    every list: the page says so before the coordinator closes, while nobody has spoken with
    the client, and stops saying so once someone has (docs/safety hazard H18)."""
    from visits.models import CallStatus
    from visits.services import contact_log
    from visits.sweeps import sweep_overdue

    client.force_login(coordinator)
    url = reverse("visits:close", args=[episode.pk])
    sweep_overdue(at(2026, 11, 6, 9, 0))  # the first call, due by the 5th, not made
    overdue = episode.calls.get(status=CallStatus.OVERDUE)

    with time_machine.travel(at(2026, 11, 6, 10, 0), tick=False):
        before = " ".join(client.get(url).content.decode().split())
        contact_log(
            episode=episode, by=coordinator, kind=CallKind.CALL, happened_at=at(2026, 11, 6, 10),
            answered=True, duration_minutes=10,
        )  # fmt: skip
        after = " ".join(client.get(url).content.decode().split())

    assert f"A call is overdue (due {overdue.due_at:%-d %B}): closing cancels it." in before
    assert f"Nobody has spoken with {episode.client.full_name} since their support began" in before
    assert "Check before closing" not in after


def test_support_is_not_closed_while_a_concern_is_open_and_closes_once_it_is_dealt_with(
    client, coordinator, episode, make_user
):
    """An unanswered worry must be answered, not closed away with the support it was about
    (docs/safety hazard H18): the close page names the concern and refuses, beside the
    outcome and in the summary; closing the concern lets support close."""
    from visits.services import concern_close

    client.force_login(coordinator)
    with time_machine.travel(at(2026, 11, 4, 10, 0), tick=False):
        contact_log(
            episode=episode, by=coordinator, kind=CallKind.CALL, happened_at=at(2026, 11, 4, 10),
            answered=True, duration_minutes=10,
        )  # fmt: skip
        concern = concern_raise(
            episode=episode, by=make_user(Role.VOLUNTEER), category=ConcernCategory.NOT_COPING,
            urgency=Urgency.TODAY, description="Sounded confused and had not eaten",
        )  # fmt: skip
    url = reverse("visits:close", args=[episode.pk])

    page = parse(client.get(url).content.decode())
    refused = parse(client.post(url, {"outcome": ExitOutcome.DECLINED}).content.decode())

    message = "A concern about them is not yet closed: close it first, saying what was done."
    assert message in page.text
    links = [link.attrs.get("href") for link in page.find_all("a")]
    assert reverse("visits:concern", args=[concern.pk]) in links
    assert message in refused.by_id("id_outcome-error").text
    assert message in refused.find_all("div", class_="nhsuk-error-summary")[0].text
    episode.refresh_from_db()
    assert episode.status != EpisodeStatus.CLOSED
    assert episode.calls.filter(status=CallStatus.PENDING).exists()

    concern_close(concern=concern, by=coordinator, action_taken="Daughter visited; GP called.")
    closed = client.post(url, {"outcome": ExitOutcome.DECLINED})

    assert closed.url == reverse("visits:episode", args=[episode.pk])
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED


def test_the_service_refuses_to_close_over_open_concerns_and_counts_them(
    coordinator, episode, make_user
):
    """Not only the page: the service itself refuses (a stale page or a crafted request), and
    says how many concerns are waiting."""
    from visits.services import EpisodeActionRefused, concern_close, episode_close

    raised = [
        concern_raise(
            episode=episode,
            by=make_user(Role.VOLUNTEER),
            category=ConcernCategory.NOT_COPING,
            urgency=Urgency.TODAY,
            description=description,
        )  # fmt: skip
        for description in ("Not eating", "Fell in the kitchen")
    ]

    with pytest.raises(EpisodeActionRefused) as two_open:
        episode_close(episode=episode, outcome=ExitOutcome.DECLINED, by=coordinator)
    concern_close(concern=raised[0], by=coordinator, action_taken="GP visited.")
    with pytest.raises(EpisodeActionRefused) as one_open:
        episode_close(episode=episode, outcome=ExitOutcome.DECLINED, by=coordinator)

    assert str(two_open.value) == (
        "2 concerns about them are not yet closed: close them first, saying what was done."
    )
    assert str(one_open.value) == (
        "A concern about them is not yet closed: close it first, saying what was done."
    )
    episode.refresh_from_db()
    assert episode.status != EpisodeStatus.CLOSED


def test_a_closed_episode_does_not_say_home_visits_are_on_hold(client, coordinator, episode):
    from visits.services import episode_close

    client.force_login(coordinator)
    url = reverse("visits:episode", args=[episode.pk])
    before = client.get(url).content.decode()  # no risk assessment yet: visits on hold
    episode_close(episode=episode, outcome=ExitOutcome.DECLINED, by=coordinator)

    after = client.get(url).content.decode()

    assert "Home visits are on hold" in before
    assert "Home visits are on hold" not in after


def test_goals_met_is_refused_for_a_client_nobody_has_spoken_with_and_no_contact_is_not(
    client, coordinator, episode
):
    client.force_login(coordinator)
    url = reverse("visits:close", args=[episode.pk])
    with time_machine.travel(at(2026, 11, 4, 10, 0), tick=False):
        contact_log(
            episode=episode, by=coordinator, kind=CallKind.CALL, happened_at=at(2026, 11, 4, 10),
            answered=False,
        )  # fmt: skip

    refused = parse(client.post(url, {"outcome": ExitOutcome.GOALS_MET}).content.decode())

    assert (
        "Nobody has spoken with them since their support began"
        in refused.by_id("id_outcome-error").text
    )
    episode.refresh_from_db()
    assert episode.status != EpisodeStatus.CLOSED
    client.post(url, {"outcome": ExitOutcome.NO_CONTACT})
    episode.refresh_from_db()
    assert (episode.status, episode.exit_outcome) == (EpisodeStatus.CLOSED, ExitOutcome.NO_CONTACT)


def test_a_call_logged_without_its_length_is_not_shown_as_zero_minutes(
    client, coordinator, episode
):
    from visits.services import contact_log

    with time_machine.travel(at(2026, 11, 3, 10, 0), tick=False):
        contact_log(
            episode=episode, by=coordinator, kind=CallKind.CALL, happened_at=at(2026, 11, 3, 10),
            answered=True,
        )  # fmt: skip
    client.force_login(coordinator)

    page = client.get(reverse("visits:episode", args=[episode.pk])).content.decode()

    assert "answered, length not given" in page
    assert "0 minutes" not in page


def test_a_concern_raised_while_the_mail_server_is_down_is_saved_and_its_email_waits(
    client, episode, make_user, mail_server_down, django_capture_on_commit_callbacks
):
    me = make_user(Role.VOLUNTEER)
    supporting(episode, me)
    client.force_login(me)

    with django_capture_on_commit_callbacks(execute=True):  # the worker tries it at once
        response = client.post(
            reverse("visits:log", args=[episode.pk]),
            log_data(
                raise_concern="on",
                concern_category="not_coping",
                concern_urgency="today",
                concern_description="No food in",
            ),
        )

    concern = Concern.objects.get()
    assert response["Location"] == reverse("visits:concern_sent", args=[concern.pk])
    assert Alert.objects.filter(concern=concern).exists()  # on the coordinators' work queue
    message = Message.objects.get()
    assert (message.kind, message.ids) == ("concern_raised", {"concern_id": concern.pk})
    assert mail_server_down.tried == 1
    # Waiting to be tried again, with the reason the scheme's page of messages shows.
    assert (message.status, message.attempts, message.last_error) == (
        MessageStatus.WAITING,
        1,
        "SMTPServerDisconnected",
    )
    assert message.next_attempt_at > timezone.now()


def test_the_board_shows_only_episodes_with_overdue_calls_or_open_concerns_when_asked(
    client, coordinator, make_active_episode
):
    with time_machine.travel(MONDAY, tick=False):
        late = make_active_episode(went_home=datetime.date(2026, 11, 2), given_name="Latimer")
        worried = make_active_episode(went_home=datetime.date(2026, 11, 2), given_name="Worthy")
    late.calls.filter(pk=late.calls.order_by("due_at").first().pk).update(status=CallStatus.OVERDUE)
    Concern.objects.create(
        episode=worried, category="health", description="Worried", raised_by=coordinator
    )
    needs_kept([late.pk, worried.pk])  # as the overdue sweep and concern_raise would
    client.force_login(coordinator)

    def listed(query):
        page = client.get(reverse("visits:board"), query).content.decode()
        return {name for name in ("Latimer", "Worthy") if name in page}

    assert listed({"needs": "overdue"}) == {"Latimer"}
    assert listed({"needs": "concerns"}) == {"Worthy"}
    # Anything else shows them all, as with no filter.
    assert listed({"needs": "<nonsense>"}) == listed({}) == {"Latimer", "Worthy"}


def test_a_visit_planned_after_the_support_ends_is_refused_beside_its_day(
    client, coordinator, episode
):
    """Support runs to Sunday 13 December 2026 (six weeks from 2 November)."""
    sign_off_low_risk(episode.client, coordinator)
    client.force_login(coordinator)
    url = reverse("visits:visit_new", args=[episode.pk])

    def plan(day):
        data = {"day_day": str(day.day), "day_month": str(day.month), "day_year": str(day.year)}
        return client.post(url, {**data, "part": "14"})

    with time_machine.travel(at(2026, 11, 5, 9, 0), tick=False):
        after = plan(datetime.date(2026, 12, 14))
        last_day = plan(datetime.date(2026, 12, 13))

    dom = parse(after.content.decode())
    message = "Support is planned until 13 December 2026: plan the visit by then."
    assert dom.by_id("id_day-error").text == f"Error: {message}"
    summary = dom.find_all("div", class_="nhsuk-error-summary")[0]
    assert [link.text for link in summary.find_all("a")] == [message]
    assert last_day.status_code == 302
    assert episode.calls.filter(kind="visit").count() == 1


def test_a_call_logged_before_the_support_began_is_refused_by_the_service_too(coordinator, episode):
    from visits.services import EpisodeActionRefused, contact_log

    with pytest.raises(EpisodeActionRefused, match="referral was received on 2 November 2026"):
        contact_log(
            episode=episode, by=coordinator, kind="call", happened_at=at(2026, 11, 1, 23, 30),
            answered=True,
        )  # fmt: skip
    assert not episode.contacts.exists()


def test_a_closed_episode_shows_when_it_began_and_closed_not_the_plan_it_no_longer_has(
    client, coordinator, episode
):
    from visits.services import episode_close

    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        episode_close(episode=episode, outcome="moved_away", by=coordinator)
    client.force_login(coordinator)

    page = " ".join(
        client.get(reverse("visits:episode", args=[episode.pk])).content.decode().split()
    )

    assert "Home from 2 November 2026. Closed 20 November 2026: Moved away." in page
    assert "week-6 review" not in page
    assert "None: those still to make were cancelled when support closed." in page


def test_a_measure_recorded_from_the_client_record_belongs_to_their_current_support(
    client, coordinator, episode
):
    """The close page sends the coordinator to record the end measures: each is kept with the
    support it measures, as the client's copy of their record shows."""
    client.force_login(coordinator)
    url = reverse("clients:measure_new", args=[episode.client.pk, "ucla3"])
    data = {
        "timepoint": "end",
        "taken_on_day": "4",
        "taken_on_month": "11",
        "taken_on_year": "2026",
        "companionship": "1",
        "left_out": "1",
        "isolated": "2",
    }

    with time_machine.travel(at(2026, 11, 5, 9, 0), tick=False):
        response = client.post(url, data)

    assert response.status_code == 302
    measure = episode.client.measures.get()
    assert (measure.episode, measure.recorded_by, measure.taken_on) == (
        episode,
        coordinator,
        datetime.date(2026, 11, 4),
    )


def test_an_end_measure_entered_after_the_next_support_began_stays_with_the_support_it_ended(
    client, coordinator, episode
):
    """Home on 2 November, support closed on the 20th; readmitted, new support from the 25th.
    The coordinator enters the first support's end measure, taken on the 19th, a day later:
    it belongs to the first support (whose summary shares it), not the new one."""
    from referrals.services import referral_accept
    from tests.factories import ReferralFactory
    from visits.services import episode_close

    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        episode_close(episode=episode, outcome=ExitOutcome.READMITTED, by=coordinator)
    with time_machine.travel(at(2026, 11, 25, 9, 0), tick=False):
        readmission = ReferralFactory(
            ward__hospital__scheme=episode.scheme, nhs_number=episode.client.nhs_number,
            date_of_birth=episode.client.date_of_birth, nhs_number_verified=True,
        )  # fmt: skip
        _, again = referral_accept(referral=readmission, by=coordinator)
    assert again.client == episode.client
    client.force_login(coordinator)
    url = reverse("clients:measure_new", args=[episode.client.pk, "ucla3"])
    answers = {"companionship": "1", "left_out": "1", "isolated": "2"}

    def taken_on(day, timepoint):
        data = {"timepoint": timepoint, "taken_on_day": str(day), "taken_on_month": "11",
                "taken_on_year": "2026", **answers}  # fmt: skip
        with time_machine.travel(at(2026, 11, 26, 9, 0), tick=False):
            assert client.post(url, data).status_code == 302

    taken_on(19, "end")
    taken_on(26, "baseline")
    taken_on(1, "baseline")  # before any support opened: the first support's

    kept = dict(episode.client.measures.values_list("taken_on__day", "episode"))
    assert kept == {1: episode.pk, 19: episode.pk, 26: again.pk}
