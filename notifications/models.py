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
    # The recipient chose one email a day for notes and decisions: held, then sent in it.
    HELD = "HELD", "Held for the daily digest"
    DIGESTED = "DIGESTED", "Sent in a daily digest"


# The rows a worker may still have to send (the resend task's partial index).
UNSENT = (NotificationStatus.PENDING, NotificationStatus.SENDING)


class Notification(models.Model):
    """One email to one recipient. Emails carry SSIDs only, never student names.

    A row names its ``kind`` and a ``payload`` of ids; the worker writes the subject, text and
    HTML from the kind's templates when it sends (notifications/renderers.py), from the
    database as it is then: nothing frozen at queue time, and a one-time link never stored.
    ``subject`` is filled in when it is sent, for the administrators' list. (``body`` is only
    for rows queued before kinds existed; new rows never have one.)
    """

    recipient = models.EmailField()
    # The account it is for, when there is one: whose digest choice applies.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    kind = models.CharField(max_length=60, blank=True)
    # Ids and other non-secret values the renderer needs, never the secret itself.
    payload = models.JSONField(default=dict, blank=True)
    # A scheduled email's identity ("draft-reminder:2026-12-02:…"): written once however many
    # times its task runs.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # The daily digest that carried this row (status DIGESTED).
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    status = models.CharField(
        max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # After a failed attempt, not before this (backoff); the resend task hands it on then.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
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
            # The resend task's rows: the few not yet sent, oldest first.
            models.Index(
                fields=["created_at"],
                name="notification_unsent_idx",
                condition=Q(status__in=UNSENT),
            ),
            # The daily digest's rows, by account.
            models.Index(
                fields=["user"],
                name="notification_held_idx",
                condition=Q(status=NotificationStatus.HELD),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject or self.kind} → {self.recipient} ({self.get_status_display()})"


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


class EmailPreference(models.Model):
    """A user's choice for the emails about notes and decisions: each as it happens (no row, the
    default), or one daily digest. Submission (N-1) and security emails are always immediate."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="email_preference",
    )
    daily_digest = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"user {self.user_id}: {'daily digest' if self.daily_digest else 'immediate'}"
