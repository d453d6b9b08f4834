"""Request gates: idle sign-out and the Test Security Agreement (U-5)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.access import security_forms_pending

LAST_SEEN_KEY = "stairs_last_seen"
SIGNED_IN_AT_KEY = "stairs_signed_in_at"
LAST_SEEN_PRECISION = 60  # seconds

# Pages an LEA coordinator may reach before signing the security forms: the forms, signing
# out, and changing one's password (the header links to it; it shows no data).
_GATE_EXEMPT_URL_NAMES = (
    "accounts:security_agreement",
    "accounts:logout",
    "accounts:password_change",
    "accounts:password_change_done",
)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full page load rather than swapping it into a part."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class IdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_TIMEOUT seconds without a request, and after
    SESSION_MAX_AGE seconds in all; signed-in pages are never stored by the browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        session = request.session
        last_seen = session.get(LAST_SEEN_KEY)
        signed_in_at = session.setdefault(SIGNED_IN_AT_KEY, now)
        if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            minutes = settings.SESSION_IDLE_TIMEOUT // 60
            return self._sign_out(
                request,
                f"You were signed out after {minutes} minutes without activity. "
                "Please sign in again.",
            )
        if now - signed_in_at > settings.SESSION_MAX_AGE:
            return self._sign_out(request, "Your session has ended. Please sign in again.")
        # Writing the session on every request costs a query; a minute's precision will do.
        if last_seen is None or now - last_seen > LAST_SEEN_PRECISION:
            session[LAST_SEEN_KEY] = now
        response = self.get_response(request)
        # Pages behind sign-in may show student data: no copy in the browser's cache, so the
        # back button after sign-out shows nothing.
        response["Cache-Control"] = "no-store"
        return response

    def _sign_out(self, request: HttpRequest, message: str) -> HttpResponse:
        next_path = request.get_full_path()
        logout(request)
        messages.info(request, message)
        response = redirect_to_login(next_path, reverse(settings.LOGIN_URL))
        return _redirect(request, response.url)


class SecurityAgreementMiddleware:
    """Until an LEA coordinator has signed both security forms, only the gate is reachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def _exempt_paths(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = tuple(reverse(name) for name in _GATE_EXEMPT_URL_NAMES)
        return self._exempt

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path not in self._exempt_paths() and security_forms_pending(request.user):
            return _redirect(request, reverse("accounts:security_agreement"))
        return self.get_response(request)
