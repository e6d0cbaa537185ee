"""The admin site: django-otp's OTPAdminSite, signed in to through ALIGNS's own sign-in page.

With ALIGNS_REQUIRE_TWO_FACTOR on, staff reach /admin/ only in a session verified by a
security code (`request.user.is_verified()`, set by the code step of signing in). The admin's
own login form is not used: one sign-in page means one lockout, one log and one code step.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django_otp.admin import OTPAdminSite


class AlignsAdminSite(OTPAdminSite):
    site_header = "ALIGNS administration"
    site_title = "ALIGNS administration"

    def __init__(self, name="admin"):
        super().__init__(name)

    def has_permission(self, request):
        if settings.ALIGNS_REQUIRE_TWO_FACTOR:
            return super().has_permission(request)  # staff, active, and verified by a code
        return AdminSite.has_permission(self, request)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url, settings.LOGIN_URL)
        if self.has_permission(request):
            return redirect("admin:index")
        raise PermissionDenied("Only administrators may use the admin site.")
