"""Celery tasks of the students app."""

from __future__ import annotations

from celery import shared_task

from students.expiry import events_expire


@shared_task
def expire_test_events() -> int:
    """Mark expired every open test whose expiry passed (T-1); safe to run twice at once."""
    return events_expire()
