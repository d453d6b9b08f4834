"""The one transition table of STAIRS cases, and the case status that follows from its appeals.

Pure: codes of the vocabulary (stairs/vocabulary.py), no Django. `incidents/services.py` moves a
case only along this table; pages render the same table.

A submitted case's status is not chosen by anyone: it follows from its appeals
(architecture.md), through `case_status_for`. The table still lists every move so a service bug
(say, a decided appeal sending a completed case back to pending) is refused, not stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

from stairs.vocabulary import AppealStatus, CaseStatus, Reviewer

_OPEN_APPEAL: Final = frozenset({AppealStatus.PENDING, AppealStatus.PENDING_APPROVAL})
_WAITING: Final = frozenset(
    {
        CaseStatus.PENDING_CDE_APPROVAL,
        CaseStatus.PENDING_CALTAC_APPROVAL,
        CaseStatus.PARTIAL_CDE_APPROVAL,
        CaseStatus.PARTIAL_CALTAC_APPROVAL,
    }
)

# status -> the statuses it may move to.
ALLOWED: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        # Submission: whatever its appeals make it (no appeal: completed).
        CaseStatus.DRAFT: frozenset(_WAITING | {CaseStatus.COMPLETED}),
        # After submission the status follows the appeals (issue 9): decisions arrive one appeal
        # at a time and in any order, an appeal approved for filing or rejected by the
        # system and resubmitted opens again, so any submitted status may follow any other.
        # A case never goes back to draft.
        **{
            status: frozenset((_WAITING | {CaseStatus.COMPLETED}) - {status})
            for status in _WAITING | {CaseStatus.COMPLETED}
        },
    }
)

# Only a draft is edited or deleted by its filer; only a case still waiting can be withdrawn.
EDITABLE: Final = frozenset({CaseStatus.DRAFT})
WITHDRAWABLE: Final = _WAITING


def allows(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED[from_status]


def case_status_for(appeals: Iterable[tuple[str, str | None]]) -> CaseStatus:
    """The status of a submitted case from its appeals' ``(status, reviewer)`` pairs.

    - No appeal, or none still open: completed. A case that files no appeal (an impropriety,
      a nonappealable incident, F-2) has nothing left for anyone to approve: TOMS closes it on
      submission, and leaving it "pending" would put it in a reviewer's queue with nothing to
      decide. Withdrawn appeals count as closed.
    - Some open: pending with the reviewer who still has to act, or partial once any other
      appeal of the case has been decided (approved or rejected). CDE comes first when both
      still have appeals open: CDE's approvals gate filing (A-1), and CDE may review any case
      (D-3), so the case waits on the state until CDE is done.
    """
    open_reviewers: set[str | None] = set()
    decided = False
    for status, reviewer in appeals:
        if status in _OPEN_APPEAL:
            open_reviewers.add(reviewer)
        elif status != AppealStatus.WITHDRAWN:
            decided = True
    if not open_reviewers:
        return CaseStatus.COMPLETED
    # An appeal without a reviewer is one CDE must route by hand (manual review).
    cde = Reviewer.CDE in open_reviewers or None in open_reviewers
    if decided:
        return CaseStatus.PARTIAL_CDE_APPROVAL if cde else CaseStatus.PARTIAL_CALTAC_APPROVAL
    return CaseStatus.PENDING_CDE_APPROVAL if cde else CaseStatus.PENDING_CALTAC_APPROVAL
