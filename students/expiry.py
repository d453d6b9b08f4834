"""The expiry of tests whose clock ran out (T-1): a change like any other, on the timeline.

``catch_up_expiry`` marks one event as an effect or a page reads it; ``events_expire`` is the
periodic sweep (students/tasks.py).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from students.models import OPEN_STATUSES, ChangeKind, TestEvent, TestEventChange, TestStatus
from students.timeline import day_label, record_change


def catch_up_expiry(event: TestEvent, now: datetime) -> None:
    """Mark a test expired whose expiry passed before the sweep saw it (T-1)."""
    if event.effective_status(now) == TestStatus.EXPIRED and event.status in OPEN_STATUSES:
        before = event.status
        event.status = TestStatus.EXPIRED
        event.save(update_fields=["status", "updated_at"])
        record_change(
            event,
            kind=ChangeKind.EXPIRED,
            actor=None,
            from_status=before,
            detail=f"Expired at the end of {day_label(event.expires_at)} (T-1).",
            at=now,
        )


def events_expire(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """Expire every open test whose expiry has passed (T-1); returns how many.

    Claims rows with ``skip_locked`` so two sweeps (or a sweep and an effect) never expire the
    same event twice; each batch is one transaction with its timeline rows.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                TestEvent.objects.select_for_update(skip_locked=True)
                .filter(status__in=OPEN_STATUSES, expires_at__lt=now)
                .only("pk", "status", "expires_at")[:batch_size]
            )
            if not batch:
                return total
            changes = [
                TestEventChange(
                    test_event_id=e.pk,
                    at=now,
                    kind=ChangeKind.EXPIRED,
                    from_status=e.status,
                    to_status=TestStatus.EXPIRED,
                    detail=f"Expired at the end of {day_label(e.expires_at)} (T-1).",
                )
                for e in batch
            ]
            TestEvent.objects.filter(pk__in=[e.pk for e in batch]).update(
                status=TestStatus.EXPIRED, updated_at=now
            )
            TestEventChange.objects.bulk_create(changes)
            total += len(batch)
