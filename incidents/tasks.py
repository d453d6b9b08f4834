"""Celery tasks of cases (issue 10): the emails sent each morning by the beat schedule. Both are
idempotent: a second run on the same day writes nothing new (incidents/scheduled_emails.py)."""

from __future__ import annotations

from celery import shared_task

from incidents.scheduled_emails import cde_digest_queue, draft_reminders_queue


@shared_task
def send_draft_reminders() -> int:
    """N-5: remind LEA coordinators of their drafts while the testing window is open."""
    return draft_reminders_queue()


@shared_task
def send_cde_digest() -> int:
    """N-3: tell CDE's available reviewers what waits for its decision or approval."""
    return cde_digest_queue()
