import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from aligns.accounts.models import Role, User
from aligns.accounts.services import user_choose_language
from aligns.celery import app as celery_app
from aligns.permissions import Permission

logger = logging.getLogger(__name__)


def home(request):
    """Send each person to the page their role needs first."""
    start_page = request.user.start_page
    belongs = request.user.scheme_id or request.user.has_perm(Permission.VIEW_ORGANISATION_REPORTS)
    if start_page is None or not belongs:
        # A platform administrator without a scheme: only the admin is theirs.
        if request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied("Your account has no role in a scheme yet. Ask your coordinator.")
    return redirect(start_page)


# Each role's short guide (docs/guide/ has the longer ones).
HELP_TEMPLATES = {
    Role.WARD_STAFF: "help/ward_staff.html",
    Role.COORDINATOR: "help/coordinator.html",
    Role.VOLUNTEER: "help/volunteer.html",
    Role.MANAGER: "help/manager.html",
    Role.ORGANISATION_MANAGER: "help/organisation_manager.html",
}


def help_page(request):
    """The signed-in person's guide to their role: what ALIGNS is for them, their day, what to
    do if someone is at risk, and who to ask. Signed out, Django sends people to sign in."""
    user = request.user
    belongs = user.scheme_id or user.organisation_id
    if belongs and user.role in HELP_TEMPLATES:
        template = HELP_TEMPLATES[user.role]
    elif user.is_staff:
        template = "help/administrator.html"
    else:
        template = "help/no_role.html"
    context = {"scheme": user.scheme}
    if user.role == Role.COORDINATOR and user.scheme_id:
        context["managers"] = User.objects.visible_to(user).filter(
            role=Role.MANAGER, is_active=True
        )
    return render(request, template, context)


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def _broker_ok():
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


@login_not_required
@never_cache
def healthz(request):
    """Database and broker reachability for load balancers. No personal data, no login."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "unreachable" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


@login_not_required
@require_POST
def language_choose(request):
    """The public pages' switch between English and Welsh (Django's set_language: a cookie,
    and back to the page). Someone signed in keeps the choice on their account as well."""
    response = set_language(request)
    chosen = request.POST.get("language")
    if request.user.is_authenticated and chosen in dict(settings.LANGUAGES):
        user_choose_language(user=request.user, language=chosen)
    return response
