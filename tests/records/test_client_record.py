"""The client's record page: who may open it, what it shows, and what opening it costs."""

import datetime

import pytest
from django.urls import reverse

from aligns.accounts.models import Role
from aligns.audit.models import AccessLogEntry
from clients.assessment import RiskLevel
from clients.models import Timepoint
from clients.services import (
    assessment_save_answers,
    assessment_sign_off,
    assessment_start,
    goal_add,
    measure_record,
)
from referrals.services import referral_accept
from tests.clients.conftest import answers
from tests.factories import ReferralFactory


def detail(client_record):
    return reverse("records:client", args=[client_record.pk])


@pytest.mark.parametrize("role", [Role.WARD_STAFF, Role.VOLUNTEER])
def test_ward_staff_and_volunteers_cannot_open_client_records(
    client, make_user, client_record, role
):
    client.force_login(make_user(role))

    assert client.get(reverse("clients:list")).status_code == 403
    assert client.get(detail(client_record)).status_code == 403
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER])
def test_another_schemes_staff_find_nothing(client, make_user, client_record, other_scheme, role):
    client.force_login(make_user(role, scheme=other_scheme))

    response = client.get(detail(client_record))

    assert response.status_code == 404
    # The whole name and the NHS number: a random surname alone may be the signed-in person's.
    listed = client.get(reverse("clients:list")).content.decode()
    assert str(client_record) not in listed
    assert client_record.nhs_number_display not in listed


def test_a_manager_may_read_but_not_change_a_client(client, manager, client_record):
    client.force_login(manager)

    assert client.get(detail(client_record)).status_code == 200
    assert client.get(reverse("clients:edit", args=[client_record.pk])).status_code == 403
    assert (
        client.post(reverse("clients:assessment_new", args=[client_record.pk])).status_code == 403
    )


def test_opening_a_client_writes_the_access_log(client, coordinator, client_record):
    client.force_login(coordinator)

    client.get(detail(client_record))

    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.subject, entry.page) == (coordinator, client_record, "records:client")


def test_the_timeline_needs_the_same_number_of_queries_however_long_it_is(
    client, coordinator, scheme, django_assert_max_num_queries
):
    referral = ReferralFactory(ward__hospital__scheme=scheme)
    _, episode = referral_accept(referral=referral, by=coordinator)
    client_record = episode.client

    def add_one_of_each(number):
        assessment = assessment_start(client=client_record, by=coordinator)
        assessment_save_answers(assessment=assessment, answers=answers(), by=coordinator)
        assessment_sign_off(assessment=assessment, level=RiskLevel.LOW, reason="", by=coordinator)
        goal_add(
            client=client_record,
            category="confidence",
            description=f"Goal {number}",
            by=coordinator,
        )
        measure_record(client=client_record, instrument="ucla3", timepoint=Timepoint.BASELINE,
                       taken_on=datetime.date(2026, 11, 1), values={}, by=coordinator)  # fmt: skip

    add_one_of_each(0)
    client.force_login(coordinator)
    with django_assert_max_num_queries(60) as few:
        client.get(detail(client_record))
    for number in range(1, 7):
        add_one_of_each(number)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(detail(client_record))

    html = response.content.decode()
    assert html.count("Risk assessment signed off") == 7
    assert "Referred from" in html


def test_the_volunteer_summary_shows_safety_answers_but_never_health_answers(
    client, coordinator, client_record
):
    assessment = assessment_start(client=client_record, by=coordinator)
    marked = answers(pets="dangerous", memory="significant")
    marked["pets"]["note"] = "Dog called Bruno"
    marked["memory"]["note"] = "Diagnosed with dementia"
    assessment_save_answers(assessment=assessment, answers=marked, by=coordinator)
    assessment_sign_off(assessment=assessment, level=RiskLevel.HIGH, reason="", by=coordinator)
    client.force_login(coordinator)

    html = client.get(detail(client_record)).content.decode()
    summary = html.split("What their volunteer will see")[1].split("<h2>")[0]

    assert "Dog called Bruno" in summary
    assert "dementia" not in summary
    assert "Significant confusion" not in summary
