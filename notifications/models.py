"""The outbox: every email is a row first, sent by a worker after the transaction commits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting to be sent"
    SENDING = "SENDING", "Being sent"
    SENT = "SENT", "Sent"
    FAILED = "FAILED", "Failed"
    SKIPPED = "SKIPPED", "Not sent: no longer needed"


class Notification(models.Model):
    """One email to one recipient. Bodies carry SSIDs only, never student names.

    Either the body is stored, or (``kind`` set) it is written by that kind's renderer when the
    worker sends it, from ``payload``: how a one-time link is sent without storing it.
    """

    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    kind = models.CharField(max_length=60, blank=True)
    # Ids and other non-secret values the renderer needs, never the secret itself.
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=NotificationStatus.SENT, sent_at__isnull=False)
                | ~Q(status=NotificationStatus.SENT),
                name="notification_sent_has_time",
            ),
            # A rendered kind never stores its body: that is where a secret link would leak.
            models.CheckConstraint(
                condition=Q(kind="") | Q(body=""), name="notification_rendered_has_no_body"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_unsent_idx",
                condition=~Q(status=NotificationStatus.SENT),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient} ({self.get_status_display()})"


class Notice(models.Model):
    """One in-app notice to one user (the header's bell). Plain text with SSIDs and case numbers
    only, never a student's name; ``url`` is the local page it opens, usually the case."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    text = models.TextField()
    url = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The bell counts, and the list shows first, a user's unread notices newest first.
            models.Index(
                fields=["recipient", "-created_at"],
                name="notice_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} → user {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
