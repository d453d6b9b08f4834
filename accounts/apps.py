from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self) -> None:
        # The outbox worker writes the invitation's one-time link when it sends (B7).
        from accounts.emails import KINDS
        from notifications.renderers import register_kind

        for kind in KINDS:
            register_kind(kind)
