"""Reasons a coordinator can read and act on (issue 7, B10); no database.

The rule id has its own field, so a reason quotes no rule ids and no source documents, and it
never reads "fewer than 1 question was completed; 0 were". Every refusal ends with what the
coordinator can do now; where that advice is to file at another moment or differently, the
decision's `next_step` says how the situation changes, and feeding it back to the rules must
reach an appeal (following at most three pieces of advice).
"""

from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType
from typing import Any

from appeals.rules import decide
from appeals.rules.decision import Decision
from appeals.rules.situation import Situation
from stairs.vocabulary import TestStatus
from tests.appeals.rules_cases import CATALOG, DISRUPTED, TD, elpac, run, sb, situation_sweep

SWEEP = situation_sweep(
    grades=(0, 2, 3, 8),
    counts=(0, 1, 10, 11, 40),
    statuses=tuple(TestStatus),
    iep_values=(True, False),
)

# A rule id ("A-RESET-9", "C-4", "T-3"; not "K-2"), talk of the documents, or the count
# sentences the issue quotes.
UNREADABLE = re.compile(
    r"\b(?!K-)[A-Z]{1,2}-(?:[A-Z]+-)?\d+\b|the documents|\b003\b|fewer than 1 |\b0 were\b"
)


def _decisions() -> list[tuple[Situation, Decision]]:
    return [(s, decide(s, CATALOG)) for s in SWEEP]


DECISIONS = _decisions()


def test_reasons_quote_no_rule_ids_and_no_documents() -> None:
    assert len(DECISIONS) > 20_000
    for s, d in DECISIONS:
        assert not UNREADABLE.search(d.reason), (s, d.reason)


def test_every_refusal_says_what_the_coordinator_can_do_now() -> None:
    for s, d in DECISIONS:
        if not d.appealable:
            assert d.advice and d.reason.endswith(f"; {d.advice}."), (s, d.reason)


def _apply(situation: Situation, step: dict[str, Any]) -> Situation:
    changes = dict(step)
    if "answers" in changes:
        changes["answers"] = MappingProxyType(dict(changes["answers"]))
    return dataclasses.replace(situation, **changes)


def _follow(situation: Situation, decision: Decision) -> tuple[int, Decision]:
    hops = 0
    while not decision.appealable and decision.next_step is not None and hops < 3:
        situation = _apply(situation, dict(decision.next_step))
        decision = decide(situation, CATALOG)
        hops += 1
    return hops, decision


def test_the_advised_next_step_leads_to_an_appeal() -> None:
    followed = set()
    for s, d in DECISIONS:
        hops, reached = _follow(s, d)
        if hops:
            followed.add((s.incident, d.rule))
            assert reached.appealable, (s, d.reason, reached.reason)
    # Not vacuous: advice of many kinds was followed.
    assert len(followed) >= 10, followed


def test_a_submitted_test_is_not_told_to_wait_for_an_expiry() -> None:
    # rule A-REOPEN-2: a submitted test never expires (the defect: "until the test expires").
    raw = sb(
        "INCORRECT_ASSESSMENT",
        questions_completed=30,
        test_status="SUBMITTED",
        answers={"what": "SUMMATIVE_INSTEAD_OF_PRACTICE", "nonallowable_materials": False},
    )
    d = run(raw)
    assert not d.appealable
    assert "once the test expires" not in d.reason and "never expires" in d.reason
    assert d.next_step is not None and d.next_step["answers"]["nonallowable_materials"] is True


def test_a_k2_writing_support_error_is_sent_to_the_dei_only_where_it_is_accepted() -> None:
    # rule A-RESET-2: the Summative ELPAC K-2 Writing test online has no DEI entries, so the
    # advice cannot be a Data Entry Issue case (the defect); the Initial ELPAC's has them.
    summative = run(elpac("DESIGNATED_SUPPORT_ELPAC", "WRITING", grade=1))
    assert "Data Entry Issue" not in summative.reason and summative.next_step is None
    initial = run(elpac("DESIGNATED_SUPPORT_ELPAC", "WRITING", "INITIAL_ELPAC", grade=1))
    assert "Data Entry Issue" in initial.reason
    assert initial.next_step == {"incident": "DATA_ENTRY_ISSUE", "answers": {"entries": "ALL"}}


def test_an_expired_pause_rule_while_testing_again_has_a_next_step() -> None:
    # rule T-3: the defect was "no extension can be filed" with nothing to do.
    d = run(sb(TD, answers=DISRUPTED, test_status="IN_PROGRESS"))
    assert not d.appealable and d.next_step == {"test_status": "PAUSED"}
    assert run(sb(TD, answers=DISRUPTED, test_status="PAUSED")).appeal == "GRACE_PERIOD_EXTENSION"


def test_appealable_and_the_reason_agree() -> None:
    # issue 7, B9: a refusal's reason never says the appeal can be filed, and an appeal's reason
    # never says nothing is filed.
    claims = re.compile(
        r"can be reset|can re-open|can invalidate|can grant|so it is reset|is grounds for CDE"
    )
    for s, d in DECISIONS:
        if d.appealable:
            assert not d.advice and "nothing is filed" not in d.reason, (s, d.reason)
        else:
            why = d.reason[: -len(d.advice) - 3]
            assert not claims.search(why), (s, d.reason)
