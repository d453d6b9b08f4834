from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"

    def ready(self) -> None:
        from notifications.digests import DIGEST_KIND
        from notifications.renderers import register_kind

        register_kind(DIGEST_KIND)
