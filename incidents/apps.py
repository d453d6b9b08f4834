from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"

    def ready(self) -> None:
        from appeals.signals import appeals_changed
        from incidents.case_emails import KINDS
        from incidents.profile_appeals import recent_appeals_section
        from incidents.scheduled_emails import KINDS as SCHEDULED_KINDS
        from incidents.services import case_follow_appeals
        from notifications.renderers import register_kind
        from students.profile_sections import register_section

        # A case's status follows its appeals, in the transaction that changed them.
        appeals_changed.connect(case_follow_appeals, dispatch_uid="incidents.case_follow_appeals")
        # Score Status shows the student's recent STAIRS appeals (issue 9, item 9).
        register_section("score_status", "incidents.recent_appeals", recent_appeals_section)
        # A coordinator's cached dashboard ends with any change to what it shows (issue 10).
        from django.db.models.signals import post_delete, post_save

        from appeals.models import Appeal
        from incidents.case_models import Case, CaseNote
        from incidents.dashboard_cache import appeal_decided, case_changed, note_changed

        for model, receiver in (
            (Case, case_changed),
            (Appeal, case_changed),
            (CaseNote, note_changed),
        ):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    receiver, sender=model, dispatch_uid=f"dashboard.{model.__name__}.{name}"
                )
        # The reviewers' charts end with a decision of their team.
        post_save.connect(appeal_decided, sender=Appeal, dispatch_uid="dashboard.Appeal.decided")
        # The case emails, written by the outbox worker from their templates (issue 10).
        for kind in KINDS:
            register_kind(kind)
        # The morning's draft reminder (N-5) and CDE's digest (N-3).
        for kind in SCHEDULED_KINDS:
            register_kind(kind)
