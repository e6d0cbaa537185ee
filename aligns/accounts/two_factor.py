"""Two-factor sign-in: an authenticator app's 6-digit codes, and one-time backup codes.

The devices are django-otp's: a ``TOTPDevice`` (the app) and a ``StaticDevice`` holding the
backup codes. Who must use them is decided here (`two_factor_required`); who may, everyone.

Signing in is two steps. The password step (``SignInView``) does not sign the person in when a
code is due: it remembers them in the session as *pending* (`start_pending`), and only the code
step, or setting up an app for the first time, calls Django's ``login`` (`finish_sign_in`).
Until then the person is not signed in at all, so ``LoginRequiredMiddleware`` keeps every page
from them. `finish_sign_in` also marks the session as verified by the device (django-otp), which
the admin site requires.
"""

import base64
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, login, logout
from django.db import transaction
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aligns.accounts.models import Role, User

# Coordinators and managers see every client of the scheme; admin staff configure it.
MANDATORY_ROLES = (Role.COORDINATOR, Role.MANAGER, Role.ORGANISATION_MANAGER)

BACKUP_CODE_COUNT = 10
# Digits only, so one numeric field takes both kinds of code; 10 digits never look like an
# app's 6, and give 10**10 possibilities against django-otp's throttling and the lockout.
BACKUP_CODE_DIGITS = 10
APP_CODE_DIGITS = 6

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"

PENDING_SESSION_KEY = "aligns_pending_sign_in"
PENDING_MINUTES = 10
NEW_BACKUP_CODES_SESSION_KEY = "aligns_new_backup_codes"
AFTER_BACKUP_CODES_SESSION_KEY = "aligns_after_backup_codes"
SETUP_DEVICE_SESSION_KEY = "aligns_setup_device"
SIGN_IN_BACKEND = "aligns.accounts.backends.SignInBackend"


# --- Who --------------------------------------------------------------------------------


def two_factor_required(user):
    """Must `user` sign in with a code? Coordinators, managers and admin staff, if the setting
    ALIGNS_REQUIRE_TWO_FACTOR is on (the default)."""
    if not settings.ALIGNS_REQUIRE_TWO_FACTOR:
        return False
    return user.role in MANDATORY_ROLES or user.is_staff


