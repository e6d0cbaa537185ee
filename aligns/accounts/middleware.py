from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from aligns.accounts.signals import SESSION_SIGNED_IN_AT
from aligns.accounts.two_factor import sign_out_for_second_step, two_factor_required


class AbsoluteSessionLifetimeMiddleware:
    """End a sign-in after SESSION_ABSOLUTE_LIFETIME_HOURS, however active it has been.

    The idle timeout is Django's own (SESSION_COOKIE_AGE renewed on every request);
    this adds the upper bound that a shared ward PC needs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and self._expired(request.session):
            logout(request)
            messages.info(
                request, "For your security you have been signed out. Please sign in again."
            )
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)

    @staticmethod
    def _expired(session):
        signed_in_at = session.get(SESSION_SIGNED_IN_AT)
        if signed_in_at is None:
            return True
        lifetime = timedelta(hours=settings.SESSION_ABSOLUTE_LIFETIME_HOURS)
        return timezone.now().timestamp() - signed_in_at > lifetime.total_seconds()


class TwoFactorMiddleware:
    """Keep a signed-in person who must use a security code, but whose session was not verified
    by one, from every page: they are signed out and sent to the code step (or to set up an app).

    Signing in through the sign-in page never leaves such a session (the code step comes before
    Django's login); this catches sessions from before ALIGNS_REQUIRE_TWO_FACTOR was turned on,
    and a device removed in the admin. Needs django-otp's OTPMiddleware before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.ALIGNS_REQUIRE_TWO_FACTOR
            and user.is_authenticated
            and two_factor_required(user)
            and not user.is_verified()
            and request.path != reverse("logout")
        ):
            return redirect(sign_out_for_second_step(request))
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Nothing shown to a signed-in person is kept by the browser or anything between: client
    records, the triage queue, subject-access copies and audit CSVs on a shared ward PC must
    not come back from its cache after sign-out. (Static files never reach this: WhiteNoise
    serves them first, cacheable.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class MethodNotAllowedPageMiddleware:
    """A page, not a blank 405, for an address that only takes a form opened in the browser:
    after signing in again the browser is sent to where the form was going (a GET), and a
    bookmark or a reopened tab does the same. Nothing was changed; the page says so and
    offers a way on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or request.method not in ("GET", "HEAD"):
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response["Allow"]
        return page


class PreferredLanguageMiddleware:
    """A signed-in person sees the language they chose on their account page (English or
    Welsh), whatever their browser asks for; LocaleMiddleware chose for everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.user.preferred_language:
            translation.activate(request.user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
