from django.conf import settings
from django.http import HttpRequest

from accounts.navigation import navigation_for


def navigation(request: HttpRequest) -> dict:
    return {
        "nav_items": navigation_for(request),
        "idle_timeout_seconds": settings.SESSION_IDLE_TIMEOUT,
    }
