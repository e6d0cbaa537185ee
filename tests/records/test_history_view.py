"""Managers read any record's change history: who, when, why, and each value before and after."""

import datetime
import re

import pytest
import time_machine
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, ForeignKey
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import Role
from aligns.audit.history import BLANK, SECRET_FIELD
from aligns.audit.models import AccessLogEntry
from aligns.audit.services import attribute_change
from aligns.catalogues.models import Need
from clients.models import Client
from clients.services import (
    assessment_save_answers,
    assessment_start,
    client_update,
    goal_add,
    goal_review,
)
from records.kinds import KINDS, NAMERS
from referrals.services import referral_accept
from tests.clients.conftest import answers
from tests.factories import ReferralFactory, WardFactory
from tests.world import one_of_everything
from visits.services import community_service_save
from volunteers.models import Volunteer
from volunteers.services import volunteer_create, volunteer_update

LONDON = timezone.get_default_timezone()
AT_HALF_TEN = datetime.datetime(2026, 11, 2, 10, 30, tzinfo=LONDON)

# Models with a change history that the history page deliberately does not show, with why.
LEFT_OUT = {
    "accounts.AccountRequest": "a request for an account, not yet a record of the scheme's work",
}


def history_url(kind, pk):
    return reverse("records:history", args=[kind, pk])


def newest(response):
    """The newest entry's changes as {label: (old, new)}; old is None for a created value."""
    entry = response.context["history"].entries[0]
    shown = {change.label: (change.old, change.new) for change in entry.changes}
    assert len(shown) == len(entry.changes), "a change shown twice"
    return shown


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def _episode(scheme, coordinator):
    referral = ReferralFactory(
        ward__hospital__scheme=scheme, given_name="Amos", family_name="Quillfeather"
    )
    return referral_accept(referral=referral, by=coordinator)[1]


@pytest.fixture
def episode(scheme, coordinator):
    return _episode(scheme, coordinator)


@pytest.fixture
def a_volunteer(scheme, coordinator):
    return volunteer_create(
        scheme=scheme, by=coordinator, given_name="Ivy", family_name="Ashdown",
        postcode="RV1 1AA", skills=Need.objects.filter(code="shopping"),
    )  # fmt: skip


@pytest.fixture
def signed_in_manager(client, manager):
    client.force_login(manager)
    return client


# --- What a reader sees ---------------------------------------------------------------------


def test_a_change_reads_as_what_was_done_by_whom_when_and_why(
    signed_in_manager, scheme, coordinator
):
    with time_machine.travel(AT_HALF_TEN - datetime.timedelta(days=1), tick=False):
        episode = _episode(scheme, coordinator)
    with time_machine.travel(AT_HALF_TEN, tick=False):
        client_update(client=episode.client, by=coordinator, gender="2",
                      date_of_birth=datetime.date(1940, 3, 4))  # fmt: skip

    response = signed_in_manager.get(history_url("client", episode.client.pk))

    assert response.status_code == 200
    page = text(response)
    assert (
        f"<strong>Changed: Client details changed</strong> by {coordinator.full_name}, "
        "2 November 2026 at 10:30am"
    ) in page
    assert "<li>Gender: Female</li>" in page  # a choice, as its label
    assert "<li>Date of birth: 17 May 1940 → 4 March 1940</li>" in page  # a date, written out
    assert newest(response) == {
        "Gender": (BLANK, "Female"),
        "Date of birth": ("17 May 1940", "4 March 1940"),
    }


def test_a_link_to_another_record_shows_its_name_not_its_id(
    signed_in_manager, scheme, coordinator, manager, episode
):
    referral = episode.referral
    old_ward, new_ward = referral.ward, WardFactory(hospital=referral.hospital, name="Larch")
    referral.ward = new_ward
    attribute_change(referral, by=coordinator, reason="Moved to another ward")
    referral.save()
    goal = goal_add(client=episode.client, category="confidence", description="Walk out",
                    by=coordinator)  # fmt: skip
    goal_review(goal=goal, outcome="met", by=manager)

    moved = signed_in_manager.get(history_url("referral", referral.pk))
    reviewed = signed_in_manager.get(history_url("goal", goal.pk))

    assert newest(moved) == {"Ward": (str(old_ward), f"Larch, {referral.hospital.name}")}
    assert newest(reviewed)["Reviewed by"] == (BLANK, manager.full_name)
    assert newest(reviewed)["Outcome"] == (BLANK, "Met")
    assert f"<strong>Changed: Goal reviewed</strong> by {manager.full_name}" in text(reviewed)


