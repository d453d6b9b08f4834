"""Drafts and what follows submission: edit, delete, withdraw, notes (issue 8, part 7)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from appeals.models import Appeal
from incidents import services
from incidents.case_models import Case, CaseEvent, CaseEventKind
from stairs.vocabulary import AppealStatus, CaseStatus
from tests.incidents.conftest import draft

pytestmark = pytest.mark.django_db


def test_a_draft_is_created_with_its_lea_and_a_timeline_row(colleague, tree, windows, filing_day):
    case = draft(colleague, tree.school_a1)
    assert (case.status, case.number, case.lea, case.program) == (
        CaseStatus.DRAFT,
        None,
        tree.lea_a,
        "CAASPP",
    )
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.CREATED, actor=colleague).exists()


def test_a_draft_can_be_deleted_but_a_submitted_case_cannot(
    lea_coordinator, tree, windows, submitted_students
):
    doomed = draft(lea_coordinator, tree.school_a1)
    services.case_delete_draft(case=doomed, actor=lea_coordinator)
    assert not Case.objects.filter(pk=doomed.pk).exists()
    case = services.case_submit(
        case=draft(lea_coordinator, tree.school_a1, students=submitted_students),
        actor=lea_coordinator,
    )
    with pytest.raises(ValidationError, match="already submitted"):
        services.case_delete_draft(case=case, actor=lea_coordinator)
    with pytest.raises(ValidationError, match="already submitted"):
        services.case_update_draft(case=case, actor=lea_coordinator, comment="changed")


def test_an_unknown_field_is_a_programming_error(lea_coordinator, tree, windows, filing_day):
    case = draft(lea_coordinator, tree.school_a1)
    with pytest.raises(ValueError, match="number"):
        services.case_update_draft(case=case, actor=lea_coordinator, number="2026-000001")


def test_withdrawing_a_case_withdraws_its_pending_appeals(
    lea_coordinator, tree, windows, submitted_students
):
    case = services.case_submit(
        case=draft(lea_coordinator, tree.school_a1, students=submitted_students),
        actor=lea_coordinator,
    )
    with pytest.raises(ValidationError):
        services.case_withdraw(case=case, actor=lea_coordinator, reason="  ")
    case = services.case_withdraw(case=case, actor=lea_coordinator, reason="Wrong school.")
    assert case.status == CaseStatus.COMPLETED
    assert set(Appeal.objects.filter(case=case).values_list("status", flat=True)) == {
        AppealStatus.WITHDRAWN
    }
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.WITHDRAWN)
    assert (event.from_status, event.to_status, event.reason) == (
        CaseStatus.PENDING_CALTAC_APPROVAL,
        CaseStatus.COMPLETED,
        "Wrong school.",
    )
    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        services.case_withdraw(case=case, actor=lea_coordinator, reason="Again.")


def test_a_draft_cannot_be_withdrawn(lea_coordinator, tree, windows, filing_day):
    case = draft(lea_coordinator, tree.school_a1)
    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        services.case_withdraw(case=case, actor=lea_coordinator, reason="Never mind.")


def test_an_empty_note_is_refused(lea_coordinator, tree, windows, filing_day):
    case = draft(lea_coordinator, tree.school_a1)
    with pytest.raises(ValidationError):
        services.case_note_add(case=case, actor=lea_coordinator, body="   ")
    note = services.case_note_add(case=case, actor=lea_coordinator, body=" Called CalTAC. ")
    assert note.body == "Called CalTAC."
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.NOTE_ADDED).exists()
