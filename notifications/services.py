"""Queue emails through the outbox (architecture.md, "Notifications use an outbox")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from notifications.models import Notice, Notification, NotificationStatus
from notifications.renderers import is_registered


def notification_queue(
    *,
    recipient: str,
    subject: str,
    body: str = "",
    kind: str = "",
    payload: dict[str, Any] | None = None,
) -> Notification:
    """Write the outbox row in the caller's transaction; hand it to a worker after commit.

    Give either the ``body``, or a registered ``kind`` and its ``payload`` (ids only): the
    worker then renders the body when it sends, so a secret in it is never stored.
    If the broker is down when the transaction commits, the row stays pending and the
    periodic ``resend_unsent`` task sends it later: email is delayed, never lost.
    """
    from notifications.tasks import send_notification

    if bool(body) == bool(kind):
        raise ValueError("Queue either a body or a kind of rendered notification, not both.")
    if kind and not is_registered(kind):
        raise ValueError(f"No renderer is registered for notification kind {kind!r}.")
    notification = Notification.objects.create(
        recipient=recipient, subject=subject, body=body, kind=kind, payload=payload or {}
    )
    transaction.on_commit(lambda: _enqueue(send_notification, notification.pk))
    return notification


def _enqueue(task, notification_id: int) -> None:
    try:
        task.delay(notification_id)
    except Exception:
        import logging

        logging.getLogger(__name__).warning(
            "Broker unavailable; notification %s stays pending for the resend task.",
            notification_id,
        )


@transaction.atomic
def notifications_retry(*, notification_ids: list[int]) -> int:
    """Give failed rows a fresh set of attempts (a CDE administrator, once the cause is fixed).

    Only FAILED rows change, so a row being sent or already sent is never sent twice.
    """
    from notifications.tasks import send_notification

    ids = list(
        Notification.objects.filter(pk__in=notification_ids, status=NotificationStatus.FAILED)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=ids).update(
        status=NotificationStatus.PENDING, attempts=0, claimed_at=None
    )
    for notification_id in ids:
        transaction.on_commit(
            lambda notification_id=notification_id: _enqueue(send_notification, notification_id)
        )
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
