"""One-row invariants, held by the database even against QuerySet.update()."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from students.models import Student, TestEvent, TestStatus
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db


def _violates(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except (IntegrityError, DataError):
        return True
    return False


@pytest.mark.parametrize("ssid", ["123456789", "12345678901", "12345abcde", ""])
def test_an_ssid_is_exactly_ten_digits_in_the_database(ssid):
    student = StudentFactory()
    assert _violates(Student.objects.filter(pk=student.pk), ssid=ssid)


def test_an_ssid_is_exactly_ten_digits_in_forms():
    student = StudentFactory.build(ssid="12345", school=StudentFactory().school)
    with pytest.raises(ValidationError) as caught:
        student.full_clean()
    assert "An SSID is exactly 10 digits." in caught.value.message_dict["ssid"]


def test_ssids_are_unique():
    StudentFactory(ssid="1234567890")
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory(ssid="1234567890")


def test_grade_is_k_to_12():
    student = StudentFactory()
    assert _violates(Student.objects.filter(pk=student.pk), grade=13)
    assert not _violates(Student.objects.filter(pk=student.pk), grade=0)


def test_a_student_is_enrolled_at_a_school_not_an_lea(tree):
    student = StudentFactory.build(school=tree.lea_a)
    with pytest.raises(ValidationError, match="enrolled at a school"):
        student.full_clean()


def test_str_never_carries_the_name():
    student = StudentFactory(first_name="Zelda", last_name="Quintero")
    event = make_event(student)
    assert "Zelda" not in str(student) and "Quintero" not in str(student)
    assert "Quintero" not in str(event)
    assert student.ssid in str(event)


def test_status_is_constrained_to_the_contract_values():
    event = make_event()
    assert _violates(TestEvent.objects.filter(pk=event.pk), status="ALMOST_DONE")
    assert _violates(TestEvent.objects.filter(pk=event.pk), delivery="FAX")


def test_a_test_not_started_has_no_opening_and_no_answers():
    event = make_event(status=TestStatus.NOT_STARTED)
    assert _violates(TestEvent.objects.filter(pk=event.pk), questions_completed=3)
    started = make_event()
    assert _violates(TestEvent.objects.filter(pk=started.pk), status=TestStatus.NOT_STARTED)
    assert _violates(TestEvent.objects.filter(pk=started.pk), opened_at=None)


def test_an_invalidated_test_carries_its_condition_code():
    event = make_event(status=TestStatus.SUBMITTED)
    assert _violates(TestEvent.objects.filter(pk=event.pk), status=TestStatus.INVALIDATED)


def test_expiry_comes_after_opening():
    event = make_event()
    assert _violates(TestEvent.objects.filter(pk=event.pk), expires_at=event.opened_at)


def test_one_event_per_student_part_and_year():
    event = make_event()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(event.student)
    make_event(event.student, school_year=2027)


def test_plain_values_for_the_rules():
    event = make_event(test="CAST", part="")
    assert (event.test_code, event.part_code, event.program) == ("CAST", None, "CAASPP")
    assert make_event(event.student, test="SB_ELA", part="PT").part_code == "PT"


def test_paper_tests_and_the_caa_do_not_expire():
    assert make_event(delivery="PAPER").expires_at is None
    assert make_event(test="CAA_MATH", part="").expires_at is None
