"""Two-factor sign-in with ALIGNS_REQUIRE_TWO_FACTOR on (the production default).

The rest of the suite runs with it off (pyproject.toml) and signs in with force_login.
Codes are made here from the device's key, as an authenticator app would.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessFailureLog
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aligns.accounts import two_factor
from aligns.accounts.models import ROLE_START_PAGES, Role
from aligns.accounts.tokens import invite_link_parts
from tests.factories import TEST_PASSWORD
from tests.i18n import unmarked_words, wrap_translations

START = timezone.datetime(2026, 11, 23, 9, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.ALIGNS_REQUIRE_TWO_FACTOR = True


def app_code(device, at=None):
    """The 6-digit code an authenticator app shows for `device` now (or at `at`)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():06d}"


def password_step(client, user, **extra):
    return client.post(
        reverse("login"), {"username": user.email, "password": TEST_PASSWORD}, **extra
    )


def enrol(user):
    """Give `user` a confirmed authenticator app and backup codes; return (device, codes)."""
    device = two_factor.unconfirmed_authenticator(user)
    codes = two_factor.confirm_authenticator(device)
    return device, codes


def start_page(user):
    return reverse(ROLE_START_PAGES[user.role])


def signed_in(client):
    return "_auth_user_id" in client.session


# --- Coordinators and managers must set up an app ----------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER])
def test_staff_without_an_app_are_sent_to_set_one_up_and_reach_nothing_else(
    client, make_user, role
):
    user = make_user(role)

    response = password_step(client, user)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")
    assert not signed_in(client)
    for url in (start_page(user), reverse("home"), reverse("accounts:account"), "/admin/"):
        refused = client.get(url)
        assert refused.status_code == 302, url
        assert (
            refused["Location"].startswith(reverse("login"))
            or "/admin/login/" in (refused["Location"])
        ), url
    # Still pending: the set-up page is there, with the QR code and the key to type.
    page = client.get(reverse("accounts:two_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'role="img"' in html and "QR code" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert two_factor.secret_key(device) in html


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER])
def test_staff_set_up_an_app_with_one_code_and_see_ten_backup_codes_once(client, make_user, role):
    user = make_user(role)
    password_step(client, user)
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    response = client.post(reverse("accounts:two_factor_setup"), {"code": app_code(device)})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:backup_codes")
    assert signed_in(client)
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    shown = client.get(reverse("accounts:backup_codes")).content.decode()
    codes = re.findall(r"<code>(\d{5} \d{5})</code>", shown)
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert {code.replace(" ", "") for code in codes} == stored
    # Shown once: the page never shows them again.
    again = client.get(reverse("accounts:backup_codes")).content.decode()
    assert not re.findall(r"\d{5} \d{5}", again)
    assert "You have 10 unused backup codes" in again
    # And now the start page opens.
    assert client.get(start_page(user)).status_code == 200


def test_a_reload_keeps_the_key_but_another_sign_in_gets_a_new_one(client, coordinator):
    password_step(client, coordinator)
    client.get(reverse("accounts:two_factor_setup"))
    first = TOTPDevice.objects.get(user=coordinator).key
    client.get(reverse("accounts:two_factor_setup"))
    assert TOTPDevice.objects.get(user=coordinator).key == first

    other = Client()
    password_step(other, coordinator)
    other.get(reverse("accounts:two_factor_setup"))

    # The key shown in the abandoned set-up never becomes the one confirmed.
    assert TOTPDevice.objects.get(user=coordinator).key != first


def test_a_wrong_code_at_set_up_is_refused_beside_the_field_and_in_the_summary(client, coordinator):
    password_step(client, coordinator)
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=coordinator)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("accounts:two_factor_setup"), {"code": wrong})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert 'class="nhsuk-error-summary"' in html
    assert 'href="#id_code"' in html
    assert 'id="id_code-error"' in html
    assert html.count("This code is not right") == 2  # summary and beside the field
    assert not signed_in(client)
    device.refresh_from_db()
    assert not device.confirmed


def test_a_session_from_before_the_requirement_signs_in_again_then_sets_up_an_app(
    client, coordinator
):
    client.force_login(coordinator)  # signed in with a password only

    response = client.get(start_page(coordinator))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert not signed_in(client)
    assert client.get(reverse("accounts:two_factor_setup"))["Location"].startswith(
        reverse("login")
    ), "setting up an app needs the password first"
    assert password_step(client, coordinator)["Location"] == reverse("accounts:two_factor_setup")


