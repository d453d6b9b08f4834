"""The database refuses what the services would never write (style.md: choices don't constrain)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents.case_models import Case, CaseNote, CaseStudent
from stairs.vocabulary import CaseStatus
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lea_coordinator, tree, windows, filing_day) -> Case:
    return draft(lea_coordinator, tree.school_a1)


def _refused(**changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk__isnull=False).update(**changes)


def test_an_unknown_status_is_refused(case):
    _refused(status="ON_HOLD")


def test_a_draft_has_no_number(case):
    _refused(number="2026-000001")


def test_a_submitted_case_has_its_number_and_submission(case, lea_coordinator):
    _refused(status=CaseStatus.COMPLETED)
    _refused(status=CaseStatus.COMPLETED, number="2026-000001", submitted_at=timezone.now())
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.COMPLETED,
        number="2026-000001",
        submitted_at=timezone.now(),
        submitted_by=lea_coordinator,
    )


def test_a_case_number_has_its_format(case, lea_coordinator):
    submitted = {
        "status": CaseStatus.COMPLETED,
        "submitted_at": timezone.now(),
        "submitted_by": lea_coordinator,
    }
    _refused(number="26-1", **submitted)
    _refused(number="2026-00001A", **submitted)


def test_case_numbers_are_unique(case, lea_coordinator, tree):
    other = draft(lea_coordinator, tree.school_a1)
    submitted = {
        "status": CaseStatus.COMPLETED,
        "number": "2026-000007",
        "submitted_at": timezone.now(),
        "submitted_by": lea_coordinator,
    }
    Case.objects.filter(pk=case.pk).update(**submitted)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=other.pk).update(**submitted)


def test_an_unknown_input_type_or_grade_is_refused(case):
    _refused(ssid_input_type="FAX")
    _refused(grade=13)


def test_only_an_appealable_ssid_can_be_selected(case, tree):
    student = StudentFactory(school=tree.school_a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseStudent.objects.create(case=case, student=student, appealable=False, selected=True)
    CaseStudent.objects.create(case=case, student=student, appealable=True, selected=True)


def test_an_ssid_appears_once_per_case(case, tree):
    student = StudentFactory(school=tree.school_a1)
    CaseStudent.objects.create(case=case, student=student)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseStudent.objects.create(case=case, student=student)


def test_a_case_student_decision_uses_the_vocabulary(case, tree):
    student = StudentFactory(school=tree.school_a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseStudent.objects.create(case=case, student=student, appeal="REWIND")
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseStudent.objects.create(case=case, student=student, reviewer="ETS")


def test_a_note_is_not_empty(case, lea_coordinator):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseNote.objects.create(case=case, author=lea_coordinator, body="")
