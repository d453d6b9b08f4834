"""The appeal rules (domain.md sections A and C): what holds across families (C-3, C-4, the
test status), both sides of every numeric limit, the reasons' wording, invariants over every
combination, and the completeness of the tables; no database.

The tables are split by appeal family (test_rules_reset.py, test_rules_validity.py,
test_rules_reopen_grace_rescore_restore.py; helpers in rules_cases.py). Each row is one situation
as the `stairs_rules` command receives it and the decision it must get: (appeal, reviewer,
appealable, manual_review, irregularity_notation, rule), with a comment citing the rule it proves;
`test_every_rule_id_has_a_case` keeps the tables complete.
"""

from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType
from typing import Any

import pytest

from appeals.rules import SituationError, decide, parse_situation
from appeals.rules.decision import REVIEWERS
from appeals.rules.situation import Situation
from tests.appeals.rules_cases import (
    CATALOG,
    CDE,
    DISRUPTED,
    INVALIDATE,
    RESET,
    TD,
    elpac,
    invalidate,
    manual,
    nothing,
    reset,
    run,
    sb,
    shape,
    situation_sweep,
    whole,
)
from tests.appeals.test_rules_reopen_grace_rescore_restore import ACCESS_CASES
from tests.appeals.test_rules_reset import RESET_CASES
from tests.appeals.test_rules_validity import VALIDITY_CASES

CROSS_CASES = [
    # rule C-3
    (
        "invalidated_test_cannot_be_reopened_after_expiry",
        sb(
            "TEST_EXPIRED",
            test_status="INVALIDATED",
            answers={"cause": "EXCUSED_ABSENCE"},
        ),
        nothing("C-3"),
    ),
    (
        "invalidated_test_cannot_be_reopened_after_early_submit",
        sb("SUBMITTED_EARLY", test_status="INVALIDATED"),
        nothing("C-3"),
    ),
    (
        "invalidated_test_is_not_invalidated_twice",
        sb("CHEATING", test_status="INVALIDATED"),
        nothing("A-INVAL-1"),
    ),
    (
        # rule A-RESET-7 meets an approved Invalidate: a Reset cannot act on an invalidated test
        # (students/transitions.py), and the documents are silent, so CDE decides by hand.
        "invalidated_test_with_a_wrong_ssid_goes_to_cde_by_hand",
        sb("INCORRECT_SSID", test_status="INVALIDATED"),
        manual("A-RESET-7"),
    ),
    # rule C-4: nothing can be filed once the window has closed
    ("closed_window_blocks_a_reset", sb("INCORRECT_SSID", within_window=False), nothing("C-4")),
    ("closed_window_blocks_an_invalidate", sb("CHEATING", within_window=False), nothing("C-4")),
    (
        "closed_window_blocks_a_manual_review",
        sb("NONALLOWABLE_MATERIALS", questions_completed=10, within_window=False),
        nothing("C-4"),
    ),
    (
        "closed_window_keeps_the_elpac_notation",
        elpac("CHEATING", "READING", within_window=False),
        nothing("C-4", notation=True),
    ),
    (
        "closed_window_on_an_incident_without_appeal",
        sb("STUDENT_DISRUPTION", within_window=False),
        nothing("C-4"),
    ),
    # A reset test's event is gone: only a Restore acts on it.
    (
        "already_reset_test_has_nothing_to_reset_again",
        sb("INCORRECT_SSID", test_status="RESET", reset_by_appeal=True),
        nothing("A-RESET-7"),
    ),
    (
        "already_reset_test_is_not_reopened",
        sb("SUBMITTED_EARLY", test_status="RESET"),
        nothing("A-REOPEN-1"),
    ),
    # A test that has not started has no test event to appeal.
    (
        "not_started_test_has_nothing_to_reset",
        elpac("DOMAIN_EXEMPTION", "READING", iep_or_504=True, test_status="NOT_STARTED"),
        nothing("A-RESET-3"),
    ),
    (
        "not_started_test_has_nothing_to_invalidate",
        sb("CHEATING", test_status="NOT_STARTED"),
        nothing("A-INVAL-1"),
    ),
]
CASES = RESET_CASES + VALIDITY_CASES + ACCESS_CASES + CROSS_CASES


