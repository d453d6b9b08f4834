"""The main navigation: only what the user's roles allow, and only pages that exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from accounts import access
from accounts.models import COORDINATOR_ROLES, STATE_ROLES, Role, User


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def navigation_for(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    if access.security_forms_pending(user):
        # U-5: everything else would bounce to the gate, so the gate is all there is to offer.
        entries = [("Security forms", "accounts:security_agreement")]
        return [_item(request, label, name) for label, name in entries]
    entries: list[tuple[str, str]] = [("Home", "home")]
    if may_file_cases(user):
        entries.append(("File a case", "incidents:new"))
    if may_see_cases(user):
        entries.append(("Search STAIRS", "incidents:search"))
        entries.append(("Search Appeals", "appeals:search"))
    if may_review(user):
        entries.append(("Review queue", "review:queue"))
    if not access.scope_for(user).is_empty:
        entries.append(("Students", "students:search"))
    if access.can_manage_users(user):
        entries.append(("Users", "accounts:user_list"))
    return [_item(request, label, name) for label, name in entries]


def _item(request: HttpRequest, label: str, name: str) -> NavItem:
    url = reverse(name)
    active = request.path == url if url == "/" else request.path.startswith(url)
    return NavItem(label, url, active)


def may_file_cases(user: User) -> bool:
    """Whether ``user`` files STAIRS cases anywhere (F-7): a coordinator of a program, or CalTAC,
    which files a Restore on an LEA's behalf (A-RESTORE-1). The wizard asks the finer question
    per school and testing issue."""
    return bool(access.scope_for(user).roles & (COORDINATOR_ROLES | {Role.CALTAC_AGENT}))


def may_see_cases(user: User) -> bool:
    """Whether Search STAIRS can show ``user`` anything: the same answer as an empty
    ``incidents.queries.cases_for`` (CDE and CalTAC see all cases, a coordinator those of their
    program; test administrators none), from the scope alone, without importing incidents."""
    roles = access.scope_for(user).roles
    return bool(roles & (COORDINATOR_ROLES | STATE_ROLES))


def may_review(user: User) -> bool:
    """Whether ``user`` decides appeals (issue 9): CDE reviewers and administrators and CalTAC
    agents, the teams of ``appeals.decisions.TEAM_ROLES``; coordinators see no queue."""
    return bool(access.scope_for(user).roles & STATE_ROLES)
