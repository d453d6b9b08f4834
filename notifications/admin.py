from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from notifications.models import Notification
from notifications.services import notifications_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, for CDE administrators (the admin site is theirs only): filter on Failed to
    see what did not reach its recipient, and send it again once the cause is fixed."""

    list_display = (
        "subject",
        "recipient",
        "kind",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("recipient", "subject")
    readonly_fields = (
        "kind",
        "payload",
        "created_at",
        "claimed_at",
        "sent_at",
        "attempts",
        "last_error",
    )
    actions = ["send_again"]

    @admin.action(description="Send the selected failed emails again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notifications_retry(notification_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} failed email(s) queued again.", level=messages.SUCCESS)