def test_the_first_entry_lists_what_the_record_was_created_with(signed_in_manager, episode):
    response = signed_in_manager.get(history_url("goal", _goal(episode).pk))

    created = response.context["history"].entries[-1]
    assert created.kind == "Created"
    shown = {change.label: (change.old, change.new) for change in created.changes}
    assert shown["Category"] == (None, "Confidence")
    assert shown["Client"] == (None, "Amos Quillfeather")
    assert "<li>Category: Confidence</li>" in text(response)


def test_a_change_nobody_signed_in_made_is_the_systems(signed_in_manager, episode):
    client_record = Client.objects.get(pk=episode.client.pk)
    client_record.phone = "07700 900123"
    client_record.save()  # no request, no by=: as a data fix from a shell would

    response = signed_in_manager.get(history_url("client", client_record.pk))

    assert response.context["history"].entries[0].who is None
    assert "<strong>Changed</strong> by the system," in text(response)


def test_many_to_many_changes_read_as_the_names_before_and_after(
    signed_in_manager, coordinator, a_volunteer
):
    shopping, befriending = Need.objects.get(code="shopping"), Need.objects.get(code="befriending")
    volunteer_update(volunteer=a_volunteer, by=coordinator, skills=[shopping, befriending])

    response = signed_in_manager.get(history_url("volunteer", a_volunteer.pk))

    after = ", ".join(sorted([shopping.label, befriending.label]))
    assert newest(response) == {"Skills": (shopping.label, after)}


def test_assessment_answers_read_question_by_question(signed_in_manager, coordinator, episode):
    assessment = assessment_start(client=episode.client, by=coordinator)
    assessment_save_answers(assessment=assessment, answers=answers(), by=coordinator)
    assessment_save_answers(assessment=assessment, answers=answers(falls="several"),
                            by=coordinator)  # fmt: skip

    response = signed_in_manager.get(history_url("assessment", assessment.pk))

    assert newest(response) == {"Falls in the last year": ("None", "Two or more falls")}
    assert '"answer"' not in response.content.decode()  # not the stored JSON


def test_answers_stored_in_an_unexpected_shape_still_read_as_changes():
    expand = KINDS["assessment"].expanders["answers"]

    changes = expand("Answers", ["not", "a", "dict"], {"falls": "one", "x_unknown": {"answer": 2}})

    # A malformed answer is no answer; a question no longer asked is shown by its code.
    assert [(c.label, c.old, c.new) for c in changes] == [("x_unknown", BLANK, "2")]


def test_a_weekly_grid_reads_as_days_and_times(signed_in_manager, coordinator, episode):
    client_update(client=episode.client, by=coordinator, preferred_times=0b11)

    response = signed_in_manager.get(history_url("client", episode.client.pk))

    assert newest(response) == {"Preferred times": ("none", "Monday morning, Monday afternoon")}


def test_a_deleted_record_keeps_its_history_and_stays_listed(
    signed_in_manager, coordinator, episode
):
    goal = _goal(episode)
    goal_pk = goal.pk
    attribute_change(goal, by=coordinator, reason="Set by mistake")
    goal.delete()

    response = signed_in_manager.get(history_url("goal", goal_pk))
    listed = signed_in_manager.get(history_url("client", episode.client.pk))

    assert response.status_code == 200
    assert response.context["history"].deleted
    assert f"<strong>Deleted: Set by mistake</strong> by {coordinator.full_name}" in text(response)
    assert "(deleted: its history is kept)" in text(response)
    assert f'<a href="{history_url("goal", goal_pk)}">Walk to the shop</a> (deleted)' in text(
        listed
    )


def test_related_records_link_both_ways(signed_in_manager, episode):
    goal = _goal(episode)

    client_page = text(signed_in_manager.get(history_url("client", episode.client.pk)))
    goal_page = text(signed_in_manager.get(history_url("goal", goal.pk)))
    episode_page = text(signed_in_manager.get(history_url("episode", episode.pk)))

    assert f'href="{history_url("goal", goal.pk)}"' in client_page
    assert f'href="{history_url("episode", episode.pk)}"' in client_page
    assert f'href="{history_url("client", episode.client.pk)}"' in goal_page
    # The referral's history, which managers reach from the episode's.
    assert f'href="{history_url("referral", episode.referral.pk)}"' in episode_page


