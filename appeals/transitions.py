"""The one transition table of appeals: which status an appeal may move to from which.

Pure: codes of the vocabulary (stairs/vocabulary.py), no Django. `appeals/services.py` refuses any
move the table does not list; pages render the same table, so a button never offers a move the
service would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from stairs.vocabulary import AppealStatus, AppealType

# What an appeal may start as: Grace Period Extension and Restore wait for CDE's approval
# before they are filed; everything else is pending at once.
NEEDS_APPROVAL_FIRST: Final = frozenset({AppealType.GRACE_PERIOD_EXTENSION, AppealType.RESTORE})
INITIAL: Final = frozenset({AppealStatus.PENDING, AppealStatus.PENDING_APPROVAL})
OPEN: Final = INITIAL

_REJECTIONS: Final = frozenset(
    {
        AppealStatus.REJECTED_BY_CDE,
        AppealStatus.REJECTED_BY_CALTAC,
        AppealStatus.REJECTED_BY_SYSTEM,
    }
)

# status -> the statuses it may move to. Decided and withdrawn appeals are final: a new appeal
# is a new case (TOMS keeps a decision as it was made).
ALLOWED: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        AppealStatus.PENDING: frozenset(
            {AppealStatus.APPROVED, AppealStatus.SWAP_APPROVED, AppealStatus.WITHDRAWN}
            | _REJECTIONS
        ),
        # CDE reviews these before they are filed, and CDE is also their reviewer (section
        # A's table), so its approval is the decision; they never become plain pending.
        AppealStatus.PENDING_APPROVAL: frozenset(
            {
                AppealStatus.APPROVED,
                AppealStatus.REJECTED_BY_CDE,
                AppealStatus.REJECTED_BY_SYSTEM,
                AppealStatus.WITHDRAWN,
            }
        ),
        AppealStatus.APPROVED: frozenset(),
        AppealStatus.REJECTED_BY_CDE: frozenset(),
        AppealStatus.REJECTED_BY_CALTAC: frozenset(),
        AppealStatus.REJECTED_BY_SYSTEM: frozenset(),
        AppealStatus.SWAP_APPROVED: frozenset(),
        AppealStatus.WITHDRAWN: frozenset(),
    }
)


def allows(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED[from_status]


def initial_status(appeal_type: str | None) -> AppealStatus:
    """A new appeal's status (A-1). An appeal whose type CDE must still choose is pending with
    CDE: choosing it is CDE's review, not an approval before filing."""
    if appeal_type in NEEDS_APPROVAL_FIRST:
        return AppealStatus.PENDING_APPROVAL
    return AppealStatus.PENDING


def is_open(status: str) -> bool:
    """Still waiting for a decision."""
    return status in OPEN
