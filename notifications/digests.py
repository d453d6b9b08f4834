"""The daily digest (issue 10, item 1): one email a day with the notes and decisions held for
each person who chose it instead of an email each (``EmailPreference``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.renderers import EmailKind, NotificationNotNeeded, parts
from notifications.services import enqueue

DIGEST = "notifications.digest"


@transaction.atomic
def digests_queue(*, now: datetime | None = None) -> int:
    """Gather every held row into one digest per person and hand the digests to a worker.

    The held rows are locked (skipping any another run holds) and marked DIGESTED with their
    digest in the same transaction, so a second run, even at the same time, finds nothing to
    send again. Returns how many digests were queued.
    """
    day = timezone.localdate(now or timezone.now())  # Pacific (TIME_ZONE)
    held = (
        Notification.objects.select_for_update(skip_locked=True)
        .filter(status=NotificationStatus.HELD)
        .order_by("recipient", "created_at", "pk")
        .values_list("pk", "user_id", "recipient")
    )
    groups: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    for pk, user_id, recipient in held:
        groups[(user_id, recipient)].append(pk)
    digests = Notification.objects.bulk_create(
        Notification(
            recipient=recipient,
            user_id=user_id,
            kind=DIGEST,
            payload={"date": day.isoformat(), "items": ids},
        )
        for (user_id, recipient), ids in groups.items()
    )
    for digest, ids in zip(digests, groups.values(), strict=True):
        Notification.objects.filter(pk__in=ids).update(
            status=NotificationStatus.DIGESTED, digest=digest
        )
    transaction.on_commit(lambda: enqueue([digest.pk for digest in digests]))
    return len(digests)


def digest_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Each held email's own subject and parts, in the order they happened; one that is no
    longer needed (its case gone) is left out, and a digest left empty is not sent."""
    entries = []
    items = Notification.objects.filter(pk__in=payload["items"]).order_by("created_at", "pk")
    for item in items.only("kind", "payload"):
        try:
            entries.append(parts(item.kind, item.payload))
        except NotificationNotNeeded:
            continue
    if not entries:
        raise NotificationNotNeeded("Nothing held for this digest is still to be told.")
    return {"day": date.fromisoformat(payload["date"]), "entries": entries}


DIGEST_KIND = EmailKind(name=DIGEST, template="notifications/email/digest", context=digest_context)
