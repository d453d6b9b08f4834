from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"

    def ready(self) -> None:
        from appeals.signals import appeals_changed
        from incidents.services import case_follow_appeals

        # A case's status follows its appeals, in the transaction that changed them.
        appeals_changed.connect(case_follow_appeals, dispatch_uid="incidents.case_follow_appeals")