# --- What is never shown --------------------------------------------------------------------


def test_secret_and_meaningless_fields_are_never_shown(signed_in_manager, coordinator, a_volunteer):
    coordinator.set_password("a-new-password-for-the-history-test")
    coordinator.job_title = "Senior coordinator"
    coordinator.save()
    volunteer_update(volunteer=a_volunteer, by=coordinator, postcode="RV2 2BB")

    person = signed_in_manager.get(history_url("user", coordinator.pk))
    volunteer = signed_in_manager.get(history_url("volunteer", a_volunteer.pk))

    page = person.content.decode()
    assert newest(person) == {"Job title": (BLANK, "Senior coordinator")}
    assert coordinator.password not in page
    assert coordinator.password.split("$")[-1] not in page
    assert not re.search(r"password|last login", page.split("<main")[1], re.IGNORECASE)
    assert newest(volunteer) == {"Home postcode": ("RV1 1AA", "RV2 2BB")}
    assert "atitude" not in volunteer.content.decode()


@pytest.mark.parametrize(
    "name", ["password", "otp_secret", "api_token", "key", "secret_key", "password_hash"]
)
def test_fields_named_like_secrets_are_hidden_whatever_the_model(name):
    assert SECRET_FIELD.search(name)


@pytest.mark.parametrize("name", ["monkey", "keyboard_notes", "postcode", "description"])
def test_ordinary_fields_are_not_taken_for_secrets(name):
    assert not SECRET_FIELD.search(name)


# --- Who may read it ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.WARD_STAFF, Role.VOLUNTEER])
def test_only_managers_may_read_change_histories(client, make_user, episode, role):
    client.force_login(make_user(role))

    response = client.get(history_url("client", episode.client.pk))

    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_another_schemes_manager_is_told_there_is_no_such_record(
    client, make_user, other_scheme, episode, coordinator
):
    goal = _goal(episode)
    client.force_login(make_user(Role.MANAGER, scheme=other_scheme))

    for kind, pk in [("client", episode.client.pk), ("goal", goal.pk),
                     ("referral", episode.referral.pk), ("user", coordinator.pk)]:  # fmt: skip
        response = client.get(history_url(kind, pk))
        assert response.status_code == 404, kind
        assert "Quillfeather" not in response.content.decode()
    goal_pk = goal.pk
    goal.delete()  # nor once it is deleted
    assert client.get(history_url("goal", goal_pk)).status_code == 404
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("kind", "pk"),
    [("nonsense", 1), ("Client", 1), ("client", 999_999), ("client", 0), ("client", 2**70)],
)
def test_an_unknown_kind_or_record_is_not_found(signed_in_manager, episode, kind, pk):
    assert signed_in_manager.get(history_url(kind, pk)).status_code == 404


def test_a_platform_administrator_is_no_schemes_team_member(signed_in_manager, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="admin@example.org", full_name="Platform Admin"
    )

    assert signed_in_manager.get(history_url("user", admin.pk)).status_code == 404


# --- The access log -------------------------------------------------------------------------


def test_reading_the_history_of_a_clients_record_is_logged_as_reading_the_client(
    signed_in_manager, manager, episode
):
    goal = _goal(episode)

    signed_in_manager.get(history_url("goal", goal.pk))

    entry = AccessLogEntry.objects.get()
    assert entry.user == manager
    assert entry.subject_type == ContentType.objects.get_for_model(Client)
    assert entry.subject_id == str(episode.client.pk)
    assert entry.page == "records:history"
    assert entry.path == history_url("goal", goal.pk)


def test_reading_a_volunteers_history_is_logged_and_a_services_is_not(
    signed_in_manager, scheme, coordinator, a_volunteer
):
    service = community_service_save(
        scheme=scheme, by=coordinator, name="Ring and Ride", category="transport"
    )

    signed_in_manager.get(history_url("volunteer", a_volunteer.pk))
    signed_in_manager.get(history_url("community-service", service.pk))

    entry = AccessLogEntry.objects.get()
    assert entry.subject_type == ContentType.objects.get_for_model(Volunteer)
    assert entry.subject_id == str(a_volunteer.pk)


