"""Managers read the access and sharing logs, filter them, and export them as CSV."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import Role
from aligns.audit.models import LawfulBasis
from aligns.audit.sharing import sharing_record
from clients.services import consent_to_share
from referrals.services import referral_accept
from tests.factories import ReferralFactory

LONDON = timezone.get_default_timezone()


@pytest.fixture
def two_people(scheme, coordinator):
    def person(nhs_suffix_name):
        referral = ReferralFactory(
            ward__hospital__scheme=scheme, given_name=nhs_suffix_name,
            consent_to_share_with_nhs=True,
        )  # fmt: skip
        return referral_accept(referral=referral, by=coordinator)[1]

    return person("Amos"), person("Beatrix")


def view_client(client, user, episode, when):
    with time_machine.travel(when, tick=False):
        client.force_login(user)
        client.get(reverse("records:client", args=[episode.client.pk]))


def rows(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_manager_filters_the_access_log_by_person_user_and_date(
    client, two_people, coordinator, manager, make_user
):
    amos, beatrix = two_people
    other = make_user(Role.COORDINATOR)
    view_client(client, coordinator, amos, datetime.datetime(2026, 11, 2, 10, tzinfo=LONDON))
    view_client(client, other, amos, datetime.datetime(2026, 11, 5, 10, tzinfo=LONDON))
    view_client(client, coordinator, beatrix, datetime.datetime(2026, 11, 9, 10, tzinfo=LONDON))
    client.force_login(manager)
    url = reverse("records:access_log")

    by_person = client.get(url, {"nhs_number": amos.client.nhs_number})
    assert len(by_person.context["page"]) == 2
    by_user = client.get(url, {"user": other.pk})
    assert [e.user for e in by_user.context["page"]] == [other]
    november = {"since_month": "11", "since_year": "2026", "until_month": "11",
                "until_year": "2026"}  # fmt: skip
    by_date = client.get(url, {**november, "since_day": "4", "until_day": "6"})
    assert [e.user for e in by_date.context["page"]] == [other]

    exported = rows(client.get(url, {"nhs_number": amos.client.nhs_number, "format": "csv"}))
    assert exported[0][:3] == ["Viewed at", "By", "Email"]
    assert len(exported) == 3
    assert {row[1] for row in exported[1:]} == {coordinator.full_name, other.full_name}


def test_bad_filters_are_explained_and_kept(client, manager):
    client.force_login(manager)
    response = client.get(reverse("records:access_log"), {"nhs_number": "abc", "user": "999999"})
    errors = response.context["form"].errors
    assert errors["nhs_number"] == ["Enter an NHS number as 10 digits, like 999 123 4560"]
    assert errors["user"] == ["Choose someone from the list"]
    assert 'value="abc"' in response.content.decode()


def test_manager_sees_only_their_schemes_sharing_and_can_show_only_overrides(
    client, two_people, coordinator, manager, make_user, other_scheme
):
    amos, _ = two_people
    for reason in ("", "Safeguarding: urgent"):
        sharing_record(
            by=coordinator, subject=amos, client=amos.client, what="Outcome summary",
            consent=consent_to_share(client=amos.client),
            fields_shared="Summary", recipient_organisation="=GP surgery", purpose="Update",
            lawful_basis=LawfulBasis.VITAL_INTERESTS if reason else LawfulBasis.PUBLIC_TASK_HEALTH,
            override_reason=reason,
        )  # fmt: skip
        if not reason:  # the second share comes after consent is withdrawn
            from clients.models import ConsentKind
            from clients.services import consent_record

            consent_record(client=amos.client, kind=ConsentKind.SHARE, given=False,
                           decided_on=datetime.date.today(), obtained_by="Client",
                           by=coordinator)  # fmt: skip
    client.force_login(manager)
    url = reverse("records:sharing_log")
    response = client.get(url)
    assert len(response.context["page"]) == 2
    assert response.context["overrides"] == 1
    assert b"Override" in response.content
    assert len(client.get(url, {"only": "overrides"}).context["page"]) == 1
    exported = rows(client.get(url, {"format": "csv"}))
    assert {row[5] for row in exported[1:]} == {"'=GP surgery"}  # neutralised

    client.force_login(make_user(Role.MANAGER, scheme=other_scheme))
    assert len(client.get(url).context["page"]) == 0


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.VOLUNTEER, Role.WARD_STAFF])
def test_only_managers_read_the_logs(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("records:access_log")).status_code == 403
    assert client.get(reverse("records:sharing_log")).status_code == 403


def test_the_log_pages_issue_a_bounded_number_of_queries(
    client, two_people, coordinator, manager, django_assert_max_num_queries
):
    amos, beatrix = two_people
    for episode in (amos, beatrix) * 10:
        view_client(client, coordinator, episode, timezone.now())
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        client.get(reverse("records:access_log"))
    with django_assert_max_num_queries(12):
        client.get(reverse("records:sharing_log"))


def test_the_access_log_names_the_person_and_the_page_not_a_number_and_an_address(
    client, two_people, coordinator, manager
):
    amos, _ = two_people
    view_client(client, coordinator, amos, timezone.now())
    client.force_login(manager)

    page = client.get(reverse("records:access_log")).content.decode()

    assert amos.client.full_name in page and "Client record" in page
    assert f"/clients/{amos.client.pk}/" not in page


def test_the_audit_page_links_a_manager_to_each_log_and_explains_change_history(client, manager):
    client.force_login(manager)

    response = client.get("/audit/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("records:access_log")}"' in page
    assert f'href="{reverse("records:sharing_log")}"' in page
    assert "Change history" in page
    # The header's "Audit" leads here, marked as the page being shown.
    assert 'aria-current="page"' in page.split('aria-label="Menu"')[1].split("</nav>")[0]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.VOLUNTEER, Role.WARD_STAFF])
def test_only_managers_open_the_audit_page_or_see_it_in_the_header(client, make_user, role):
    client.force_login(make_user(role))

    assert client.get("/audit/").status_code == 403
    assert reverse("records:audit") not in client.get(reverse("accounts:account")).content.decode()
