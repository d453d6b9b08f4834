"""The appeal transition table, its review actions and an appeal's first status (A-1). Pure.

Every pair of statuses is checked against the table written out here once more, so a change to
appeals/transitions.py that opens or closes a move fails a test that names the move.
"""

from __future__ import annotations

import itertools

import pytest

from appeals.transitions import (
    ACTIONS,
    ALLOWED,
    Action,
    action_allowed,
    actions_from,
    allows,
    initial_status,
    is_open,
    refusal,
)
from stairs.vocabulary import AppealStatus, AppealType

S = AppealStatus
FINAL = [S.APPROVED, S.REJECTED_BY_CDE, S.REJECTED_BY_CALTAC, S.SWAP_APPROVED, S.WITHDRAWN]
EXPECTED = {
    (S.PENDING, S.APPROVED),
    (S.PENDING, S.REJECTED_BY_CALTAC),
    (S.PENDING, S.REJECTED_BY_CDE),
    (S.PENDING, S.REJECTED_BY_SYSTEM),
    (S.PENDING, S.SWAP_APPROVED),
    (S.PENDING, S.WITHDRAWN),
    # rule A-1: approved for filing (then pending), or rejected by CDE, never by CalTAC
    (S.PENDING_APPROVAL, S.PENDING),
    (S.PENDING_APPROVAL, S.REJECTED_BY_CDE),
    (S.PENDING_APPROVAL, S.REJECTED_BY_SYSTEM),
    (S.PENDING_APPROVAL, S.WITHDRAWN),
    # issue 9: the coordinator resubmits what the system rejected, or withdraws it
    (S.REJECTED_BY_SYSTEM, S.PENDING),
    (S.REJECTED_BY_SYSTEM, S.PENDING_APPROVAL),
    (S.REJECTED_BY_SYSTEM, S.WITHDRAWN),
}


def test_the_table_covers_every_status():
    assert set(ALLOWED) == set(AppealStatus)


@pytest.mark.parametrize(("from_status", "to_status"), itertools.product(S, S))
def test_each_move_is_allowed_or_refused(from_status, to_status):
    assert allows(from_status, to_status) is ((from_status, to_status) in EXPECTED)


@pytest.mark.parametrize("appeal", list(AppealType))
def test_grace_period_extension_and_restore_start_pending_approval(appeal):
    # rule A-1
    expected = (
        S.PENDING_APPROVAL
        if appeal in (AppealType.GRACE_PERIOD_EXTENSION, AppealType.RESTORE)
        else S.PENDING
    )
    assert initial_status(appeal) == expected


def test_an_appeal_cde_must_choose_starts_pending():
    assert initial_status(None) == S.PENDING


@pytest.mark.parametrize("status", FINAL)
def test_decided_and_withdrawn_appeals_are_final(status):
    assert ALLOWED[status] == frozenset()
    assert not is_open(status)
    assert actions_from(status, frozenset(Action)) == []


def test_each_action_starts_only_where_its_move_is_in_the_table():
    moves = {
        Action.PREAPPROVE: {S.PENDING},
        Action.APPROVE: {S.APPROVED, S.REJECTED_BY_SYSTEM},
        Action.REJECT: {S.REJECTED_BY_CDE},
        Action.REJECT_BY_SYSTEM: {S.REJECTED_BY_SYSTEM},
        Action.WITHDRAW: {S.WITHDRAWN},
        Action.RESUBMIT: {S.PENDING, S.PENDING_APPROVAL},
    }
    for action, starts in ACTIONS.items():
        for status in starts:
            assert any(allows(status, to) for to in moves[action]), (action, status)


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (S.PENDING, [Action.APPROVE, Action.REJECT]),
        (S.PENDING_APPROVAL, [Action.PREAPPROVE, Action.REJECT]),
        (S.REJECTED_BY_SYSTEM, []),
        (S.APPROVED, []),
    ],
)
def test_pages_offer_reviewers_the_actions_of_the_table(status, offered):
    assert actions_from(status) == offered


def test_a_refusal_says_why_in_words():
    assert not action_allowed(Action.APPROVE, S.PENDING_APPROVAL)
    assert refusal(Action.APPROVE, S.PENDING_APPROVAL) == (
        "This appeal is pending approval, so it cannot be approved: it must first be approved "
        "for filing (A-1)."
    )
    assert "only an appeal rejected by the system is" in refusal(Action.RESUBMIT, S.APPROVED)
