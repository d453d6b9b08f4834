"""Shared helpers of the rules tables (tests/appeals/test_rules*.py): the catalog from the
fixture, builders of situations as `stairs_rules` receives them, and of the expected decision
shape (appeal, reviewer, appealable, manual_review, irregularity_notation, rule). No database.
"""

from __future__ import annotations

from itertools import product
from types import MappingProxyType
from typing import Any

from appeals.rules import decide, parse_situation
from appeals.rules.catalog import load_fixture
from appeals.rules.decision import Decision
from appeals.rules.situation import Situation
from stairs.vocabulary import Delivery

CATALOG = load_fixture()
CALTAC, CDE = "CALTAC", "CDE"

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


def situation_sweep(
    *,
    grades: tuple[int, ...],
    counts: tuple[int, ...],
    statuses: tuple[str, ...],
    iep_values: tuple[bool, ...] = (False,),
) -> list[Situation]:
    """Every incident on every test, part and delivery it applies to, with every combination of
    its follow-up answers, crossed with the given grades, counts, statuses, IEP/504 flags and
    both window states: the sweeps that check invariants over all decisions."""
    out: list[Situation] = []
    for incident in CATALOG.incidents.values():
        answer_sets = incident.answer_combinations()
        for test, assessment in CATALOG.assessments.items():
            for part, delivery, grade, count, status, window, iep, answers in product(
                assessment.part_codes or (None,),
                tuple(Delivery),
                grades,
                counts,
                statuses,
                (True, False),
                iep_values,
                answer_sets,
            ):
                if not incident.applies_to(test, part, delivery):
                    continue
                out.append(
                    Situation(
                        incident=incident.code,
                        test=test,
                        part=part,
                        grade=grade,
                        delivery=delivery,
                        questions_completed=count,
                        iep_or_504=iep,
                        test_status=status,
                        reset_by_appeal=status == "RESET",
                        within_window=window,
                        answers=MappingProxyType(answers),
                    )
                )
    return out