def test_a_session_whose_devices_were_deleted_cannot_set_up_a_new_app_without_the_password(
    client, coordinator
):
    device, _codes = enrol(coordinator)
    password_step(client, coordinator)
    client.post(reverse("accounts:sign_in_code"), {"code": app_code(device)})
    assert signed_in(client)
    two_factor.remove_two_factor(coordinator)  # a lost phone: the administrator deletes them

    response = client.get(start_page(coordinator))
    setup = client.get(reverse("accounts:two_factor_setup"))

    assert response["Location"].startswith(reverse("login"))
    assert not signed_in(client)
    assert setup.status_code == 302 and setup["Location"].startswith(reverse("login"))


# --- Everyone else may choose to ---------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.WARD_STAFF])
def test_volunteers_and_ward_staff_sign_in_without_a_code_but_may_set_up_an_app(
    client, make_user, role
):
    user = make_user(role)

    response = password_step(client, user)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(start_page(user)).status_code == 200
    account = client.get(reverse("accounts:account")).content.decode()
    assert "Set up two-factor sign-in" in account

    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    done = client.post(
        reverse("accounts:two_factor_setup"), {"password": TEST_PASSWORD, "code": app_code(device)}
    )
    assert done["Location"] == reverse("accounts:backup_codes")
    assert "Save your backup codes" in client.get(done["Location"]).content.decode()

    client.post(reverse("logout"))
    again = password_step(client, user)
    assert again["Location"] == reverse("accounts:sign_in_code")
    assert not signed_in(client)


def test_a_volunteer_may_turn_two_factor_off_but_a_coordinator_may_not(
    client, volunteer, coordinator
):
    enrol(volunteer)
    client.force_login(volunteer)
    response = client.post(reverse("accounts:two_factor_turn_off"), {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=volunteer).exists()
    assert not StaticDevice.objects.filter(user=volunteer).exists()

    client.post(reverse("logout"))
    device, _codes = enrol(coordinator)
    password_step(client, coordinator)
    client.post(reverse("accounts:sign_in_code"), {"code": app_code(device)})
    assert client.session["_auth_user_id"] == str(coordinator.pk)
    refused = client.post(reverse("accounts:two_factor_turn_off"), {"password": TEST_PASSWORD})
    assert refused.status_code == 403
    assert TOTPDevice.objects.filter(user=coordinator).exists()


@pytest.mark.parametrize("page", ["two_factor_turn_off", "backup_codes", "two_factor_setup"])
def test_changing_how_one_signs_in_needs_the_password_again(client, volunteer, page):
    device, codes = enrol(volunteer)
    client.force_login(volunteer)  # a session left open: the password is not known
    url = reverse(f"accounts:{page}")
    client.get(url)
    new_app = TOTPDevice.objects.filter(user=volunteer, confirmed=False).first()
    data = {"code": app_code(new_app)} if new_app else {}

    blank = client.post(url, data)
    wrong = client.post(url, {**data, "password": "not-the-password"})

    assert "Enter your password" in blank.content.decode()
    assert "Your password is not right" in wrong.content.decode()
    assert TOTPDevice.objects.get(user=volunteer, confirmed=True) == device
    stored = set(StaticToken.objects.filter(device__user=volunteer).values_list("token", flat=True))
    assert stored == set(codes)
    assert AccessFailureLog.objects.filter(username=volunteer.email).count() == 1


# --- The code step -------------------------------------------------------------------------


def test_an_enrolled_person_is_asked_for_a_code_and_a_wrong_one_is_refused(client, coordinator):
    device, _codes = enrol(coordinator)
    with time_machine.travel(START, tick=False):
        step_one = password_step(client, coordinator)
        assert step_one["Location"] == reverse("accounts:sign_in_code")
        page = client.get(step_one["Location"]).content.decode()
        assert 'autocomplete="one-time-code"' in page
        assert 'inputmode="numeric"' in page
        assert "maxlength" not in page
        wrong = f"{(int(app_code(device)) + 500_000) % 1_000_000:06d}"

        response = client.post(reverse("accounts:sign_in_code"), {"code": wrong})

        html = response.content.decode()
        assert response.status_code == 200
        assert "<title>Error: " in html
        assert html.count("This code is not right") == 2  # summary and beside the field
        assert not signed_in(client)
        assert client.get(start_page(coordinator)).status_code == 302


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "Enter the 6-digit code from your authenticator app, or a 10-digit backup"),
        ("abcdef", "Enter the 6-digit code from your authenticator app, or a 10-digit backup"),
    ],
)
def test_a_code_in_the_wrong_shape_gets_a_clear_message(client, coordinator, typed, message):
    enrol(coordinator)
    password_step(client, coordinator)

    response = client.post(reverse("accounts:sign_in_code"), {"code": typed})

    html = response.content.decode()
    assert html.count(message) == 2
    assert not signed_in(client)