def has_authenticator(user):
    """Has `user` a confirmed authenticator app? Then every sign-in asks for a code."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def backup_codes_left(user):
    device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    return device.token_set.count() if device else 0


# --- Devices ----------------------------------------------------------------------------


def unconfirmed_authenticator(user, session=None):
    """The app being set up, with a new secret key for each session (so a key seen in an
    abandoned set-up, perhaps by someone else, is never the one confirmed later); kept in
    `session` until confirmed, so the QR code stays the same when the page is reloaded."""
    if session is not None:
        device_id = session.get(SETUP_DEVICE_SESSION_KEY)
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
        if device is not None:
            return device
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    if session is not None:
        session[SETUP_DEVICE_SESSION_KEY] = device.pk
    return device


def _new_backup_code():
    return f"{secrets.randbelow(10**BACKUP_CODE_DIGITS):0{BACKUP_CODE_DIGITS}d}"


@transaction.atomic
def replace_backup_codes(user):
    """Make `user` a fresh set of backup codes (any old ones stop working); return them.

    The device itself is kept: a session verified by a backup code stays verified by it, so
    someone signed in with one can make new codes without being signed out."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = set()
    while len(codes) < BACKUP_CODE_COUNT:
        codes.add(_new_backup_code())
    codes = sorted(codes)
    device.token_set.bulk_create([device.token_set.model(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def confirm_authenticator(device):
    """Make `device` the person's one app (replacing an old phone) and give new backup codes."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return replace_backup_codes(device.user)


@transaction.atomic
def remove_two_factor(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def normalise_code(value):
    """What people type or paste, without spaces or dashes: "123 456" -> "123456"."""
    return re.sub(r"[\s\-\u2010-\u2015]", "", value or "")


@dataclass
class CodeCheck:
    device: object = None  # the device that accepted the code
    wait_until: datetime | None = None  # set when too many wrong codes were tried just now

    @property
    def wait_seconds(self):
        if self.wait_until is None:
            return 0
        return max(1, round((self.wait_until - timezone.now()).total_seconds()))


def _verify(devices, code):
    wait_until = None
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed:
            locked_until = (details or {}).get("locked_until")
            if locked_until and (wait_until is None or locked_until > wait_until):
                wait_until = locked_until
            continue
        if device.verify_token(code):
            return CodeCheck(device=device)
    return CodeCheck(wait_until=wait_until)


def check_code(user, code):
    """Check a 6-digit app code or a 10-digit backup code (a backup code works once)."""
    model = TOTPDevice if len(code) == APP_CODE_DIGITS else StaticDevice
    with transaction.atomic():
        devices = model.objects.devices_for_user(user, confirmed=True).select_for_update(
            of=("self",)
        )
        return _verify(devices, code)


def check_setup_code(device, code):
    """Check the first code from an app being set up."""
    with transaction.atomic():
        devices = TOTPDevice.objects.filter(pk=device.pk).select_for_update(of=("self",))
        return _verify(devices, code)


# --- What the app needs -----------------------------------------------------------------


def secret_key(device):
    """The key in base 32, as apps ask for it when typed, in groups of four."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def provisioning_uri(device):
    """The otpauth:// address the QR code holds (the key-URI format apps understand)."""
    issuer = settings.ALIGNS_SERVICE_NAME.replace(":", "")
    label = quote(f"{issuer}:{device.user.email}")
    params = urlencode(
        {
            "secret": secret_key(device).replace(" ", ""),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{params}"


def qr_code_svg(data, *, label):
    """An inline SVG QR code (made here: no request leaves the server), with a text label."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        border=4,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    # A fixed size in pixels rather than millimetres; attributes, not styles.
    svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"', "<svg", svg, count=1)
    svg = svg.replace(
        "<svg",
        f'<svg width="200" height="200" role="img" aria-label="{escape(label)}" focusable="false"',
        1,
    )
    return mark_safe(svg)  # noqa: S308 - from qrcode's output and an escaped label # nosec B308 B703


# --- The two steps of signing in --------------------------------------------------------


def start_pending(request, user, *, backend, next_url):
    """After the password: remember who is signing in until their code is checked."""
    request.session.cycle_key()  # a new session key once the password is known
    request.session[PENDING_SESSION_KEY] = {
        "user_id": user.pk,
        "backend": backend,
        "next": next_url,
        "started": timezone.now().timestamp(),
    }


def pending_user(request):
    """The person between the password and the code, or None (none, expired or inactive)."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending:
        return None
    if timezone.now().timestamp() - pending["started"] > PENDING_MINUTES * 60:
        clear_pending(request)
        return None
    user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None:
        clear_pending(request)
    return user


def clear_pending(request):
    request.session.pop(PENDING_SESSION_KEY, None)


def finish_sign_in(request, user, device):
    """Sign the pending person in, verified by `device`; return where they were going."""
    pending = request.session.get(PENDING_SESSION_KEY) or {}
    backend = pending.get("backend") or SIGN_IN_BACKEND
    next_url = pending.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL)
    clear_pending(request)
    login(request, user, backend=backend)
    otp_login(request, device)
    return next_url


def sign_out_for_second_step(request):
    """A signed-in person who now needs a code (a sign-in made before the requirement was on,
    or whose devices were deleted): sign them out. With an app, they stay pending, so the code
    step comes next. Without one they start again from the password: setting up an app must
    never rest on a session alone (left open on a shared ward computer, say)."""
    user = User.objects.get(pk=request.user.pk)
    backend = request.session.get(BACKEND_SESSION_KEY)
    if request.method == "GET":
        next_url = request.get_full_path()
    else:
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    logout(request)
    if not has_authenticator(user):
        return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
    start_pending(request, user, backend=backend, next_url=next_url)
    return "accounts:sign_in_code"


def remember_new_backup_codes(request, codes, *, then):
    """Keep new codes in the session for one showing, and where to go after it."""
    request.session[NEW_BACKUP_CODES_SESSION_KEY] = codes
    request.session[AFTER_BACKUP_CODES_SESSION_KEY] = then


def take_new_backup_codes(request):
    """The codes to show now, once (a reload of the page finds none), and where to go next."""
    codes = request.session.pop(NEW_BACKUP_CODES_SESSION_KEY, None) or []
    then = request.session.pop(AFTER_BACKUP_CODES_SESSION_KEY, None)
    return codes, then


def format_backup_code(code):
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"