@pytest.mark.parametrize(
    ("raw", "want"), [c[1:] for c in CROSS_CASES], ids=[c[0] for c in CROSS_CASES]
)
def test_cross_family_table(raw: dict, want: tuple) -> None:
    assert shape(run(raw)) == want


# Both sides of every numeric limit, from the fixture's own numbers.
def _limit_cases() -> list:
    cases = []
    for (rule, test, part), value in sorted(CATALOG.limits.items()):
        # Counts of questions completed: a finished test, which every effect here can act on.
        base: dict[str, Any] = {"test": test, "grade": 5, "test_status": "SUBMITTED"}
        if part:
            base["part"] = part
        if rule == "A-RESET-2":
            # rule A-RESET-2: "no more than" the limit
            raw = {**base, "incident": "DESIGNATED_SUPPORT_ELPAC"}
            cases.append((f"{rule}-{test}-{part}-at", raw, value, reset(rule, notation=True)))
            cases.append((f"{rule}-{test}-{part}-over", raw, value + 1, nothing(rule, True)))
        elif rule == "A-RESET-9":
            # rule A-RESET-9: "fewer than" the limit; at the limit it is no longer a Reset
            raw = {**base, "incident": "NONALLOWABLE_MATERIALS"}
            cases.append((f"{rule}-{test}-{part}-below", raw, value - 1, reset(rule)))
            cases.append((f"{rule}-{test}-{part}-at", raw, value, manual("A-INVAL-1")))
        else:
            # rule A-INVAL-1: "more than" the limit; at the limit CDE decides by hand
            raw = {**base, "incident": "NONALLOWABLE_MATERIALS"}
            cases.append((f"{rule}-{test}-{part}-at", raw, value, manual("A-INVAL-1")))
            cases.append((f"{rule}-{test}-{part}-over", raw, value + 1, invalidate()))
    return cases


LIMIT_CASES = _limit_cases()


@pytest.mark.parametrize(
    ("raw", "count", "want"), [c[1:] for c in LIMIT_CASES], ids=[c[0] for c in LIMIT_CASES]
)
def test_both_sides_of_every_numeric_limit(raw: dict, count: int, want: tuple) -> None:
    assert shape(run({**raw, "questions_completed": count})) == want


@pytest.mark.parametrize(
    ("test", "part", "limit"),
    [
        # rule A-RESET-2: the numbers of 003, written out so a fixture edit is a visible change
        ("INITIAL_ELPAC", "LISTENING", 3),
        ("INITIAL_ELPAC", "SPEAKING", 6),
        ("INITIAL_ELPAC", "READING", 2),
        ("INITIAL_ELPAC", "WRITING", 1),
        ("SUMMATIVE_ELPAC", "LISTENING", 6),
        ("SUMMATIVE_ELPAC", "SPEAKING", 3),
        ("SUMMATIVE_ELPAC", "READING", 6),
        ("SUMMATIVE_ELPAC", "WRITING", 2),
    ],
)
def test_version_1_elpac_reset_limits_are_those_of_003(test: str, part: str, limit: int) -> None:
    assert CATALOG.limit("A-RESET-2", test, part) == limit


def test_version_1_caaspp_limits_are_10_non_pt_1_pt_10_cast() -> None:
    # rule A-RESET-9, A-INVAL-1
    for rule in ("A-RESET-9", "A-INVAL-1"):
        assert CATALOG.limit(rule, "SB_ELA", "NON_PT") == 10
        assert CATALOG.limit(rule, "SB_MATH", "PT") == 1
        assert CATALOG.limit(rule, "CAST", None) == 10


def test_reason_states_the_limit_and_the_count() -> None:
    # rule A-RESET-2: the example sentence of issue #4
    d = run(elpac("DESIGNATED_SUPPORT_ELPAC", "READING", questions_completed=7))
    assert d.reason.startswith(
        "Reset is allowed for Summative ELPAC Reading only if no more than 6 questions were "
        "completed; 7 were"
    )


