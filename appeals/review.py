"""What a reviewer may choose when approving an appeal, and what changed on its test since filing.

Pure: plain values in, plain values out, no Django. The decision page offers exactly
``approval_choices`` and `appeals.services.appeal_approve` accepts exactly those, so the choices
come from the rules, not from the template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from stairs.vocabulary import AppealType, PartCode, Program, TestStatus

# The one Grace Period Extension a reviewer approves as an exception (A-GPE-1 against the
# sentence of 003 that lets CDE grant one for a PT): nothing on the test changes.
EXCEPTION: Final = "EXCEPTION"

# The test facts a reviewer compares with the moment of filing.
FACTS: Final = ("status", "questions_completed", "expires_at")


@dataclass(frozen=True, slots=True)
class Choice:
    """One way to approve: its code (an appeal type, or EXCEPTION), its label on the page, and
    the appeal type the approved appeal then has."""

    code: str
    label: str
    appeal_type: str
    exception: bool = False


def approval_choices(
    *, appeal_type: str, manual_review: bool, program: str, part: str
) -> tuple[Choice, ...]:
    """The ways ``appeal_type`` (empty: CDE chooses) may be approved.

    - An appeal the rules filed: its own type, nothing else.
    - Manual review without a type (the gap between A-RESET-9 and A-INVAL-1 at exactly 10
      non-PT or exactly 1 PT question; a missing limit; D-3): CDE chooses Reset or Invalidate;
      an ELPAC test is never invalidated (C-2), so Reset only there.
    - A Grace Period Extension for a CAASPP PT (manual review, A-GPE-1): approved as a recorded
      exception that changes nothing; the coordinator opens a new test session.
    """
    if appeal_type == AppealType.GRACE_PERIOD_EXTENSION and (
        manual_review or (program == Program.CAASPP and part == PartCode.PT)
    ):
        # rule A-GPE-1: a CAASPP PT has no pause rule, so nothing can be extended.
        return (
            Choice(
                EXCEPTION,
                "Approve as a recorded exception (nothing changes on the test; the coordinator "
                "opens a new test session)",
                AppealType.GRACE_PERIOD_EXTENSION,
                exception=True,
            ),
        )
    if appeal_type:
        kind = AppealType(appeal_type)
        return (Choice(kind, f"Approve the {kind.label}", kind),)
    # rule A-RESET-9 / A-INVAL-1 gap, and C-2 for the ELPAC
    choices = [Choice(AppealType.RESET, "Approve a Reset", AppealType.RESET)]
    if program != Program.ELPAC:
        choices.append(
            Choice(AppealType.INVALIDATE, "Approve an Invalidate", AppealType.INVALIDATE)
        )
    return tuple(choices)


def choice_for(choices: tuple[Choice, ...], code: str | None) -> Choice | None:
    """The choice named ``code``; the only choice when there is one and none was named."""
    if not code:
        return choices[0] if len(choices) == 1 else None
    return next((choice for choice in choices if choice.code == code), None)


def event_facts(
    *, status: str, questions_completed: int, expires_at: datetime | None
) -> dict[str, Any]:
    """The facts stored at filing (``Appeal.filed_state``), JSON-ready; the expiry in UTC, so
    the same moment always compares equal."""
    return {
        "status": status,
        "questions_completed": questions_completed,
        "expires_at": expires_at.astimezone(UTC).isoformat() if expires_at else None,
    }


def event_changes(filed: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """What differs between the facts at filing and now, as plain phrases ("status: in progress
    → submitted"); empty when nothing did, or when nothing was stored at filing."""
    if not filed:
        return []
    changes = []
    if filed.get("status") != now.get("status"):
        before, after = (
            TestStatus(filed["status"]).label.lower() if filed.get("status") else "none",
            TestStatus(now["status"]).label.lower() if now.get("status") else "none",
        )
        changes.append(f"status: {before} → {after}")
    if filed.get("questions_completed") != now.get("questions_completed"):
        changes.append(
            f"questions completed: {filed.get('questions_completed')} → "
            f"{now.get('questions_completed')}"
        )
    if filed.get("expires_at") != now.get("expires_at"):
        changes.append("expiry date changed")
    return changes


# The rules whose effect acts on the DEI entries only, not the test in the TDS (003).
_DEI_ONLY_RULES: Final = frozenset({"A-RESET-10", "A-REOPEN-3"})


def dei_only(*, incident: str, rule: str) -> bool:
    """Whether an appeal filed under ``rule`` for ``incident`` acts on the DEI entries only:
    A-RESET-10 and A-REOPEN-3 always, A-RESET-4 under a Data Entry Issue (elsewhere A-RESET-4
    resets both the TDS and the DEI events)."""
    return rule in _DEI_ONLY_RULES or (rule == "A-RESET-4" and incident == "DATA_ENTRY_ISSUE")
