"""Celery tasks of the review queues (issue 9): assignment by workload with the hand-back of
away reviewers' appeals, and the overdue sweep. Both are idempotent (appeals/assignment.py)."""

from __future__ import annotations

from celery import shared_task

from appeals.assignment import appeals_assign, appeals_hand_back, appeals_mark_overdue


@shared_task
def assign_appeals() -> dict[str, int]:
    """Hand back the appeals of reviewers marked away, then assign the unclaimed ones."""
    handed_back = appeals_hand_back()
    assigned = appeals_assign()
    return {"handed_back": handed_back, **assigned}


@shared_task
def mark_overdue_appeals() -> dict[str, int]:
    return appeals_mark_overdue()
