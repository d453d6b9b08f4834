"""The coordinators' dashboard from the cache (issue 10, "Speed": each dashboard within 50 ms at
state scale). Its reads cost tens of milliseconds at a large LEA and change only when a case,
note or appeal of the LEA or school changes, so a user's dashboard is kept in the shared cache
(Redis) as the HTML the template wrote, under the versions of the organizations they see, for
DASHBOARD_CACHE_SECONDS at most (the days left and the week's notes move with the clock).

Each organization's version is a counter in the cache. A save or delete of a case, a note or an
appeal moves the counters of its LEA and its school once its transaction commits, so the next
visit reads afresh: nothing is served stale after a change that has committed. A counter that
the cache evicted comes back as a new number from the clock, never as one used before.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.access import scope_for
from accounts.models import User
from incidents.announcement_models import Announcement
from incidents.case_models import Case, CaseNote
from incidents.dashboard import Dashboard, announcements_for, dashboard_for
from students import dates

# Raised when the dashboard's cached content changes shape, so an old entry is never read.
LAYOUT = 1


def _version_key(organization_id: int) -> str:
    return f"dashboard:changed:{organization_id}"


def _team_key(team: str) -> str:
    return f"dashboard:decided:{team}"


def organizations_changed(organization_ids: Iterable[int | None]) -> None:
    """Move the versions of these organizations (see ``versions_changed``)."""
    versions_changed({_version_key(pk) for pk in organization_ids if pk})


def versions_changed(keys: set[str]) -> None:
    """Move these versions once the transaction commits, each once however many of the
    transaction's rows changed (a case of 100 students saves 100 appeals): the keys gather on
    the connection, and the first of the transaction's hooks to run moves them all; the others
    find nothing left. Keys of a transaction rolled back are moved with the next commit: one
    needless fresh read, never a stale one."""
    if not keys:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump(sorted(keys))
        return
    gathered = getattr(connection, "stairs_dashboard_keys", None)
    if gathered is None:
        gathered = connection.stairs_dashboard_keys = set()
    gathered |= keys
    transaction.on_commit(lambda: _flush(connection))


def _flush(connection: Any) -> None:
    keys = getattr(connection, "stairs_dashboard_keys", set())
    connection.stairs_dashboard_keys = set()
    if keys:
        _bump(sorted(keys))


def _bump(keys: list[str]) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # not in the cache (never set, or evicted): a number never used
            cache.set(key, time.time_ns(), timeout=None)


@dataclass
class CachedGlance:
    """The coordinator's dashboard as the template reads it: ``key`` and ``seconds`` for the
    template's ``{% cache %}`` of everything below the announcements, which are read afresh
    on every visit (CDE posts them in the admin); ``data`` (the queries) only on a miss."""

    user: User
    now: datetime
    key: str
    seconds: int
    announcements: list[Announcement]

    @cached_property
    def data(self) -> Dashboard:
        return dashboard_for(self.user, now=self.now, announcements=self.announcements)


def glance_for(user: User, *, now: datetime | None = None) -> CachedGlance:
    """The key of what ``user`` sees now: the day (the days left, the week's notes), and the
    version of each organization of their scope; one round trip to the cache."""
    now = now or timezone.now()
    today = dates.local_date(now)
    scope = scope_for(user)
    organizations = sorted(scope.lea_ids | scope.school_ids)
    versions = cache.get_many([_version_key(pk) for pk in organizations])
    key = ":".join(
        [
            f"{LAYOUT}:{user.pk}:{today.isoformat()}",
            *(f"{pk}.{versions.get(_version_key(pk), 0)}" for pk in organizations),
        ]
    )
    return CachedGlance(
        user=user,
        now=now,
        key=key,
        seconds=settings.DASHBOARD_CACHE_SECONDS,
        announcements=announcements_for(user, today),
    )


def teams_key(teams: Iterable[str], today: Any) -> str:
    """The key of the reviewers' charts of ``teams`` (incidents/reviewer_dashboard.py): the day,
    and each team's version, which a decision of the team moves; one round trip to the cache."""
    teams = sorted(teams)
    versions = cache.get_many([_team_key(team) for team in teams])
    parts = (f"{team}.{versions.get(_team_key(team), 0)}" for team in teams)
    return ":".join([f"{LAYOUT}:{today.isoformat()}", *parts])


def appeal_decided(sender: type, instance: Any, **_: Any) -> None:
    """post_save of an appeal: a decided one moves its team's version (the reviewers' charts)."""
    if instance.decided_at is not None:
        versions_changed({_team_key(instance.reviewer)})


def case_changed(sender: type, instance: Any, **_: Any) -> None:
    """post_save and post_delete of a case or an appeal (each carries its LEA and school)."""
    organizations_changed([instance.lea_id, instance.school_id])


def note_changed(sender: type, instance: CaseNote, **_: Any) -> None:
    """post_save and post_delete of a note: its case's LEA and school (the case is in memory
    when the notes service writes it; otherwise one small read)."""
    if CaseNote.case.is_cached(instance):
        places = [instance.case.lea_id, instance.case.school_id]
    else:
        places = list(
            Case.objects.filter(pk=instance.case_id).values_list("lea_id", "school_id").first()
            or []
        )
    organizations_changed(places)
