"""What the Students step's two test files (test_typed.py, test_upload.py) share besides the
fixtures in conftest.py: students made in bulk, the step's addresses, what a saved draft holds
and the words of F-10."""

from __future__ import annotations

from django.urls import reverse

from students.models import Student
from tests.students.factories import StudentFactory

NOT_FOUND = "not found, or not in your schools."


def pupils(school, count: int, *, start: int = 7_000_000_000) -> list[Student]:
    """``count`` students at ``school`` in one query (no test events)."""
    built = [StudentFactory.build(school=school, ssid=f"{start + n:010d}") for n in range(count)]
    return Student.objects.bulk_create(built)


def step_url(case) -> str:
    return reverse("incidents:wizard_students", args=[case.pk])


def preview_url(case) -> str:
    return reverse("incidents:wizard_eligibility", args=[case.pk])


def saved_ssids(case) -> list[str]:
    return list(case.students.order_by("pk").values_list("student__ssid", flat=True))
