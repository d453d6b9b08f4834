"""The timeline of test events: one row per change (who, when, from, to, what, why), and the
expiry of tests whose clock ran out (T-1), which is a change like any other."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from students import dates
from students.models import OPEN_STATUSES, ChangeKind, TestEvent, TestEventChange, TestStatus


def record_change(
    event: TestEvent,
    *,
    kind: str,
    actor: User | None,
    from_status: str,
    detail: str,
    reason: str = "",
    reference: str = "",
    at: datetime,
) -> TestEventChange:
    return TestEventChange.objects.create(
        test_event=event,
        actor=actor,
        at=at,
        kind=kind,
        from_status=from_status,
        to_status=event.status,
        detail=detail[:300],
        reason=reason.strip(),
        reference=reference,
    )


def day_label(moment: datetime | None) -> str:
    if moment is None:
        return "no date"
    day = dates.local_date(moment)
    return f"{day:%B} {day.day}, {day.year}"


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


def test_events_expire(*, now: datetime | None = None, batch_size: int = 1000) -> int:
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


test_events_expire.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
