"""The case transition table and the status that follows from a case's appeals. Pure."""

from __future__ import annotations

import pytest

from incidents.transitions import ALLOWED, allows, case_status_for
from stairs.vocabulary import AppealStatus, CaseStatus, Reviewer, SsidInputType

P, PA = AppealStatus.PENDING, AppealStatus.PENDING_APPROVAL
OK, NO = AppealStatus.APPROVED, AppealStatus.REJECTED_BY_CALTAC
CDE, CALTAC = Reviewer.CDE, Reviewer.CALTAC


def test_the_table_covers_every_status_and_only_statuses():
    assert set(ALLOWED) == set(CaseStatus)
    for targets in ALLOWED.values():
        assert targets <= set(CaseStatus)
        assert CaseStatus.DRAFT not in targets  # a submitted case never becomes a draft again


@pytest.mark.parametrize(
    ("from_status", "to_status", "allowed"),
    [
        (CaseStatus.DRAFT, CaseStatus.PENDING_CDE_APPROVAL, True),
        (CaseStatus.DRAFT, CaseStatus.PENDING_CALTAC_APPROVAL, True),
        (CaseStatus.DRAFT, CaseStatus.COMPLETED, True),
        (CaseStatus.PENDING_CDE_APPROVAL, CaseStatus.PARTIAL_CDE_APPROVAL, True),
        (CaseStatus.PENDING_CDE_APPROVAL, CaseStatus.PARTIAL_CALTAC_APPROVAL, True),
        (CaseStatus.PENDING_CALTAC_APPROVAL, CaseStatus.PARTIAL_CALTAC_APPROVAL, True),
        (CaseStatus.PENDING_CALTAC_APPROVAL, CaseStatus.COMPLETED, True),
        (CaseStatus.PARTIAL_CDE_APPROVAL, CaseStatus.COMPLETED, True),
        (CaseStatus.PARTIAL_CALTAC_APPROVAL, CaseStatus.COMPLETED, True),
        # An appeal rejected by the system and resubmitted opens a completed case again, and its
        # new decision may be the other team's (issue 9).
        (CaseStatus.COMPLETED, CaseStatus.PENDING_CDE_APPROVAL, True),
        (CaseStatus.PENDING_CALTAC_APPROVAL, CaseStatus.PENDING_CDE_APPROVAL, True),
        (CaseStatus.PARTIAL_CALTAC_APPROVAL, CaseStatus.PARTIAL_CDE_APPROVAL, True),
        # refused: never back to draft, never a move to where it is
        (CaseStatus.COMPLETED, CaseStatus.DRAFT, False),
        (CaseStatus.PARTIAL_CDE_APPROVAL, CaseStatus.DRAFT, False),
        (CaseStatus.COMPLETED, CaseStatus.COMPLETED, False),
        (CaseStatus.DRAFT, CaseStatus.DRAFT, False),
    ],
)
def test_each_move_is_allowed_or_refused(from_status, to_status, allowed):
    assert allows(from_status, to_status) is allowed


@pytest.mark.parametrize(
    ("appeals", "status"),
    [
        # F-2: no appeal, nothing to approve
        ([], CaseStatus.COMPLETED),
        ([(P, CALTAC)], CaseStatus.PENDING_CALTAC_APPROVAL),
        ([(P, CALTAC), (P, CALTAC)], CaseStatus.PENDING_CALTAC_APPROVAL),
        # rule A-1: pending approval waits on CDE
        ([(PA, CDE)], CaseStatus.PENDING_CDE_APPROVAL),
        # CDE first when both still have appeals open
        ([(P, CALTAC), (P, CDE)], CaseStatus.PENDING_CDE_APPROVAL),
        # a manual review without a reviewer would be CDE's
        ([(P, None)], CaseStatus.PENDING_CDE_APPROVAL),
        ([(OK, CALTAC), (P, CALTAC)], CaseStatus.PARTIAL_CALTAC_APPROVAL),
        ([(NO, CALTAC), (P, CDE)], CaseStatus.PARTIAL_CDE_APPROVAL),
        ([(OK, CDE), (P, CALTAC)], CaseStatus.PARTIAL_CALTAC_APPROVAL),
        ([(OK, CALTAC), (NO, CALTAC)], CaseStatus.COMPLETED),
        ([(AppealStatus.WITHDRAWN, CALTAC)], CaseStatus.COMPLETED),
        # a withdrawn appeal is no decision: the other is still simply pending
        ([(AppealStatus.WITHDRAWN, CDE), (P, CALTAC)], CaseStatus.PENDING_CALTAC_APPROVAL),
        ([(AppealStatus.REJECTED_BY_SYSTEM, CDE), (P, CALTAC)], CaseStatus.PARTIAL_CALTAC_APPROVAL),
        ([(AppealStatus.SWAP_APPROVED, CALTAC)], CaseStatus.COMPLETED),
    ],
)
def test_a_case_status_follows_from_its_appeals(appeals, status):
    assert case_status_for(appeals) == status


def test_every_status_reached_from_a_draft_is_reachable_in_the_table():
    # What case_status_for can give on submission is what the table lets a draft become.
    samples = [[], [(P, CALTAC)], [(PA, CDE)]]
    for appeals in samples:
        assert allows(CaseStatus.DRAFT, case_status_for(appeals))


@pytest.mark.parametrize("enum", [CaseStatus, AppealStatus, SsidInputType])
def test_the_new_codes_are_their_names_with_labels(enum):
    # The vocabulary's convention (stairs/vocabulary.py): a member is the plain string it is.
    for member in enum:
        assert member.name == member.value and member.label
        assert {member.value: True}[member]


def test_the_models_choices_are_the_vocabularys():
    from appeals.models import AppealStatus as AppealStatusChoice
    from incidents.case_models import CaseStatus as CaseStatusChoice

    assert [(m.value, m.label) for m in CaseStatus] == CaseStatusChoice.choices
    assert [(m.value, m.label) for m in AppealStatus] == AppealStatusChoice.choices