def test_the_right_code_from_the_app_signs_in_where_the_person_was_going(client, coordinator):
    device, _codes = enrol(coordinator)
    with time_machine.travel(START, tick=False) as clock:
        going_to = reverse("clients:list")
        client.post(
            reverse("login") + f"?next={going_to}",
            {"username": coordinator.email, "password": TEST_PASSWORD, "next": going_to},
        )
        wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"
        client.post(reverse("accounts:sign_in_code"), {"code": wrong})
        clock.shift(timedelta(seconds=2))  # django-otp's pause after a wrong code
        # Pasted with a space, as some apps copy it.
        code = app_code(device)
        response = client.post(reverse("accounts:sign_in_code"), {"code": f"{code[:3]} {code[3:]}"})

        assert response.status_code == 302
        assert response["Location"] == going_to
        assert signed_in(client)
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        assert client.get(going_to).status_code == 200


def test_a_code_cannot_be_used_twice(client, coordinator):
    device, _codes = enrol(coordinator)
    with time_machine.travel(START, tick=False):
        code = app_code(device)
        password_step(client, coordinator)
        client.post(reverse("accounts:sign_in_code"), {"code": code})
        assert signed_in(client)
        client.post(reverse("logout"))

        password_step(client, coordinator)
        response = client.post(reverse("accounts:sign_in_code"), {"code": code})

        assert response.status_code == 200
        assert not signed_in(client)


def test_a_backup_code_works_once_only(client, manager):
    _device, codes = enrol(manager)
    backup = codes[3]

    password_step(client, manager)
    response = client.post(
        reverse("accounts:sign_in_code"), {"code": two_factor.format_backup_code(backup)}
    )
    assert response.status_code == 302
    assert signed_in(client)
    landed = client.get(response["Location"], follow=True).content.decode()
    assert "You used a backup code. You have 9 left" in landed
    assert two_factor.backup_codes_left(manager) == 9

    client.post(reverse("logout"))
    password_step(client, manager)
    again = client.post(reverse("accounts:sign_in_code"), {"code": backup})

    assert again.status_code == 200
    assert "This backup code is not right, or it has been used already" in again.content.decode()
    assert not signed_in(client)


def test_someone_signed_in_with_a_backup_code_makes_new_ones_and_stays_signed_in(client, manager):
    _device, codes = enrol(manager)
    password_step(client, manager)
    client.post(reverse("accounts:sign_in_code"), {"code": codes[0]})

    client.post(reverse("accounts:backup_codes"), {"password": TEST_PASSWORD})
    shown = client.get(reverse("accounts:backup_codes"))

    assert shown.status_code == 200
    new_codes = re.findall(r"<code>(\d{5} \d{5})</code>", shown.content.decode())
    assert len(new_codes) == 10
    assert signed_in(client)
    assert client.get(start_page(manager)).status_code == 200


def test_new_backup_codes_replace_the_old_ones(client, volunteer):
    _device, old_codes = enrol(volunteer)
    client.force_login(volunteer)

    client.post(reverse("accounts:backup_codes"), {"password": TEST_PASSWORD})
    shown = client.get(reverse("accounts:backup_codes")).content.decode()

    new_codes = {c.replace(" ", "") for c in re.findall(r"<code>(\d{5} \d{5})</code>", shown)}
    assert len(new_codes) == 10
    assert not new_codes & set(old_codes)
    stored = set(StaticToken.objects.filter(device__user=volunteer).values_list("token", flat=True))
    assert stored == new_codes


