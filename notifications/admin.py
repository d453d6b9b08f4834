from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from notifications.models import Notification
from notifications.services import notifications_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, for CDE administrators (the admin site is theirs only): filter on Failed to
    see what did not reach its recipient and why (the error of the last attempt), and send it
    again once the cause is fixed. The subject is written when an email is sent; before that
    the row shows its kind."""

    list_display = (
        "recipient",
        "kind",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("recipient", "subject")
    date_hierarchy = "created_at"
    readonly_fields = (
        "recipient",
        "user",
        "kind",
        "payload",
        "key",
        "subject",
        "body",
        "status",
        "digest",
        "created_at",
        "claimed_at",
        "next_attempt_at",
        "sent_at",
        "attempts",
        "last_error",
    )
    list_select_related = False
    actions = ["send_again"]

    @admin.action(description="Send the selected failed emails again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notifications_retry(notification_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} failed email(s) queued again.", level=messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Emails are written by the services that have something to tell, never by hand.
        return False