# --- Links from the records' own pages ------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "kind"),
    [("records:client", "client"), ("visits:episode", "episode"),
     ("records:volunteer", "volunteer"), ("accounts:team_member_detail", "user")],
)  # fmt: skip
def test_managers_find_the_change_history_on_a_records_page(
    client, manager, coordinator, episode, a_volunteer, page, kind
):
    pk = {"client": episode.client.pk, "episode": episode.pk, "volunteer": a_volunteer.pk,
          "user": coordinator.pk}[kind]  # fmt: skip
    link = f'<a href="{history_url(kind, pk)}">Change history</a>'

    client.force_login(manager)
    assert link in client.get(reverse(page, args=[pk])).content.decode()
    client.force_login(coordinator)
    assert "Change history" not in client.get(reverse(page, args=[pk])).content.decode()


# --- However long the history ---------------------------------------------------------------


@pytest.mark.parametrize("changes", [1, 40])
def test_the_page_takes_a_fixed_number_of_queries_however_long_the_history(
    signed_in_manager, coordinator, a_volunteer, episode, django_assert_max_num_queries, changes
):
    shopping, befriending = Need.objects.get(code="shopping"), Need.objects.get(code="befriending")
    for n in range(changes):
        client_update(client=episode.client, by=coordinator, phone=f"07700 900{n:03}",
                      gender="12"[n % 2])  # fmt: skip
        _goal(episode, description=f"Goal {n}")
        volunteer_update(volunteer=a_volunteer, by=coordinator, phone=f"07700 901{n:03}",
                         skills=[shopping] if n % 2 else [shopping, befriending])  # fmt: skip

    # Sign-in and session (4), the rows (1), names of linked records (1 a model), related
    # records (1 a kind: 5 for a client), the access log (2).
    for kind, pk in [("client", episode.client.pk), ("volunteer", a_volunteer.pk)]:
        with django_assert_max_num_queries(16):
            response = signed_in_manager.get(history_url(kind, pk))
        assert len(response.context["history"].entries) > changes


# --- The registry ---------------------------------------------------------------------------


def _models_with_history():
    return {
        model._meta.label: model
        for model in apps.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
    }


def test_every_model_with_a_history_can_be_read_or_is_left_out_on_purpose():
    viewable = {kind.model for kind in KINDS.values()}

    missing = sorted(set(_models_with_history()) - viewable - set(LEFT_OUT))

    assert not missing, f"add these to records/kinds.py (or LEFT_OUT, with why): {missing}"


def test_every_link_a_readable_record_holds_is_shown_by_name():
    """A link to a model NAMERS cannot name is left out of the history (an id means nothing)."""
    unnamed = set()
    for kind in KINDS.values():
        history_model = kind.model_class.history.model
        links = [f for f in history_model.tracked_fields if isinstance(f, ForeignKey)]
        links += history_model._history_m2m_fields
        unnamed |= {
            f"{kind.slug}.{f.name}" for f in links if f.related_model._meta.label not in NAMERS
        }

    assert not unnamed, f"give these a name in records/kinds.py NAMERS: {sorted(unnamed)}"


@pytest.fixture
def worlds(db):
    """Two schemes with one record of every kind."""
    return one_of_everything(nhs_base=94_000), one_of_everything(nhs_base=95_000)


def test_every_kind_of_record_opens_for_its_schemes_manager_only(client, worlds):
    ours, theirs = worlds
    for slug, kind in KINDS.items():
        in_scheme = kind.model_class.history.annotate(owner=F(kind.scheme)).filter(
            owner=ours.scheme.pk
        )
        latest = in_scheme.order_by("-history_id").first()
        assert latest is not None, f"the test world has no {slug}"

        client.force_login(ours.users[Role.MANAGER])
        response = client.get(history_url(slug, latest.id))
        assert response.status_code == 200, slug
        assert response.context["history"].title == kind.describe(latest)
        client.force_login(theirs.users[Role.MANAGER])
        assert client.get(history_url(slug, latest.id)).status_code == 404, slug


def _goal(episode, description="Walk to the shop"):
    coordinator = episode.opened_by
    return goal_add(
        client=episode.client, category="confidence", description=description, by=coordinator
    )
