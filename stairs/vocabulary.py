"""The one spelling of every code STAIRS shares: programs, tests, parts and domains,
deliveries, test-event statuses, appeal types and reviewers (contracts.md, domain.md).

Pure: no Django, so the rules, the transition table, the benchmark and the migrations' fixture
loader can use it without settings. Each member is its code (a `str`) and carries its human
label; the models build their `TextChoices` from these enums, so a code is written once.

A member's name is its value on purpose: Enum hashes a member by its name, and the rules look
codes up in mappings that also receive plain strings (a JSON situation, a database row).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Self


class Code(StrEnum):
    """A code with its label (for choices and pages) and a short label (inside sentences)."""

    _label: str
    _short_label: str

    def __new__(cls, value: str, label: str, short_label: str | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        member._short_label = short_label or label
        return member

    @property
    def label(self) -> str:
        return self._label

    @property
    def short_label(self) -> str:
        return self._short_label

    @property
    def in_sentence(self) -> str:
        """The label inside a sentence: its first letter lowered, names kept as they are
        spelled ("rejected by CalTAC", "pending CDE approval")."""
        return self._label[:1].lower() + self._label[1:]

    @classmethod
    def choices(cls) -> list[tuple[str, tuple[str, str]]]:
        """The argument of Django's functional `TextChoices(name, ...)`."""
        return [(member.name, (member.value, member.label)) for member in cls]


class Program(Code):
    CAASPP = "CAASPP", "CAASPP"
    ELPAC = "ELPAC", "ELPAC"


class AssessmentCode(Code):
    """The tests of contracts.md. Which program a test belongs to, its parts and its timing are
    catalog facts (students' Assessment rows, editable), not vocabulary."""

    SB_ELA = "SB_ELA", "Smarter Balanced ELA"
    SB_MATH = "SB_MATH", "Smarter Balanced Mathematics"
    CAST = "CAST", "California Science Test (CAST)"
    CAA_ELA = "CAA_ELA", "CAA for ELA"
    CAA_MATH = "CAA_MATH", "CAA for Mathematics"
    CAA_SCIENCE = "CAA_SCIENCE", "CAA for Science"
    CSA = "CSA", "California Spanish Assessment (CSA)"
    SUMMATIVE_ELPAC = "SUMMATIVE_ELPAC", "Summative ELPAC"
    INITIAL_ELPAC = "INITIAL_ELPAC", "Initial ELPAC"


# The California Alternate Assessments: examiner-led one-on-one tests, themselves the
# "alternate" of A-RESET-5 and outside parts of A-INVAL-1 (003).
ALTERNATE_ASSESSMENTS: Final = frozenset(
    {AssessmentCode.CAA_ELA, AssessmentCode.CAA_MATH, AssessmentCode.CAA_SCIENCE}
)


class PartCode(Code):
    """Smarter Balanced parts and ELPAC domains; a test taken as a whole has no part (C-1)."""

    NON_PT = "NON_PT", "non-PT (CAT)", "non-PT"
    PT = "PT", "Performance task (PT)", "PT"
    LISTENING = "LISTENING", "Listening"
    SPEAKING = "SPEAKING", "Speaking"
    READING = "READING", "Reading"
    WRITING = "WRITING", "Writing"


SMARTER_BALANCED_PARTS: Final = (PartCode.NON_PT, PartCode.PT)
ELPAC_DOMAINS: Final = (
    PartCode.LISTENING,
    PartCode.SPEAKING,
    PartCode.READING,
    PartCode.WRITING,
)


class Delivery(Code):
    ONLINE = "ONLINE", "Online (TDS)", "online"
    PAPER = "PAPER", "Paper (DEI)", "paper"


class TestStatus(Code):
    """The test_status values of contracts.md, in the order a test lives through them."""

    NOT_STARTED = "NOT_STARTED", "Not started"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    PAUSED = "PAUSED", "Paused"
    SUBMITTED = "SUBMITTED", "Submitted"
    EXPIRED = "EXPIRED", "Expired"
    RESET = "RESET", "Reset"
    INVALIDATED = "INVALIDATED", "Invalidated"


class AppealType(Code):
    """The appeals of domain.md section A, in the order of its table."""

    RESET = "RESET", "Reset"
    REOPEN = "REOPEN", "Re-open"
    RESTORE = "RESTORE", "Restore"
    GRACE_PERIOD_EXTENSION = "GRACE_PERIOD_EXTENSION", "Grace Period Extension"
    RESCORE = "RESCORE", "Rescore"
    INVALIDATE = "INVALIDATE", "Invalidate"


class Reviewer(Code):
    """Who decides an appeal (domain.md section A)."""

    CALTAC = "CALTAC", "CalTAC"
    CDE = "CDE", "CDE"


class CaseStatus(Code):
    """A STAIRS case's statuses (domain.md, "Case and appeal statuses"), draft first."""

    DRAFT = "DRAFT", "Draft"
    PENDING_CDE_APPROVAL = "PENDING_CDE_APPROVAL", "Pending CDE approval"
    PENDING_CALTAC_APPROVAL = "PENDING_CALTAC_APPROVAL", "Pending CalTAC approval"
    PARTIAL_CDE_APPROVAL = "PARTIAL_CDE_APPROVAL", "Partial CDE approval"
    PARTIAL_CALTAC_APPROVAL = "PARTIAL_CALTAC_APPROVAL", "Partial CalTAC approval"
    COMPLETED = "COMPLETED", "Completed"


class AppealStatus(Code):
    """An appeal's statuses (domain.md, "Case and appeal statuses"; A-1 for pending approval)."""

    PENDING = "PENDING", "Pending"
    PENDING_APPROVAL = "PENDING_APPROVAL", "Pending approval"
    APPROVED = "APPROVED", "Approved"
    REJECTED_BY_CDE = "REJECTED_BY_CDE", "Rejected by CDE"
    REJECTED_BY_CALTAC = "REJECTED_BY_CALTAC", "Rejected by CalTAC"
    REJECTED_BY_SYSTEM = "REJECTED_BY_SYSTEM", "Rejected by system"
    SWAP_APPROVED = "SWAP_APPROVED", "Swap approved"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


class SsidInputType(Code):
    """How a case's SSIDs were given (F-3): typed up to 10, an upload from 11."""

    TYPED = "TYPED", "Typed"
    UPLOAD = "UPLOAD", "Uploaded file"
