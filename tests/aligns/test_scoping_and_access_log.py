import pytest
from axes.models import AccessFailureLog, AccessLog
from django.urls import reverse

from aligns.accounts.models import Hospital, Role, User, Ward
from aligns.audit.models import AccessLogEntry
from tests.factories import HospitalFactory, WardFactory


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER])
def test_scheme_staff_see_only_their_own_schemes_team(client, make_user, other_scheme, role):
    viewer = make_user(role)
    colleague = make_user(Role.VOLUNTEER)
    stranger = make_user(Role.VOLUNTEER, scheme=other_scheme)
    client.force_login(viewer)

    html = client.get(reverse("accounts:team_list")).content.decode()

    assert colleague.full_name in html
    assert stranger.full_name not in html


@pytest.mark.parametrize("role", [Role.WARD_STAFF, Role.VOLUNTEER])
def test_ward_staff_and_volunteers_cannot_open_the_team(client, make_user, role):
    client.force_login(make_user(role))

    assert client.get(reverse("accounts:team_list")).status_code == 403


@pytest.mark.parametrize("role", [Role.WARD_STAFF, Role.VOLUNTEER])
def test_ward_staff_and_volunteers_cannot_open_a_team_members_record(
    client, make_user, coordinator, role
):
    client.force_login(make_user(role))

    response = client.get(reverse("accounts:team_member_detail", args=[coordinator.pk]))

    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER])
def test_another_schemes_record_is_not_found_and_not_logged(client, make_user, other_scheme, role):
    client.force_login(make_user(role))
    stranger = make_user(Role.VOLUNTEER, scheme=other_scheme)

    response = client.get(reverse("accounts:team_member_detail", args=[stranger.pk]))

    assert response.status_code == 404
    assert stranger.full_name not in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_opening_a_persons_record_writes_who_viewed_whom_and_where(client, coordinator, volunteer):
    client.force_login(coordinator)
    url = reverse("accounts:team_member_detail", args=[volunteer.pk])

    response = client.get(url)

    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert entry.user == coordinator
    assert entry.subject == volunteer
    assert entry.page == "accounts:team_member_detail"
    assert entry.path == url


def test_the_access_log_refuses_edits_and_deletes(client, coordinator, volunteer):
    client.force_login(coordinator)
    client.get(reverse("accounts:team_member_detail", args=[volunteer.pk]))
    entry = AccessLogEntry.objects.get()

    entry.page = "forged"
    with pytest.raises(Exception, match="cannot be changed"):
        entry.save()
    with pytest.raises(Exception, match="cannot be deleted"):
        entry.delete()
    with pytest.raises(Exception, match="cannot be changed"):
        AccessLogEntry.objects.update(page="forged")
    with pytest.raises(Exception, match="cannot be deleted"):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get().page == "accounts:team_member_detail"


def test_even_a_superuser_cannot_change_or_delete_access_log_rows_in_the_admin(
    client, coordinator, volunteer
):
    client.force_login(coordinator)
    client.get(reverse("accounts:team_member_detail", args=[volunteer.pk]))
    entry = AccessLogEntry.objects.get()
    admin = User.objects.create_superuser("root@example.org", "a-long-admin-password-1")
    client.force_login(admin)

    change = client.post(
        reverse("admin:audit_accesslogentry_change", args=[entry.pk]), {"page": "forged"}
    )
    delete = client.post(
        reverse("admin:audit_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    add = client.get(reverse("admin:audit_accesslogentry_add"))

    assert change.status_code == 403
    assert delete.status_code == 403
    assert add.status_code == 403
    assert AccessLogEntry.objects.get().page == "accounts:team_member_detail"


@pytest.mark.parametrize("model", [AccessLog, AccessFailureLog])
def test_even_a_superuser_cannot_delete_sign_in_records_in_the_admin(client, db, model):
    record = model.objects.create(username="someone@example.org", ip_address="192.0.2.1")
    admin = User.objects.create_superuser("root@example.org", "a-long-admin-password-1")
    client.force_login(admin)
    name = f"admin:axes_{model._meta.model_name}"

    listed = client.get(reverse(f"{name}_changelist"))
    delete = client.post(reverse(f"{name}_delete", args=[record.pk]), {"post": "yes"})
    bulk = client.post(
        reverse(f"{name}_changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )

    assert listed.status_code == 200
    assert delete.status_code == 403
    assert bulk.status_code in (200, 302)
    assert model.objects.filter(pk=record.pk).exists()


def test_scoped_querysets_never_cross_schemes(make_user, scheme, other_scheme):
    ours = WardFactory(hospital=HospitalFactory(scheme=scheme))
    theirs = WardFactory(hospital=HospitalFactory(scheme=other_scheme))
    coordinator = make_user(Role.COORDINATOR)

    assert list(Ward.objects.visible_to(coordinator)) == [ours]
    assert list(Hospital.objects.visible_to(coordinator)) == [ours.hospital]
    assert theirs not in Ward.objects.visible_to(coordinator)


def test_people_outside_scheme_staff_see_only_themselves(make_user):
    volunteer = make_user(Role.VOLUNTEER)
    make_user(Role.VOLUNTEER)

    assert list(User.objects.visible_to(volunteer)) == [volunteer]


def test_the_team_list_needs_the_same_number_of_queries_however_big_the_team(
    client, coordinator, make_user, django_assert_max_num_queries
):
    for _ in range(3):
        make_user(Role.WARD_STAFF)
    client.force_login(coordinator)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("accounts:team_list"))
    for _ in range(15):
        make_user(Role.WARD_STAFF)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("accounts:team_list"))

    assert response.status_code == 200


def test_django_model_permissions_granted_in_the_admin_never_widen_a_role(client, make_user):
    from django.contrib.auth.models import Permission

    volunteer = make_user(Role.VOLUNTEER)
    volunteer.user_permissions.add(
        Permission.objects.get(codename="add_referral"),
        Permission.objects.get(codename="view_client"),
        Permission.objects.get(codename="change_client"),
    )
    client.force_login(volunteer)

    assert client.get(reverse("referrals:create")).status_code == 403
    assert client.get(reverse("clients:list")).status_code == 403
