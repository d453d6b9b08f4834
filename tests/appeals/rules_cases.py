"""Shared helpers of the rules tables (tests/appeals/test_rules*.py): the catalog from the
fixture, builders of situations as `stairs_rules` receives them, and of the expected decision
shape (appeal, reviewer, appealable, manual_review, irregularity_notation, rule). No database.
"""

from __future__ import annotations

from typing import Any

from appeals.rules import (
    CALTAC,
    CDE,
    Decision,
    decide,
    load_fixture,
    parse_situation,
)

CATALOG = load_fixture()

RESET, REOPEN, RESTORE, GPE, RESCORE, INVALIDATE = (
    "RESET",
    "REOPEN",
    "RESTORE",
    "GRACE_PERIOD_EXTENSION",
    "RESCORE",
    "INVALIDATE",
)


def reset(rule: str, notation: bool = False) -> tuple:
    return (RESET, CALTAC, True, False, notation, rule)


def reopen(rule: str) -> tuple:
    return (REOPEN, CALTAC, True, False, False, rule)


def invalidate() -> tuple:
    return (INVALIDATE, CDE, True, False, False, "A-INVAL-1")


def nothing(rule: str, notation: bool = False) -> tuple:
    return (None, None, False, False, notation, rule)


def manual(rule: str, appeal: str | None = None) -> tuple:
    return (appeal, CDE, True, True, False, rule)


def run(raw: dict[str, Any]) -> Decision:
    return decide(parse_situation(raw, CATALOG), CATALOG)


def shape(d: Decision) -> tuple:
    return (d.appeal, d.reviewer, d.appealable, d.manual_review, d.irregularity_notation, d.rule)


def sb(incident: str, part: str = "NON_PT", test: str = "SB_MATH", **kw: Any) -> dict:
    return {"incident": incident, "test": test, "part": part, "grade": 7, **kw}


def elpac(incident: str, part: str, test: str = "SUMMATIVE_ELPAC", **kw: Any) -> dict:
    return {"incident": incident, "test": test, "part": part, "grade": 5, **kw}


def whole(incident: str, test: str = "CAST", **kw: Any) -> dict:
    return {"incident": incident, "test": test, "grade": 8, **kw}


TD = "TECHNICAL_DISRUPTION"
DISRUPTED = {"pause_expired": True, "student_break": False}
