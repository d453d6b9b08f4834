"""Queue emails through the outbox (architecture.md, "Notifications use an outbox")."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from notifications.models import EmailPreference, Notice, Notification, NotificationStatus
from notifications.renderers import kind_named

logger = logging.getLogger(__name__)


# One email's recipient: the account's id (None for an address with no account) and address.
Recipient = tuple[int | None, str]


def emails_queue(
    *,
    kind: str,
    payload: dict[str, Any],
    recipients: Iterable[Recipient],
) -> list[Notification]:
    """Write one outbox row per recipient in the caller's transaction; hand each to a worker
    after commit. The worker writes the email from the kind's templates when it sends.

    ``payload`` holds ids and other non-secret values only. An address given twice gets one
    email. For a kind about notes or decisions (``digest``), a recipient who chose the daily
    digest gets a HELD row instead, sent in the next digest. ``key`` names a scheduled email
    ("draft-reminder:2026-12-02"): with it, each recipient's row is written once however many
    times the caller runs, and a row already there is left as it is.
    If the broker is down when the transaction commits, the row stays pending and the periodic
    ``resend_unsent`` task sends it later: email is delayed, never lost.
    """
    email_kind = kind_named(kind)
    by_address: dict[str, int | None] = {}
    for user_id, address in recipients:
        if address and (address not in by_address or by_address[address] is None):
            by_address[address] = user_id
    if not by_address:
        return []
    held: set[int] = set()
    if email_kind.digest:
        held = set(
            EmailPreference.objects.filter(
                user_id__in={pk for pk in by_address.values() if pk is not None},
                daily_digest=True,
            ).values_list("user_id", flat=True)
        )
    rows = [
        Notification(
            recipient=address,
            user_id=user_id,
            kind=kind,
            payload=payload,
            status=NotificationStatus.HELD if user_id in held else NotificationStatus.PENDING,
        )
        for address, user_id in sorted(by_address.items())
    ]
    rows = Notification.objects.bulk_create(rows)
    to_send = [row.pk for row in rows if row.status == NotificationStatus.PENDING]
    transaction.on_commit(lambda: enqueue(to_send))
    return rows


# One scheduled email to its recipients: (key, payload, recipients); the key names it
# ("draft-reminder:2026-12-02:lea 7:CAASPP").
Scheduled = tuple[str, dict[str, Any], list[Recipient]]


def row_key(key: str, address: str) -> str:
    """One recipient's row of a scheduled email: the key and a digest of the address, which
    keeps the column short whatever the address's length."""
    return f"{key}:{hashlib.sha256(address.lower().encode()).hexdigest()[:24]}"


def scheduled_emails_queue(*, kind: str, emails: Iterable[Scheduled]) -> int:
    """Write the scheduled emails of one run (one kind, never held for a digest) once each per
    recipient however many times the run happens, and hand the new rows to a worker after
    commit. Returns how many rows this run wrote.

    Steps: the rows already written (one query); the others in one INSERT … ON CONFLICT DO
    NOTHING (a run at the same moment may have written some first: both then hand those on,
    and the worker's claim sends each once); their ids read back (one query), handed on after
    commit. Rows of an earlier run are left as they are.
    """
    rows = []
    for key, payload, recipients in emails:
        by_address = {address: user_id for user_id, address in recipients if address}
        rows += [
            Notification(
                recipient=address,
                user_id=user_id,
                kind=kind,
                payload=payload,
                key=row_key(key, address),
                status=NotificationStatus.PENDING,
            )
            for address, user_id in sorted(by_address.items())
        ]
    kind_named(kind)  # a kind that is not registered fails here, not in the worker
    keys = [row.key for row in rows]
    written = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    rows = [row for row in rows if row.key not in written]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Notification.objects.filter(
            key__in=[row.key for row in rows], status=NotificationStatus.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: enqueue(ids))
    return len(rows)


def notification_queue(
    *, recipient: str, kind: str, payload: dict[str, Any], user_id: int | None = None
) -> Notification:
    """One email to one address (``emails_queue`` for a single recipient)."""
    return emails_queue(kind=kind, payload=payload, recipients=[(user_id, recipient)])[0]


def enqueue(notification_ids: Iterable[int]) -> None:
    """Hand rows to a worker. A broker outage is logged, not raised: the rows stay pending and
    the resend task hands them on once the broker is back."""
    from notifications.tasks import send_notification

    for notification_id in notification_ids:
        try:
            send_notification.delay(notification_id)
        except Exception:
            logger.warning(
                "Broker unavailable; notification %s stays pending for the resend task.",
                notification_id,
            )
            return


@transaction.atomic
def notifications_retry(*, notification_ids: list[int]) -> int:
    """Give failed rows a fresh set of attempts (a CDE administrator, once the cause is fixed).

    Only FAILED rows change, so a row being sent or already sent is never sent twice.
    """
    ids = list(
        Notification.objects.filter(pk__in=notification_ids, status=NotificationStatus.FAILED)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=ids).update(
        status=NotificationStatus.PENDING, attempts=0, claimed_at=None, next_attempt_at=None
    )
    transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def notices_create(*, recipients: Iterable[int], text: str, url: str) -> list[Notice]:
    """Write one in-app notice per recipient (user ids), in the caller's transaction: the notice
    exists exactly when the change it tells of does. ``text`` carries SSIDs and case numbers
    only, never a student's name; ``url`` is a local path."""
    now = timezone.now()
    return Notice.objects.bulk_create(
        Notice(recipient_id=user_id, text=text, url=url, created_at=now)
        for user_id in sorted(set(recipients))
    )


def notices_mark_read(*, user: AbstractBaseUser, notice_ids: list[int] | None = None) -> int:
    """Mark the user's own unread notices read: those given, or all of them (None). Another
    user's notice is left alone. Returns how many changed."""
    notices = Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=timezone.now())


@transaction.atomic
def email_preference_set(*, user: AbstractBaseUser, daily_digest: bool) -> EmailPreference:
    """Record the user's choice for emails about notes and decisions. Choosing immediate emails
    again sends what was held for the next digest now, rather than keep it until tomorrow."""
    preference, _ = EmailPreference.objects.update_or_create(
        user_id=user.pk, defaults={"daily_digest": daily_digest}
    )
    if not daily_digest:
        held = list(
            Notification.objects.select_for_update()
            .filter(user_id=user.pk, status=NotificationStatus.HELD)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=held).update(status=NotificationStatus.PENDING)
        transaction.on_commit(lambda: enqueue(held))
    return preference
