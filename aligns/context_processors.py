from django.conf import settings

from aligns.navigation import navigation_for


def service(request):
    return {
        "service_name": settings.ALIGNS_SERVICE_NAME,
        "local_run": settings.DEBUG,
        "navigation": navigation_for(request),
        "password_reset_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
