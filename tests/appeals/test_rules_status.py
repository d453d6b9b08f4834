"""The rules against the test status: an appeal is decided only where its effect service can apply
it (students/transitions.py, the one table both read), the irregularity notation follows one
principle whatever the status or the window (appeals/rules/decision.py), and the pause rule is
checked before the cause of a break. Each row cites its rule; no database."""

from __future__ import annotations

import pytest

from appeals.rules import decide
from appeals.rules.router import RULES
from appeals.rules.situation import Situation
from stairs.vocabulary import AppealType, TestStatus
from students import transitions
from tests.appeals.rules_cases import (
    CATALOG,
    DISRUPTED,
    GPE,
    TD,
    elpac,
    manual,
    nothing,
    reopen,
    reset,
    run,
    sb,
    shape,
    situation_sweep,
    whole,
)

STATUS_CASES = [
    # rule T-3 (A-GPE-1): a Grace Period Extension acts on a paused test only
    (
        "disruption_on_a_paused_test_gets_grace_period",
        sb(TD, answers=DISRUPTED, test_status="PAUSED"),
        (GPE, "CDE", True, False, False, "A-GPE-2"),
    ),
    (
        "disruption_after_the_student_resumed_gets_nothing",
        sb(TD, answers=DISRUPTED),
        nothing("T-3"),
    ),
    (
        "disruption_on_a_submitted_test_gets_nothing",
        elpac(TD, "READING", answers=DISRUPTED, test_status="SUBMITTED"),
        nothing("T-3"),
    ),
    (
        "disruption_on_an_expired_test_gets_nothing",
        whole(TD, answers=DISRUPTED, test_status="EXPIRED"),
        nothing("T-3"),
    ),
    (
        "pt_grace_period_for_cde_needs_a_paused_test_too",
        sb(TD, "PT", answers=DISRUPTED, test_status="SUBMITTED"),
        nothing("T-3"),
    ),
    (
        "pt_grace_period_on_a_paused_test_goes_to_cde_by_hand",
        sb(TD, "PT", answers=DISRUPTED, test_status="PAUSED"),
        manual("A-GPE-1", appeal=GPE),
    ),
    # rule A-INVAL-1: an Invalidate acts on a test the student is no longer answering, which is
    # then scored: paused, submitted or expired (Cambium TIDE's status table; issue 7, B9)
    ("cheating_on_a_test_in_progress_waits", sb("CHEATING"), nothing("A-INVAL-1")),
    (
        "cheating_on_a_paused_test_invalidates",
        whole("CHEATING", test_status="PAUSED"),
        ("INVALIDATE", "CDE", True, False, False, "A-INVAL-1"),
    ),
    (
        "nonallowable_materials_over_the_limit_on_a_paused_test_invalidates",
        sb("NONALLOWABLE_MATERIALS", questions_completed=11, test_status="PAUSED"),
        ("INVALIDATE", "CDE", True, False, False, "A-INVAL-1"),
    ),
    (
        "nonallowable_materials_over_the_limit_in_progress_waits",
        sb("NONALLOWABLE_MATERIALS", questions_completed=11),
        nothing("A-INVAL-1"),
    ),
    (
        "cheating_on_an_expired_test_invalidates",
        sb("CHEATING", test_status="EXPIRED"),
        ("INVALIDATE", "CDE", True, False, False, "A-INVAL-1"),
    ),
    # rule A-RESCORE-1: scores must be in the THSS, so the test is submitted
    (
        "thss_error_on_a_test_in_progress_has_no_scores_yet",
        elpac("HAND_SCORING_ERROR", "WRITING", "INITIAL_ELPAC", grade=6),
        nothing("A-RESCORE-1"),
    ),
    (
        "thss_error_on_an_expired_test_has_no_rescore",
        elpac("HAND_SCORING_ERROR", "WRITING", "INITIAL_ELPAC", grade=6, test_status="EXPIRED"),
        nothing("A-RESCORE-1"),
    ),
    # rule A-RESET-7 on an invalidated test: CDE by hand, the notation of an ELPAC reset kept
    (
        "invalidated_elpac_test_with_a_wrong_ssid_goes_to_cde_with_its_notation",
        elpac("INCORRECT_SSID", "READING", test_status="INVALIDATED"),
        (None, "CDE", True, True, True, "A-RESET-7"),
    ),
    (
        "invalidated_test_with_a_wrong_setting_goes_to_cde",
        sb("RESOURCE_SETTING", test_status="INVALIDATED"),
        manual("A-RESET-1"),
    ),
    (
        "wrong_ssid_on_a_paused_test_resets",
        sb("INCORRECT_SSID", test_status="PAUSED"),
        reset("A-RESET-7"),
    ),
    # rule A-REOPEN-1: a Re-open acts on a submitted or expired test
    (
        "expired_cause_on_a_test_still_in_progress_has_nothing_to_reopen",
        sb("TEST_EXPIRED", answers={"cause": "EXCUSED_ABSENCE"}),
        nothing("A-REOPEN-1"),
    ),
    (
        "expired_cause_on_a_paused_test_has_nothing_to_reopen",
        elpac(
            "TEST_EXPIRED", "LISTENING", answers={"cause": "SCHOOL_CLOSURE"}, test_status="PAUSED"
        ),
        nothing("A-REOPEN-1"),
    ),
    (
        "submitted_early_while_in_progress_has_nothing_to_reopen",
        sb("SUBMITTED_EARLY"),
        nothing("A-REOPEN-1"),
    ),
    (
        "submitted_early_while_paused_has_nothing_to_reopen",
        whole("SUBMITTED_EARLY", "CSA", test_status="PAUSED"),
        nothing("A-REOPEN-1"),
    ),
    (
        "submitted_early_then_expired_reopens",
        sb("SUBMITTED_EARLY", test_status="EXPIRED"),
        reopen("A-REOPEN-1"),
    ),
    # rule A-REOPEN-3: DEI entries still being keyed in are corrected without an appeal
    (
        "selected_dei_entries_of_a_test_in_progress_have_nothing_to_reopen",
        sb("DATA_ENTRY_ISSUE", delivery="PAPER", answers={"entries": "SELECTED"}),
        nothing("A-REOPEN-3"),
    ),
]


