"""The queue workers' services (issue 9, items 4 and 7): hand back the appeals of reviewers
marked away, assign unclaimed appeals to the reviewers of the right team by workload, and flag
newly overdue appeals once.

Each is idempotent and safe to run twice at once (style.md, "workers claim work atomically"):
rows are claimed with ``select_for_update(skip_locked=True)`` or one conditional UPDATE, so two
workers never assign or flag the same appeal.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from appeals import transitions
from appeals.decisions import TEAM_ROLES
from appeals.models import Appeal, AppealEvent, AppealEventKind, AppealOverdue
from notifications.renderers import EmailKind, absolute_url
from notifications.services import emails_queue, notices_create
from stairs.vocabulary import Reviewer

# One run assigns at most this many appeals per team; the next run (a minute later) goes on.
ASSIGN_BATCH = 500
OVERDUE = "appeals.overdue"


def team_members(team: str, *, available: bool = True) -> list[User]:
    """The active users of a reviewer team; with ``available`` only those not marked away."""
    users = User.objects.filter(is_active=True, grants__role__in=TEAM_ROLES[team]).distinct()
    if available:
        users = users.filter(away_since__isnull=True)
    return list(users.order_by("pk"))


@transaction.atomic
def appeals_hand_back(*, now: datetime | None = None, reviewer: User | None = None) -> int:
    """Return the open appeals held by reviewers marked away (or only by ``reviewer``) to their
    team's Unclaimed queue.

    Steps: claim the rows (skip locked: a reviewer deciding one right now keeps it); clear the
    claims in one UPDATE; one timeline row each.
    """
    now = now or timezone.now()
    held_by_away = Appeal.objects.filter(
        status__in=transitions.OPEN, claimed_by__away_since__isnull=False
    )
    if reviewer is not None:
        held_by_away = held_by_away.filter(claimed_by=reviewer)
    held = list(
        held_by_away.select_for_update(skip_locked=True, of=("self",)).values_list(
            "pk", "status", "claimed_by__full_name"
        )
    )
    if not held:
        return 0
    Appeal.objects.filter(pk__in=[pk for pk, _, _ in held]).update(
        claimed_by=None, claimed_at=None, updated_at=now
    )
    AppealEvent.objects.bulk_create(
        AppealEvent(
            appeal_id=pk,
            actor=None,
            at=now,
            kind=AppealEventKind.RELEASED,
            from_status=status,
            to_status=status,
            detail=f"Handed back to the team: {name} is away.",
        )
        for pk, status, name in held
    )
    return len(held)


@transaction.atomic
def reviewer_set_away(*, user: User, away: bool, now: datetime | None = None) -> int:
    """Mark a reviewer away or back (the queue's "Mark me away / I'm back" toggle). Away: the
    assignment task gives them no new appeal, and the open appeals they hold go back to their
    team's Unclaimed queue at once. Returns how many were handed back.

    Steps: lock the user's row; set or clear ``away_since`` (unchanged when already so); hand
    back their appeals.
    """
    now = now or timezone.now()
    locked = User.objects.select_for_update().get(pk=user.pk)
    if away and locked.away_since is None:
        locked.away_since = now
    elif not away:
        locked.away_since = None
    locked.save(update_fields=["away_since"])
    user.away_since = locked.away_since
    return appeals_hand_back(now=now, reviewer=locked) if away else 0


@transaction.atomic
def appeals_assign(*, now: datetime | None = None, batch: int = ASSIGN_BATCH) -> dict[str, int]:
    """Assign each team's unclaimed open appeals, soonest due first, to its available reviewers,
    each to the one holding the fewest open appeals (never to the person who filed the case).

    Steps, per team: its available reviewers and their open workload (one query); up to
    ``batch`` unclaimed appeals, claimed with skip locked; a min-heap on workload picks each
    appeal's reviewer; one UPDATE per reviewer; one timeline row per appeal. Returns how many
    were assigned per team.
    """
    now = now or timezone.now()
    assigned: dict[str, int] = {}
    for team in Reviewer:
        reviewers = {user.pk: user for user in team_members(team)}
        if not reviewers:
            continue
        load = dict.fromkeys(reviewers, 0)
        load.update(
            Appeal.objects.filter(status__in=transitions.OPEN, claimed_by__in=list(reviewers))
            .values_list("claimed_by")
            .annotate(n=Count("pk"))
            .values_list("claimed_by", "n")
        )
        waiting = list(
            Appeal.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status__in=transitions.OPEN, reviewer=team, claimed_by__isnull=True)
            .order_by("due_at", "pk")
            .values_list("pk", "status", "case__created_by_id", "case__submitted_by_id")[:batch]
        )
        heap = [(count, pk) for pk, count in load.items()]
        heapq.heapify(heap)
        chosen: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for pk, status, created_by, submitted_by in waiting:
            # The least loaded reviewer who did not file the case (issue 9, item 10).
            passed = []
            while heap and heap[0][1] in (created_by, submitted_by):
                passed.append(heapq.heappop(heap))
            if heap:
                count, reviewer = heapq.heappop(heap)
                chosen[reviewer].append((pk, status))
                heapq.heappush(heap, (count + 1, reviewer))
            for item in passed:
                heapq.heappush(heap, item)
        for reviewer, rows in chosen.items():
            Appeal.objects.filter(pk__in=[pk for pk, _ in rows]).update(
                claimed_by=reviewer, claimed_at=now, updated_at=now
            )
            name = reviewers[reviewer].full_name
            AppealEvent.objects.bulk_create(
                AppealEvent(
                    appeal_id=pk,
                    actor=None,
                    at=now,
                    kind=AppealEventKind.ASSIGNED,
                    from_status=status,
                    to_status=status,
                    detail=f"Assigned to {name} by workload.",
                )
                for pk, status in rows
            )
        assigned[team] = sum(len(rows) for rows in chosen.values())
    return assigned


_MARK_OVERDUE = """
WITH marked AS (
    INSERT INTO {mark} (appeal_id, reviewer, at)
    SELECT appeal.id, appeal.reviewer, %(now)s FROM {appeal} appeal
    WHERE appeal.status IN ({open}) AND appeal.due_at < %(now)s
      AND NOT EXISTS (SELECT 1 FROM {mark} mark WHERE mark.appeal_id = appeal.id)
    RETURNING reviewer
)
SELECT reviewer, count(*) FROM marked GROUP BY reviewer
"""


@transaction.atomic
def appeals_mark_overdue(*, now: datetime | None = None) -> dict[str, int]:
    """Mark the open appeals whose due moment has passed, once each (A-2), and tell each team
    how many of its appeals became overdue.

    Steps: one set-based statement inserts an ``AppealOverdue`` mark for each open appeal past
    due and not yet marked (found through a partial index of the open appeals by due date) and
    counts them per team; then one email per available team member when the team has any.
    Running it again finds nothing new; two sweeps at once cannot mark an appeal twice (its
    mark's primary key).
    """
    now = now or timezone.now()
    # One placeholder per open status, as the ORM writes IN (psycopg 3 adapts no tuple), so
    # the condition matches the partial index's predicate word for word.
    open_statuses = {f"open{i}": str(status) for i, status in enumerate(sorted(transitions.OPEN))}
    sql = _MARK_OVERDUE.format(
        appeal=connection.ops.quote_name(Appeal._meta.db_table),
        mark=connection.ops.quote_name(AppealOverdue._meta.db_table),
        open=", ".join(f"%({name})s" for name in open_statuses),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, **open_statuses})
        counts = {reviewer: count for reviewer, count in cursor.fetchall()}
    for team, count in counts.items():
        noun = "appeal is" if count == 1 else "appeals are"
        members = team_members(team)
        emails_queue(
            kind=OVERDUE,
            payload={"team": team, "count": count},
            recipients=[(member.pk, member.email) for member in members],
        )
        # The in-app notice beside the email, opening the team's Overdue queue.
        notices_create(
            recipients=[member.pk for member in members],
            text=f"{count} {Reviewer(team).label} {noun} now overdue.",
            url=reverse("review:queue") + "?view=overdue",
        )
    return counts


def overdue_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The sweep's count for the team, and how many of its appeals are overdue now."""
    team = payload["team"]
    return {
        "team": Reviewer(team).label,
        "count": payload["count"],
        "overdue_now": AppealOverdue.objects.filter(
            appeal__reviewer=team, appeal__status__in=transitions.OPEN
        ).count(),
        "queue_url": absolute_url(reverse("review:queue") + "?view=overdue"),
    }


OVERDUE_KIND = EmailKind(OVERDUE, "appeals/email/overdue", overdue_context)
