"""The appeal transition table and an appeal's first status (A-1). Pure."""

from __future__ import annotations

import pytest

from appeals.transitions import ALLOWED, allows, initial_status, is_open
from stairs.vocabulary import AppealStatus, AppealType

FINAL = [
    AppealStatus.APPROVED,
    AppealStatus.REJECTED_BY_CDE,
    AppealStatus.REJECTED_BY_CALTAC,
    AppealStatus.REJECTED_BY_SYSTEM,
    AppealStatus.SWAP_APPROVED,
    AppealStatus.WITHDRAWN,
]


def test_the_table_covers_every_status():
    assert set(ALLOWED) == set(AppealStatus)


@pytest.mark.parametrize("appeal", list(AppealType))
def test_grace_period_extension_and_restore_start_pending_approval(appeal):
    # rule A-1
    expected = (
        AppealStatus.PENDING_APPROVAL
        if appeal in (AppealType.GRACE_PERIOD_EXTENSION, AppealType.RESTORE)
        else AppealStatus.PENDING
    )
    assert initial_status(appeal) == expected


def test_an_appeal_cde_must_choose_starts_pending():
    assert initial_status(None) == AppealStatus.PENDING


@pytest.mark.parametrize("status", FINAL)
def test_decided_and_withdrawn_appeals_are_final(status):
    assert ALLOWED[status] == frozenset()
    assert not is_open(status)


@pytest.mark.parametrize(
    ("from_status", "to_status", "allowed"),
    [
        (AppealStatus.PENDING, AppealStatus.APPROVED, True),
        (AppealStatus.PENDING, AppealStatus.REJECTED_BY_CALTAC, True),
        (AppealStatus.PENDING, AppealStatus.REJECTED_BY_CDE, True),
        (AppealStatus.PENDING, AppealStatus.REJECTED_BY_SYSTEM, True),
        (AppealStatus.PENDING, AppealStatus.SWAP_APPROVED, True),
        (AppealStatus.PENDING, AppealStatus.WITHDRAWN, True),
        (AppealStatus.PENDING_APPROVAL, AppealStatus.APPROVED, True),
        (AppealStatus.PENDING_APPROVAL, AppealStatus.REJECTED_BY_CDE, True),
        (AppealStatus.PENDING_APPROVAL, AppealStatus.WITHDRAWN, True),
        # rule A-1: only CDE decides what waits for CDE's approval
        (AppealStatus.PENDING_APPROVAL, AppealStatus.REJECTED_BY_CALTAC, False),
        (AppealStatus.PENDING_APPROVAL, AppealStatus.PENDING, False),
        (AppealStatus.PENDING, AppealStatus.PENDING_APPROVAL, False),
        (AppealStatus.APPROVED, AppealStatus.WITHDRAWN, False),
        (AppealStatus.WITHDRAWN, AppealStatus.PENDING, False),
    ],
)
def test_each_move_is_allowed_or_refused(from_status, to_status, allowed):
    assert allows(from_status, to_status) is allowed
