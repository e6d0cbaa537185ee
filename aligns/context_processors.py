from django.conf import settings

from aligns.navigation import navigation_for
from aligns.permissions import Can


def service(request):
    return {
        "service_name": settings.ALIGNS_SERVICE_NAME,
        "local_run": settings.DEBUG,
        "navigation": navigation_for(request),
        # {% if can.MANAGE_EPISODES %}: aligns/permissions.py names every permission.
        "can": Can(request.user),
        "password_reset_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
