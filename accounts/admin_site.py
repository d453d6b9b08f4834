"""The Django admin site, for CDE administrators only (B14).

The admin lists every student by name and every account in the state; it is not scoped by
accounts/access.py, so it must not be reachable by anyone the access module would limit. Staff
access alone is not enough: the user must also hold the CDE Administrator role. A superuser
(made with ``createsuperuser`` when a deployment starts, before any role exists) is let in to
set up the first CDE administrators.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from accounts import access
from accounts.models import Role


def may_use_admin(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or access.has_role(user, Role.CDE_ADMINISTRATOR)


class StairsAdminSite(admin.AdminSite):
    site_header = "STAIRS administration (CDE)"
    site_title = "STAIRS administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)