def test_the_code_step_needs_the_password_step_first(client, coordinator):
    enrol(coordinator)

    response = client.get(reverse("accounts:sign_in_code"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unfinished_sign_in_expires(client, coordinator):
    device, _codes = enrol(coordinator)
    with time_machine.travel(START, tick=False) as clock:
        password_step(client, coordinator)
        clock.shift(timedelta(minutes=two_factor.PENDING_MINUTES + 1))

        response = client.post(reverse("accounts:sign_in_code"), {"code": app_code(device)})

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert not signed_in(client)


# --- The admin site ----------------------------------------------------------------------


@pytest.fixture
def platform_admin(make_user):
    return make_user(Role.COORDINATOR, scheme=None, is_staff=True, is_superuser=True)


def test_the_admin_needs_a_session_verified_by_a_code(client, platform_admin):
    device, _codes = enrol(platform_admin)
    client.force_login(platform_admin)  # a password alone

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign_in_code")
    assert not signed_in(client)
    done = client.post(reverse("accounts:sign_in_code"), {"code": app_code(device)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_sign_in_is_the_services_own(client, platform_admin):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/admin/"


def test_the_admin_is_open_to_staff_without_a_code_when_not_required(
    client, settings, platform_admin
):
    settings.ALIGNS_REQUIRE_TWO_FACTOR = False
    client.force_login(platform_admin)

    assert client.get("/admin/").status_code == 200


def test_after_too_many_wrong_passwords_even_the_right_one_changes_nothing(
    client, volunteer, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    enrol(volunteer)
    client.force_login(volunteer)
    url = reverse("accounts:two_factor_turn_off")
    for _ in range(3):
        client.post(url, {"password": "not-the-password"})

    right = client.post(url, {"password": TEST_PASSWORD})

    assert "Too many wrong passwords" in right.content.decode()
    assert TOTPDevice.objects.filter(user=volunteer).exists()


# --- Every word marked for translation (tests/i18n.py) --------------------------------------


def _words_left(response, user, *also):
    """English words outside the pseudo-locale's markers, the person's own details apart."""
    assert response.status_code == 200
    data = [user.full_name, user.email, user.scheme.name if user.scheme else "", *also]
    return unmarked_words(response.content.decode(), data)


def _setup_key(user):
    return two_factor.secret_key(TOTPDevice.objects.get(user=user, confirmed=False))


def test_every_word_of_setting_up_an_app_while_signing_in_is_marked(
    client, coordinator, monkeypatch
):
    password_step(client, coordinator)
    wrap_translations(monkeypatch)

    shown = client.get(reverse("accounts:two_factor_setup"))
    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})

    key = _setup_key(coordinator)
    assert "nhsuk-error-summary" in wrong.content.decode()
    assert _words_left(shown, coordinator, key) == []
    assert _words_left(wrong, coordinator, key) == []


def test_every_word_of_setting_up_an_app_from_the_account_page_is_marked(
    client, volunteer, monkeypatch
):
    client.force_login(volunteer)
    wrap_translations(monkeypatch)

    shown = client.get(reverse("accounts:two_factor_setup"))
    key = _setup_key(volunteer)
    wrong = client.post(
        reverse("accounts:two_factor_setup"), {"password": "not-the-password", "code": "12"}
    )
    enrol(volunteer)
    replacing = client.get(reverse("accounts:two_factor_setup"))

    assert "nhsuk-error-summary" in wrong.content.decode()
    assert _words_left(shown, volunteer, key) == []
    assert _words_left(wrong, volunteer, key) == []
    assert _words_left(replacing, volunteer, _setup_key(volunteer)) == []


def test_every_word_of_the_backup_codes_and_turning_off_is_marked(client, volunteer, monkeypatch):
    enrol(volunteer)
    client.force_login(volunteer)
    wrap_translations(monkeypatch)

    pages = {
        "codes left": client.get(reverse("accounts:backup_codes")),
        "codes, wrong password": client.post(
            reverse("accounts:backup_codes"), {"password": "not-the-password"}
        ),
        "turn off": client.get(reverse("accounts:two_factor_turn_off")),
        "turn off, wrong password": client.post(
            reverse("accounts:two_factor_turn_off"), {"password": "not-the-password"}
        ),
    }
    client.post(reverse("accounts:backup_codes"), {"password": TEST_PASSWORD})
    pages["new codes"] = client.get(reverse("accounts:backup_codes"))

    assert "backup-codes" in pages["new codes"].content.decode()
    assert {name: _words_left(page, volunteer) for name, page in pages.items()} == {
        name: [] for name in pages
    }


def test_every_word_of_choosing_a_password_from_an_invitation_is_marked(
    client, make_user, monkeypatch
):
    invited = make_user(Role.VOLUNTEER)
    invited.set_unusable_password()
    invited.save()
    wrap_translations(monkeypatch)

    opened = client.get(reverse("accounts:invite_accept", args=invite_link_parts(invited)))
    page = opened["Location"]
    shown = client.get(page)
    mismatched = client.post(page, {"new_password1": "a-Long-pass-1", "new_password2": "other"})

    assert "nhsuk-error-summary" in mismatched.content.decode()
    assert _words_left(shown, invited) == []
    assert _words_left(mismatched, invited) == []
