"""Pausing sign-in after repeated failures (django-axes), and the page that says until when.

Axes counts failed sign-ins per email address and IP address together (settings: AXES_*).
A wrong password counts, and so does a wrong security code (`record_failed_sign_in`). Axes keeps
each failure in AccessFailureLog and each success in AccessLog; passwords and codes are
masked before anything is stored (AXES_SENSITIVE_PARAMETERS).
"""

import ipaddress

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone

from aligns.accounts.models import User
from aligns.accounts.two_factor import clear_pending

USERNAME_MAX_LENGTH = 255  # axes' AccessAttempt.username


def username_for_lockout(request, credentials):
    """The account's own email address when the typed one signs in to an account, in any case:
    Person@x and person@x are one person. Matching as sign-in does (the database's
    case-insensitive match, which on PostgreSQL also takes a dotless "ı" for an "i") means no
    spelling of an address gets a count of failures of its own."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "POST", {}).get("username")
    # Stored in axes' 255-character column: a NUL or a longer string would make PostgreSQL
    # refuse the row (and the sign-in page fail) rather than count the failure.
    username = (username or "").replace("\x00", "").strip()[:USERNAME_MAX_LENGTH]
    if not username:
        return None
    account_email = (
        User.objects.filter(email__iexact=username).values_list("email", flat=True).first()
    )
    return (account_email or username).lower()


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip_address(request):
    """The client's address. Behind a TLS proxy (DJANGO_BEHIND_PROXY=true) every request comes
    from the proxy, so the address the proxy added last to X-Forwarded-For is used instead."""
    remote = request.META.get("REMOTE_ADDR")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = _valid_ip(forwarded.split(",")[-1]) if forwarded else None
        if last:
            return last
    return remote


def credentials_for(user):
    return {"username": user.get_username()}


def is_locked_out(request, user):
    return not AxesProxyHandler.is_allowed(request, credentials_for(user))


def record_failed_sign_in(request, user):
    """A wrong security code, or a wrong password asked again before a two-factor change, is a
    failed sign-in too: axes counts and logs it."""
    user_login_failed.send(sender=__name__, credentials=credentials_for(user), request=request)


def locked_out_until(request, credentials):
    """When this email address and IP address may try again: the cool-off after the last try."""
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    latest = None
    for attempts in handler.get_user_attempts(request, credentials):
        last = attempts.aggregate(last=Max("attempt_time"))["last"]
        if last and (latest is None or last > latest):
            latest = last
    cool_off = get_cool_off(request)
    if latest is None or cool_off is None:
        return None
    return latest + cool_off


def _clock_time(moment):
    """ "9:31am", or "9:31am on 24 November" if not today (the NHS.UK style for times)."""
    if moment is None:
        return None
    local = timezone.localtime(moment)
    text = local.strftime("%I:%M%p").lstrip("0").lower()
    if local.date() != timezone.localdate():
        text += f" on {local.day} {local:%B}"
    return text


def locked_out_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the sign-in page's explanation, with HTTP 429."""
    clear_pending(request)
    cool_off = get_cool_off(request)
    context = {
        "email": get_client_username(request, credentials) or "",
        "until": _clock_time(locked_out_until(request, credentials)),
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