def test_reason_of_the_gap_names_both_limits_and_cde() -> None:
    # the A-RESET-9 / A-INVAL-1 gap, in the coordinator's words (issue 7, B10)
    d = run(sb("NONALLOWABLE_MATERIALS", questions_completed=10))
    assert "a Reset needs fewer than 10 and an Invalidate more than 10" in d.reason
    assert d.reason.endswith("so CDE decides.")
    d = run(sb("NONALLOWABLE_MATERIALS", "PT", questions_completed=1))
    assert d.reason.startswith(
        "Exactly 1 performance-task question was completed on the Smarter Balanced Mathematics "
        "PT: a Reset needs none completed and an Invalidate more than one, so CDE decides."
    )


def test_reason_of_the_pt_grace_period_shows_cde_the_contradiction() -> None:
    # rule A-GPE-1 versus 003's sentence on a PT grace period
    d = run(sb(TD, "PT", answers=DISRUPTED, test_status="PAUSED"))
    assert "no 20-minute pause rule" in d.reason and "also lets CDE grant" in d.reason


def test_caaspp_reopen_says_it_stays_open_10_days() -> None:
    # rule A-REOPEN-4, T-1: the PT expires 10 days after start
    d = run(sb("TEST_EXPIRED", "PT", test_status="EXPIRED", answers={"cause": "EXCUSED_ABSENCE"}))
    assert "expires 10 calendar days" in d.reason
    assert "stays open 10 calendar days" in d.reason


def test_elpac_reopen_states_the_20_day_expiry() -> None:
    # rule T-1, A-REOPEN-1
    raw = elpac("TEST_EXPIRED", "READING", test_status="EXPIRED", answers={"cause": "OTHER"})
    d = run({**raw, "answers": {"cause": "EXCUSED_ABSENCE"}})
    assert "expires 20 calendar days after it is opened" in d.reason
    assert "stays open" not in d.reason


def test_rescore_reason_says_the_reviewer_is_not_stated() -> None:
    # rule A-RESCORE-1: 003 names no reviewer; CalTAC is our choice, said out loud
    d = run(
        elpac("HAND_SCORING_ERROR", "WRITING", "INITIAL_ELPAC", grade=8, test_status="SUBMITTED")
    )
    assert "no reviewer is named" in d.reason


def test_parent_exemption_reason_says_it_is_not_a_stairs_incident() -> None:
    # rule F-9
    assert "not a STAIRS incident" in run(sb("PARENT_EXEMPTION")).reason


def test_window_closed_reason_says_the_appeal_can_no_longer_be_filed() -> None:
    # rule C-4: the rule id is in its own field, not in the reason (issue 7, B10)
    d = run(sb("INCORRECT_SSID", within_window=False))
    assert d.rule == "C-4"
    assert "window is closed" in d.reason and "can no longer be filed" in d.reason


# --- every follow-up answer ------------------------------------------------------------------


def test_every_follow_up_answer_is_covered_by_a_case() -> None:
    seen = {
        (raw["incident"], key, value)
        for _, raw, _ in CASES
        for key, value in raw.get("answers", {}).items()
    }
    for incident in CATALOG.incidents.values():
        for q in incident.questions:
            values = q.choice_codes or (True, False)
            for value in values:
                assert (incident.code, q.key, value) in seen, (incident.code, q.key, value)


# --- invariants over every combination -------------------------------------------------------

RULE_IDS = {
    "A-RESET-1",
    "A-RESET-2",
    "A-RESET-3",
    "A-RESET-4",
    "A-RESET-5",
    "A-RESET-6",
    "A-RESET-7",
    "A-RESET-8",
    "A-RESET-9",
    "A-RESET-10",
    "A-REOPEN-1",
    "A-REOPEN-2",
    "A-REOPEN-3",
    "A-RESTORE-1",
    "A-GPE-1",
    "A-GPE-2",
    "A-RESCORE-1",
    "A-INVAL-1",
    "C-2",
    "C-3",
    "C-4",
    "F-9",
    "S-1",
    "S-3",
    "T-3",
}


def test_every_rule_id_has_a_case() -> None:
    # Every decision-making id of sections A and C (and the F, S, T ids the rules return).
    assert {row[2][5] for row in CASES} == RULE_IDS


