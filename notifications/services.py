"""Queue emails through the outbox (architecture.md, "Notifications use an outbox")."""

from __future__ import annotations

from django.db import transaction

from notifications.models import Notification


def notification_queue(*, recipient: str, subject: str, body: str) -> Notification:
    """Write the outbox row in the caller's transaction; hand it to a worker after commit.

    If the broker is down when the transaction commits, the row stays pending and the
    periodic ``resend_unsent`` task sends it later: email is delayed, never lost.
    """
    from notifications.tasks import send_notification

    notification = Notification.objects.create(recipient=recipient, subject=subject, body=body)
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
