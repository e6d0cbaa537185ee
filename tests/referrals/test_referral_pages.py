"""Who may see and do what with referrals, and what the pages show."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from aligns.accounts.models import Role
from aligns.audit.models import AccessLogEntry
from referrals.models import DeclineReason, Status
from referrals.services import referral_accept, referral_decline
from tests.factories import (
    TEST_PASSWORD,
    CoordinatorFactory,
    ReferralFactory,
    WardFactory,
    WardStaffFactory,
)


@pytest.fixture
def own_ward_staff(referral):
    return WardStaffFactory(scheme=referral.scheme, wards=[referral.ward])


def test_ward_staff_see_their_wards_referrals_but_not_other_wards(client, referral, scheme):
    colleague = WardStaffFactory(scheme=scheme, wards=[referral.ward])
    elsewhere = ReferralFactory(ward=WardFactory(hospital=referral.hospital))
    client.force_login(colleague)

    html = client.get(reverse("referrals:ward_list")).content.decode()

    assert referral.patient_name in html
    assert elsewhere.patient_name not in html
    assert client.get(reverse("referrals:detail", args=[elsewhere.pk])).status_code == 404


def test_ward_staff_see_referrals_they_made_from_another_ward(client, referral):
    made_by = referral.referred_by
    made_by.wards.clear()
    client.force_login(made_by)

    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200


def test_ward_staff_see_the_decline_reason_on_their_list(client, referral, own_ward_staff):
    referral_decline(
        referral=referral,
        by=CoordinatorFactory(scheme=referral.scheme),
        reason=DeclineReason.OUT_OF_AREA,
        note="",
    )
    client.force_login(own_ward_staff)

    html = client.get(reverse("referrals:ward_list")).content.decode()

    assert "Declined" in html
    assert "Out of the scheme&#x27;s area" in html


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER])
@pytest.mark.parametrize(
    "url_name",
    ["referrals:detail", "referrals:decline", "referrals:withdraw", "referrals:discharge"],
)
def test_volunteers_and_managers_cannot_open_any_referral_page(
    client, make_user, referral, role, url_name
):
    client.force_login(make_user(role))

    assert client.get(reverse(url_name, args=[referral.pk])).status_code == 403
    assert client.post(reverse("referrals:accept", args=[referral.pk])).status_code == 403


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER, Role.WARD_STAFF])
def test_only_coordinators_open_the_triage_queue(client, make_user, role):
    client.force_login(make_user(role))

    assert client.get(reverse("referrals:queue")).status_code == 403


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER, Role.COORDINATOR])
def test_only_ward_staff_refer(client, make_user, role):
    client.force_login(make_user(role))

    assert client.get(reverse("referrals:create")).status_code == 403


@pytest.mark.parametrize(
    "url_name", ["referrals:detail", "referrals:decline", "referrals:discharge"]
)
def test_another_schemes_coordinator_finds_nothing(client, referral, other_scheme, url_name):
    client.force_login(CoordinatorFactory(scheme=other_scheme))

    response = client.get(reverse(url_name, args=[referral.pk]))

    assert response.status_code == 404
    assert referral.patient_name not in response.content.decode()


def test_another_schemes_coordinator_cannot_accept(client, referral, other_scheme):
    client.force_login(CoordinatorFactory(scheme=other_scheme))

    response = client.post(reverse("referrals:accept", args=[referral.pk]))

    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_ward_staff_cannot_accept_or_decline(client, referral, own_ward_staff):
    client.force_login(own_ward_staff)

    assert client.post(reverse("referrals:accept", args=[referral.pk])).status_code == 403
    assert client.get(reverse("referrals:decline", args=[referral.pk])).status_code == 403


def test_coordinators_cannot_withdraw_a_wards_referral(client, referral):
    client.force_login(CoordinatorFactory(scheme=referral.scheme))

    assert client.get(reverse("referrals:withdraw", args=[referral.pk])).status_code == 403


def test_accept_only_answers_a_post(client, referral):
    client.force_login(CoordinatorFactory(scheme=referral.scheme))

    assert client.get(reverse("referrals:accept", args=[referral.pk])).status_code == 405


def test_accepting_after_the_session_ended_signs_in_again_to_a_page_saying_nothing_changed(
    client, referral
):
    """Signed out while the referral was open: the accept button sends them to sign in, and
    signing in opens where the form was going. That address only takes a form, so the page
    says nothing was changed rather than answering with a blank 405."""
    coordinator = CoordinatorFactory(scheme=referral.scheme)
    accept = reverse("referrals:accept", args=[referral.pk])

    to_sign_in = client.post(accept)
    signed_in = client.post(
        to_sign_in.url, {"username": coordinator.email, "password": TEST_PASSWORD}, follow=True
    )

    assert signed_in.redirect_chain[-1][0] == accept
    assert signed_in.status_code == 405
    assert signed_in["Allow"] == "POST"
    assert "Nothing has been changed" in signed_in.content.decode()
    assert "no-store" in signed_in["Cache-Control"]
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_opening_a_referral_writes_the_access_log(client, referral):
    coordinator = CoordinatorFactory(scheme=referral.scheme)
    client.force_login(coordinator)

    client.get(reverse("referrals:detail", args=[referral.pk]))

    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.subject, entry.page) == (coordinator, referral, "referrals:detail")


def test_a_coordinator_accepts_from_the_detail_page(client, referral):
    coordinator = CoordinatorFactory(scheme=referral.scheme)
    client.force_login(coordinator)

    response = client.post(reverse("referrals:accept", args=[referral.pk]), follow=True)

    html = response.content.decode()
    assert "Referral accepted." in html
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert f"<strong>Referral accepted</strong> by {coordinator.full_name}" in html  # history


def test_accepting_an_already_declined_referral_explains_who_declined_it(client, referral):
    first = CoordinatorFactory(scheme=referral.scheme, full_name="Fran First")
    referral_decline(referral=referral, by=first, reason=DeclineReason.DUPLICATE, note="")
    client.force_login(CoordinatorFactory(scheme=referral.scheme))

    response = client.post(reverse("referrals:accept", args=[referral.pk]), follow=True)

    assert "already declined by Fran First" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED


def test_declining_needs_a_reason_and_a_note_for_other(client, referral):
    client.force_login(CoordinatorFactory(scheme=referral.scheme))
    url = reverse("referrals:decline", args=[referral.pk])

    no_reason = client.post(url, {"note": "typed note"})
    other_without_note = client.post(url, {"reason": "other", "note": ""})

    assert "Choose why the referral is declined" in no_reason.content.decode()
    assert "typed note" in no_reason.content.decode()
    assert "Say why the referral is declined" in other_without_note.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_ward_staff_withdraw_with_a_reason(client, referral, own_ward_staff):
    client.force_login(own_ward_staff)
    url = reverse("referrals:withdraw", args=[referral.pk])

    refused = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Going to a care home"}, follow=True)

    assert "Say why you are withdrawing the referral" in refused.content.decode()
    assert "Referral withdrawn." in done.content.decode()
    referral.refresh_from_db()
    assert (referral.status, referral.withdrawn_reason) == (
        Status.WITHDRAWN,
        "Going to a care home",
    )


def test_ward_staff_record_the_day_the_patient_went_home(client, referral, own_ward_staff):
    client.force_login(own_ward_staff)
    url = reverse("referrals:discharge", args=[referral.pk])
    expected = referral.expected_discharge_date
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, 0), tick=False):
        future = client.post(
            url,
            {
                "expected_discharge_date_day": expected.day,
                "expected_discharge_date_month": expected.month,
                "expected_discharge_date_year": expected.year,
                "actual_discharge_date_day": "30",
                "actual_discharge_date_month": "11",
                "actual_discharge_date_year": "2026",
            },
        )
        saved = client.post(
            url,
            {
                "expected_discharge_date_day": expected.day,
                "expected_discharge_date_month": expected.month,
                "expected_discharge_date_year": expected.year,
                "actual_discharge_date_day": "23",
                "actual_discharge_date_month": "11",
                "actual_discharge_date_year": "2026",
            },
        )

    assert "must be today or in the past" in future.content.decode()
    assert saved.status_code == 302
    referral.refresh_from_db()
    assert referral.actual_discharge_date == datetime.date(2026, 11, 23)


NOVEMBER_23 = datetime.datetime(2026, 11, 23, 12, 0)


def _home_on_the_20th(client, referral, ward_staff):
    """The referral accepted, and the ward recording on 23 November that the patient went home
    on the 20th: the discharge page's address, its dates but the day they went home, the
    coordinator and the support."""
    from visits.models import SupportEpisode

    coordinator = CoordinatorFactory(scheme=referral.scheme)
    client.force_login(ward_staff)
    url = reverse("referrals:discharge", args=[referral.pk])
    expected = referral.expected_discharge_date
    dates = {
        "expected_discharge_date_day": expected.day,
        "expected_discharge_date_month": expected.month,
        "expected_discharge_date_year": expected.year,
        "actual_discharge_date_month": "11",
        "actual_discharge_date_year": "2026",
    }
    with time_machine.travel(NOVEMBER_23, tick=False):
        referral_accept(referral=referral, by=coordinator)
        client.post(url, {**dates, "actual_discharge_date_day": "20"})
    return url, dates, coordinator, SupportEpisode.objects.get(referral=referral)


def test_once_support_has_closed_the_day_the_patient_went_home_is_refused_beside_it(
    client, referral, own_ward_staff
):
    """Before, the referral took the new date and the support kept the old one: the two
    records disagreed."""
    from tests.aligns.test_nhsuk_forms import parse
    from visits.models import ExitOutcome
    from visits.services import episode_close

    url, dates, coordinator, episode = _home_on_the_20th(client, referral, own_ward_staff)
    with time_machine.travel(NOVEMBER_23, tick=False):
        episode_close(episode=episode, outcome=ExitOutcome.DECLINED, by=coordinator)
        refused = client.post(url, {**dates, "actual_discharge_date_day": "21"})

    said = "Their support has ended: the date they went home can no longer change."
    page = parse(refused.content.decode())
    assert said in page.by_id("id_actual_discharge_date-error").text
    assert said in page.find_all("div", class_="nhsuk-error-summary")[0].text
    referral.refresh_from_db()
    episode.refresh_from_db()
    assert referral.actual_discharge_date == episode.start_date == datetime.date(2026, 11, 20)


def test_while_they_are_back_in_hospital_the_day_they_went_home_is_left_to_the_coordinator(
    client, referral, own_ward_staff
):
    """A readmission pauses the support from the day they went home: a new date from the
    ward would move it underneath the coordinator. The ward can still correct the expected
    date, the day they went home kept as it is."""
    from tests.aligns.test_nhsuk_forms import parse
    from visits.services import episode_readmit

    url, dates, coordinator, episode = _home_on_the_20th(client, referral, own_ward_staff)
    with time_machine.travel(NOVEMBER_23, tick=False):
        episode_readmit(
            episode=episode, admitted_on=datetime.date(2026, 11, 22), source="ward", reason="",
            by=coordinator,
        )  # fmt: skip
        refused = client.post(url, {**dates, "actual_discharge_date_day": "19"})
        unchanged = client.post(
            url,
            {**dates, "actual_discharge_date_day": "20",
             "expected_discharge_date_day": "21", "expected_discharge_date_month": "11",
             "expected_discharge_date_year": "2026"},
        )  # fmt: skip

    said = (
        "The patient is back in hospital and their support is paused: ask the scheme's "
        "coordinator to correct the date they went home."
    )
    page = parse(refused.content.decode())
    assert said in page.by_id("id_actual_discharge_date-error").text
    assert said in page.find_all("div", class_="nhsuk-error-summary")[0].text
    assert unchanged.status_code == 302
    referral.refresh_from_db()
    episode.refresh_from_db()
    assert referral.actual_discharge_date == episode.start_date == datetime.date(2026, 11, 20)
    assert referral.expected_discharge_date == datetime.date(2026, 11, 21)


def test_an_old_expected_date_does_not_block_recording_the_discharge(
    client, referral, own_ward_staff
):
    with time_machine.travel(datetime.datetime(2026, 11, 1, 12, 0), tick=False):
        referral.expected_discharge_date = datetime.date(2026, 11, 2)
        referral.save()
    client.force_login(own_ward_staff)

    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, 0), tick=False):
        response = client.post(
            reverse("referrals:discharge", args=[referral.pk]),
            {
                "expected_discharge_date_day": "2",
                "expected_discharge_date_month": "11",
                "expected_discharge_date_year": "2026",
                "actual_discharge_date_day": "20",
                "actual_discharge_date_month": "11",
                "actual_discharge_date_year": "2026",
            },
        )

    assert response.status_code == 302


def test_the_ward_list_shows_an_accepted_referral_as_accepted(client, referral, own_ward_staff):
    referral_accept(referral=referral, by=CoordinatorFactory(scheme=referral.scheme))
    client.force_login(own_ward_staff)

    html = client.get(reverse("referrals:ward_list")).content.decode()

    assert "Accepted" in html
    assert "Not yet made" in html


def test_the_ward_list_needs_the_same_number_of_queries_however_many_referrals(
    client, referral, own_ward_staff, django_assert_max_num_queries
):
    client.force_login(own_ward_staff)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("referrals:ward_list"))
    for _ in range(12):
        accepted = ReferralFactory(ward=referral.ward)
        referral_accept(referral=accepted, by=CoordinatorFactory(scheme=referral.scheme))

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("referrals:ward_list"))


def test_the_ward_sees_the_date_of_first_contact_once_made_but_no_case_notes(
    client, referral, own_ward_staff
):
    import datetime

    from django.utils import timezone

    from referrals.figures import referral_days_rebuilt
    from visits.services import contact_log

    coordinator = CoordinatorFactory(scheme=referral.scheme)
    referral.submitted_at = timezone.make_aware(datetime.datetime(2026, 11, 18, 15, 0))
    referral.save()
    referral_days_rebuilt([referral.scheme_id])  # sent on another day: counted there
    _, episode = referral_accept(referral=referral, by=coordinator)
    contact_log(
        episode=episode,
        by=coordinator,
        kind="call",
        answered=True,
        happened_at=timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 0)),
        notes="Private case note: low mood",
    )
    client.force_login(own_ward_staff)

    html = client.get(reverse("referrals:ward_list")).content.decode()
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()

    assert "20 Nov 2026" in html
    assert "Private case note" not in html and "Private case note" not in detail


def test_a_manager_refused_the_triage_queue_is_not_told_to_ask_a_coordinator(client, scheme):
    """Triage is the coordinators' work; a manager who thinks they should see it asks the
    platform administrator, not the coordinators they manage."""
    from tests.factories import ManagerFactory

    client.force_login(ManagerFactory(scheme=scheme))

    response = client.get(reverse("referrals:queue"))

    assert response.status_code == 403
    assert "ask the platform administrator" in response.content.decode()
    assert "ask your scheme coordinator" not in response.content.decode()


def test_a_coordinator_refused_a_page_is_told_to_ask_the_manager_not_themselves(client, scheme):
    """A coordinator opening the report (the managers' page, unless the scheme lets
    coordinators see it) is not told to ask the scheme coordinator, who is who they are."""
    from tests.factories import CoordinatorFactory

    client.force_login(CoordinatorFactory(scheme=scheme))

    response = client.get(reverse("reports:report"))

    assert response.status_code == 403
    assert "ask your scheme's manager" in response.content.decode()
    assert "ask your scheme coordinator" not in response.content.decode()