def _all_situations() -> list[Situation]:
    return situation_sweep(
        grades=(0, 3),
        counts=(0, 1, 10, 11),
        statuses=("IN_PROGRESS", "EXPIRED", "RESET", "INVALIDATED"),
        iep_values=(True, False),
    )


def test_every_decision_is_consistent() -> None:
    situations = _all_situations()
    assert len(situations) > 10_000
    for s in situations:
        d = decide(s, CATALOG)
        assert d.appealable == (d.reviewer is not None), (s, d)
        if d.appeal is not None:
            assert d.appealable and (d.manual_review or d.reviewer == REVIEWERS[d.appeal]), (s, d)
        if d.manual_review:
            assert d.reviewer == CDE and d.appealable, (s, d)
        if not s.within_window:
            assert not d.appealable, (s, d)
        if d.appeal == INVALIDATE:
            assert s.test in ("SB_ELA", "SB_MATH", "CAST", "CSA") or s.test.startswith("CAA")
        assert d.rule in RULE_IDS, (s, d)
        assert d.reason.endswith(".") and "{" not in d.reason, (s, d)
        assert re.match(r"[A-Z]", d.reason), (s, d)


def test_elpac_never_gets_an_invalidate() -> None:
    # rule C-2
    for s in _all_situations():
        if s.test.endswith("ELPAC"):
            assert decide(s, CATALOG).appeal != INVALIDATE


# --- robustness of the data-driven parts -----------------------------------------------------


def test_edited_limit_changes_the_decision_without_a_release() -> None:
    # rule A-RESET-2: next year's numbers are a data edit
    limits = dict(CATALOG.limits)
    limits[("A-RESET-2", "SUMMATIVE_ELPAC", "READING")] = 8
    catalog = dataclasses.replace(CATALOG, limits=MappingProxyType(limits))
    s = parse_situation(
        elpac("DESIGNATED_SUPPORT_ELPAC", "READING", questions_completed=7), catalog
    )
    assert decide(s, catalog).appeal == RESET
    assert decide(s, CATALOG).appeal is None


def test_missing_limit_goes_to_cde_by_hand() -> None:
    limits = {k: v for k, v in CATALOG.limits.items() if k[1] != "CAST"}
    catalog = dataclasses.replace(CATALOG, limits=MappingProxyType(limits))
    d = decide(parse_situation(whole("NONALLOWABLE_MATERIALS"), catalog), catalog)
    assert shape(d) == manual("A-RESET-9")


def test_incident_added_in_the_admin_without_a_rule_goes_to_cde() -> None:
    extra = dataclasses.replace(CATALOG.incidents["STUDENT_DISRUPTION"], code="NEW_KIND")
    catalog = dataclasses.replace(
        CATALOG, incidents=MappingProxyType({**CATALOG.incidents, "NEW_KIND": extra})
    )
    d = decide(parse_situation(sb("NEW_KIND"), catalog), catalog)
    assert shape(d) == manual("D-3")


def test_catalog_flag_decides_f_9_not_the_code() -> None:
    # rule F-9: the "not a STAIRS incident" flag is data
    flagged = dataclasses.replace(CATALOG.incidents["STUDENT_DISRUPTION"], not_stairs_incident=True)
    catalog = dataclasses.replace(
        CATALOG, incidents=MappingProxyType({**CATALOG.incidents, "STUDENT_DISRUPTION": flagged})
    )
    assert decide(parse_situation(sb("STUDENT_DISRUPTION"), catalog), catalog).rule == "F-9"


def test_decide_refuses_an_inapplicable_situation_built_by_hand() -> None:
    s = Situation(incident="AUDIO_NOT_HEARD", test="SB_MATH", part="NON_PT", grade=4)
    with pytest.raises(SituationError) as err:
        decide(s, CATALOG)
    assert err.value.field == "incident"


def test_decision_dict_has_exactly_the_contract_fields_in_order() -> None:
    d = run(sb("CHEATING"))
    assert list(d.as_dict()) == [
        "appeal",
        "reviewer",
        "appealable",
        "manual_review",
        "irregularity_notation",
        "rule",
        "reason",
    ]
