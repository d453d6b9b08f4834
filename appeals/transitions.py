"""The one transition table of appeals: which status an appeal may move to from which, and which
review action does each move.

Pure: codes of the vocabulary (stairs/vocabulary.py), no Django. `appeals/services.py` refuses any
move the table does not list; pages render the same table (`actions_from`), so a button never
offers a move the service would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from stairs.vocabulary import AppealStatus, AppealType, Reviewer

# What an appeal may start as: Grace Period Extension and Restore wait for CDE's approval
# before they are filed; everything else is pending at once.
NEEDS_APPROVAL_FIRST: Final = frozenset({AppealType.GRACE_PERIOD_EXTENSION, AppealType.RESTORE})
INITIAL: Final = frozenset({AppealStatus.PENDING, AppealStatus.PENDING_APPROVAL})
OPEN: Final = INITIAL

REJECTIONS: Final = frozenset(
    {
        AppealStatus.REJECTED_BY_CDE,
        AppealStatus.REJECTED_BY_CALTAC,
        AppealStatus.REJECTED_BY_SYSTEM,
    }
)
# A reviewer's decision: what the Decided queue lists, and what the decision email announces.
DECIDED: Final = REJECTIONS | {AppealStatus.APPROVED, AppealStatus.SWAP_APPROVED}

# A reviewer team's own rejection status.
REJECTED_BY: Final[Mapping[str, AppealStatus]] = MappingProxyType(
    {Reviewer.CDE: AppealStatus.REJECTED_BY_CDE, Reviewer.CALTAC: AppealStatus.REJECTED_BY_CALTAC}
)


class Action(StrEnum):
    """The review actions, each one service of appeals/services.py."""

    PREAPPROVE = "preapprove"  # CDE approves a GPE or Restore for filing
    APPROVE = "approve"
    REJECT = "reject"
    REJECT_BY_SYSTEM = "reject_by_system"
    WITHDRAW = "withdraw"
    RESUBMIT = "resubmit"


# status -> the statuses it may move to. Approved, rejected by a reviewer, swap approved and
# withdrawn are final: TOMS keeps a decision as it was made, and a new appeal is a new case.
# Rejected by system is not a reviewer's judgment but a test that no longer allowed the effect;
# the coordinator may resubmit it once the test allows it (issue 9).
ALLOWED: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        AppealStatus.PENDING: frozenset(
            {AppealStatus.APPROVED, AppealStatus.SWAP_APPROVED, AppealStatus.WITHDRAWN} | REJECTIONS
        ),
        # CDE approves these for filing (then pending, with CDE as their reviewer too), or
        # rejects them; no effect applies before they are filed.
        AppealStatus.PENDING_APPROVAL: frozenset(
            {
                AppealStatus.PENDING,
                AppealStatus.REJECTED_BY_CDE,
                AppealStatus.REJECTED_BY_SYSTEM,
                AppealStatus.WITHDRAWN,
            }
        ),
        AppealStatus.REJECTED_BY_SYSTEM: frozenset(
            {AppealStatus.PENDING, AppealStatus.PENDING_APPROVAL, AppealStatus.WITHDRAWN}
        ),
        AppealStatus.APPROVED: frozenset(),
        AppealStatus.REJECTED_BY_CDE: frozenset(),
        AppealStatus.REJECTED_BY_CALTAC: frozenset(),
        AppealStatus.SWAP_APPROVED: frozenset(),
        AppealStatus.WITHDRAWN: frozenset(),
    }
)

# action -> the statuses it starts from. Reviewers act on open appeals; the filer side withdraws
# an open appeal or resubmits one the system rejected.
ACTIONS: Final[Mapping[Action, frozenset[str]]] = MappingProxyType(
    {
        Action.PREAPPROVE: frozenset({AppealStatus.PENDING_APPROVAL}),
        Action.APPROVE: frozenset({AppealStatus.PENDING}),
        Action.REJECT: frozenset({AppealStatus.PENDING, AppealStatus.PENDING_APPROVAL}),
        Action.REJECT_BY_SYSTEM: frozenset({AppealStatus.PENDING, AppealStatus.PENDING_APPROVAL}),
        Action.WITHDRAW: frozenset(OPEN | {AppealStatus.REJECTED_BY_SYSTEM}),
        Action.RESUBMIT: frozenset({AppealStatus.REJECTED_BY_SYSTEM}),
    }
)
REVIEWER_ACTIONS: Final = frozenset({Action.PREAPPROVE, Action.APPROVE, Action.REJECT})
FILER_ACTIONS: Final = frozenset({Action.WITHDRAW, Action.RESUBMIT})


def allows(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED[from_status]


def action_allowed(action: Action, status: str) -> bool:
    return status in ACTIONS[action]


def actions_from(status: str, actions: frozenset[Action] = REVIEWER_ACTIONS) -> list[Action]:
    """The ``actions`` a page may offer for an appeal in ``status``, in the order of Action."""
    return [action for action in Action if action in actions and status in ACTIONS[action]]


def initial_status(appeal_type: str | None) -> AppealStatus:
    """A new (or resubmitted) appeal's status (A-1). An appeal whose type CDE must still choose is
    pending with CDE: choosing it is CDE's review, not an approval before filing."""
    if appeal_type in NEEDS_APPROVAL_FIRST:
        return AppealStatus.PENDING_APPROVAL
    return AppealStatus.PENDING


def is_open(status: str) -> bool:
    """Still waiting for a decision."""
    return status in OPEN


def refusal(action: Action, status: str) -> str:
    """Why ``action`` cannot be taken on an appeal in ``status``: one sentence for people."""
    label = AppealStatus(status).in_sentence
    what = {
        Action.PREAPPROVE: "approved for filing: only an appeal pending approval is",
        Action.APPROVE: (
            "approved: it must first be approved for filing (A-1)"
            if status == AppealStatus.PENDING_APPROVAL
            else "approved: only a pending appeal is"
        ),
        Action.REJECT: "rejected: only an appeal waiting for a decision is",
        Action.REJECT_BY_SYSTEM: "rejected by the system: only an appeal waiting for a decision is",
        Action.WITHDRAW: "withdrawn: it was already decided",
        Action.RESUBMIT: "resubmitted: only an appeal rejected by the system is",
    }[action]
    return f"This appeal is {label}, so it cannot be {what}."