@pytest.mark.parametrize(
    ("raw", "want"), [c[1:] for c in STATUS_CASES], ids=[c[0] for c in STATUS_CASES]
)
def test_status_cases(raw: dict, want: tuple) -> None:
    assert shape(run(raw)) == want


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        # rule T-3: the reason names the status
        (
            sb(TD, answers=DISRUPTED, test_status="SUBMITTED"),
            "A Grace Period Extension applies to a paused test, and the Smarter Balanced "
            "Mathematics non-PT is submitted",
        ),
        (
            sb(TD, answers=DISRUPTED),
            "is in progress; if the student must review answers given before the pause, have "
            "the test administrator pause the test",
        ),
        # rule A-INVAL-1
        (
            sb("CHEATING"),
            "is in progress, so nothing is filed now; have the test administrator pause the test, "
            "then file the Invalidate",
        ),
        # rule A-RESCORE-1
        (
            elpac("HAND_SCORING_ERROR", "WRITING", "INITIAL_ELPAC", grade=6),
            "is in progress, so there are no scores to re-enter yet",
        ),
        # rule A-REOPEN-1
        (sb("SUBMITTED_EARLY"), "is in progress, so there is nothing to re-open yet"),
        # rule A-RESET-7
        (
            sb("INCORRECT_SSID", test_status="INVALIDATED"),
            "already has an approved Invalidate, which a Reset cannot undo",
        ),
    ],
)
def test_reason_names_the_status_that_stops_the_appeal(raw: dict, words: str) -> None:
    d = run(raw)
    assert words in d.reason
    assert d.reason.endswith(".") and ".;" not in d.reason


def test_pause_rule_is_checked_before_the_student_break() -> None:
    # rule T-3 before A-GPE-2 (L4): nothing was lost when the pause rule did not expire
    d = run(sb(TD, answers={"pause_expired": False, "student_break": True}, test_status="PAUSED"))
    assert d.rule == "T-3" and "did not expire" in d.reason


# --- every status against the one table -----------------------------------------------------------


def _situations() -> list[Situation]:
    return situation_sweep(grades=(2, 5), counts=(0, 10, 11), statuses=tuple(TestStatus))


SITUATIONS = _situations()


def _facts(s: Situation) -> transitions.EventFacts:
    a = CATALOG.assessments[s.test]
    return transitions.EventFacts(
        status=s.test_status,
        program=a.program,
        test=s.test,
        part=s.part,
        delivery=s.delivery,
        grade=s.grade,
        pause_rule=a.has_pause_rule(s.part, "ONLINE"),
        restorable=s.reset_by_appeal,
    )


def test_every_appeal_decided_is_one_its_service_accepts_from_that_status() -> None:
    # The defect M1: the rules granted appeals that the effect services then refused.
    seen = set()
    for s in SITUATIONS:
        d = decide(s, CATALOG)
        if d.appeal is None:
            continue
        seen.add(d.appeal)
        assert s.test_status in transitions.ALLOWED_FROM[d.appeal], (s, d)
        if not d.manual_review:
            # ... and the effect's own conditions on the event hold too (effects_for's).
            assert d.appeal in transitions.appeals_for(_facts(s)), (s, d)
    assert seen == set(AppealType)  # the check is not vacuous


def test_the_notation_is_recorded_for_every_test_the_student_took() -> None:
    # The notation principle of appeals/rules/decision.py (S-2, D-1): the incident's notation,
    # whatever the appeal, status (but NOT_STARTED) or window (C-4).
    for s in SITUATIONS:
        handler = RULES.get(s.incident)  # none for F-9: nothing is filed or recorded
        own = (
            handler is not None
            and handler(s, CATALOG.assessments[s.test], CATALOG).irregularity_notation
        )
        want = own and s.test_status != "NOT_STARTED"
        assert decide(s, CATALOG).irregularity_notation is want, s


@pytest.mark.parametrize(
    ("raw", "want", "words"),
    [
        # rule C-2: no test taken, no notation
        (
            elpac("CHEATING", "READING", test_status="NOT_STARTED"),
            nothing("C-2"),
            "no irregularity notation is recorded",
        ),
        (
            elpac("CHEATING", "READING", test_status="NOT_STARTED", within_window=False),
            nothing("C-4"),
            "window is closed",
        ),
        # rule A-RESET-2: a test already reset was taken; the notation stays, the appeal does not
        (
            elpac("DESIGNATED_SUPPORT_ELPAC", "READING", test_status="RESET"),
            nothing("A-RESET-2", notation=True),
            "the irregularity notation is still recorded",
        ),
        (
            elpac("AUDIO_NOT_HEARD", "LISTENING", test_status="NOT_STARTED"),
            nothing("A-RESET-6"),
            "no test event to appeal or to record a notation on",
        ),
        # rule C-2 on a test taken, any status
        (
            elpac("CHEATING", "READING", test_status="INVALIDATED"),
            nothing("C-2", notation=True),
            "irregularity notation",
        ),
    ],
)
def test_notation_by_status(raw: dict, want: tuple, words: str) -> None:
    d = run(raw)
    assert shape(d) == want
    assert words in d.reason
