from django.apps import AppConfig
from django.db.models.signals import post_save


def _school_saved(sender, instance, **kwargs) -> None:
    """A school moved to another LEA takes its students along: ``Student.lea`` copies the school's
    LEA (students/0004), and an LEA's scope reads it (U-4, F-10)."""
    from accounts.models import OrganizationKind
    from students.models import Student

    if instance.kind == OrganizationKind.SCHOOL and not kwargs.get("raw"):
        Student.objects.filter(school_id=instance.pk).exclude(lea_id=instance.parent_id).update(
            lea_id=instance.parent_id
        )


class StudentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "students"

    def ready(self) -> None:
        post_save.connect(
            _school_saved, sender="accounts.Organization", dispatch_uid="students.school_saved"
        )
