"""The timeline of test events: one row per change (who, when, from, to, what, why)."""

from __future__ import annotations

from datetime import datetime

from accounts.models import User
from students import dates
from students.models import TestEvent, TestEventChange


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
