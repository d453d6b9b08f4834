"""Factories for students and test events. The assessment catalog comes from the data migration;
``catalog_part`` reloads it when a transactional test (the browser tests) flushed it."""

from __future__ import annotations

from datetime import date, datetime

import factory
from django.apps import apps
from django.utils import timezone

from stairs.catalog_fixtures import load_assessment_catalog
from students import dates
from students.models import AssessmentPart, Delivery, Student, TestEvent, TestStatus
from tests.factories import SchoolFactory


def catalog_part(test: str, part: str = "") -> AssessmentPart:
    found = AssessmentPart.objects.select_related("assessment").filter(
        assessment__code=test, code=part
    )
    if not found.exists():
        load_assessment_catalog(apps, "assessment_catalog_v1.json")
    return found.get()


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    ssid = factory.Sequence(lambda n: f"{5000000000 + n:010d}")
    first_name = factory.Sequence(lambda n: f"Ana{n}")
    last_name = factory.Sequence(lambda n: f"Student{n}")
    birth_date = date(2015, 4, 30)
    grade = 5
    school = factory.SubFactory(SchoolFactory)


def make_event(
    student: Student | None = None,
    *,
    test: str = "SB_MATH",
    part: str = "NON_PT",
    status: str = TestStatus.IN_PROGRESS,
    opened_at: datetime | None = None,
    questions_completed: int | None = None,
    delivery: str = Delivery.ONLINE,
    **fields,
) -> TestEvent:
    """A test event in a consistent state for its status: opened a few days ago when started,
    expiry computed from the catalog."""
    student = student or StudentFactory()
    event = TestEvent(
        student=student,
        part=catalog_part(test, part),
        school_year=fields.pop("school_year", 2026),
        grade=fields.pop("grade", student.grade),
        delivery=delivery,
        status=status,
    )
    if status not in (TestStatus.NOT_STARTED, TestStatus.RESET):
        event.opened_at = opened_at or timezone.now() - timezone.timedelta(days=2)
        event.expires_at = event.expiry_for(event.opened_at)
        event.questions_completed = 5 if questions_completed is None else questions_completed
    if status == TestStatus.SUBMITTED:
        event.submitted_at = event.opened_at + timezone.timedelta(hours=1)
    if status == TestStatus.INVALIDATED:
        event.condition_code = "INV"
    for name, value in fields.items():
        setattr(event, name, value)
    event.save()
    return event


def pacific(*args: int) -> datetime:
    return datetime(*args, tzinfo=dates.PACIFIC)
