from django.apps import AppConfig


class AppealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "appeals"

    def ready(self) -> None:
        # The appeals' emails, written by the outbox worker from their templates (issue 10).
        from appeals.assignment import OVERDUE_KIND
        from appeals.decision_emails import KINDS
        from notifications.renderers import register_kind

        for kind in (*KINDS, OVERDUE_KIND):
            register_kind(kind)
