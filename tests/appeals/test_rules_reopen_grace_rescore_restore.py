"""Re-open (A-REOPEN-1), Restore, Grace Period Extension, Rescore and the incidents without an
appeal (F-9, S-1, S-3). Each row cites its rule; no database."""

from __future__ import annotations

import pytest

from tests.appeals.rules_cases import (
    CALTAC,
    CDE,
    DISRUPTED,
    GPE,
    RESCORE,
    RESTORE,
    TD,
    elpac,
    manual,
    nothing,
    reopen,
    run,
    sb,
    shape,
    whole,
)

ACCESS_CASES = [
    # rule A-REOPEN-1
    (
        "expired_after_excused_absence_reopens",
        sb("TEST_EXPIRED", "PT", test_status="EXPIRED", answers={"cause": "EXCUSED_ABSENCE"}),
        reopen("A-REOPEN-1"),
    ),
    (
        "expired_after_school_closure_reopens",
        elpac(
            "TEST_EXPIRED", "READING", test_status="EXPIRED", answers={"cause": "SCHOOL_CLOSURE"}
        ),
        reopen("A-REOPEN-1"),
    ),
    # rule A-REOPEN-1, 003 Re-open 2 (issue 7, B11): a CAASPP PT started by mistake
    (
        "pt_started_by_mistake_that_expired_reopens",
        sb(
            "TEST_EXPIRED",
            "PT",
            test="SB_ELA",
            test_status="EXPIRED",
            answers={"cause": "PT_STARTED_BY_MISTAKE"},
        ),
        reopen("A-REOPEN-1"),
    ),
    (
        "a_non_pt_is_not_a_pt_started_by_mistake",
        sb("TEST_EXPIRED", test_status="EXPIRED", answers={"cause": "PT_STARTED_BY_MISTAKE"}),
        nothing("A-REOPEN-1"),
    ),
    (
        "an_elpac_domain_is_not_a_pt_started_by_mistake",
        elpac(
            "TEST_EXPIRED",
            "READING",
            test_status="EXPIRED",
            answers={"cause": "PT_STARTED_BY_MISTAKE"},
        ),
        nothing("A-REOPEN-1"),
    ),
    (
        "expired_for_another_reason_is_nonappealable",
        sb("TEST_EXPIRED", test_status="EXPIRED", answers={"cause": "OTHER"}),
        nothing("A-REOPEN-1"),
    ),
    (
        "submitted_early_reopens",
        whole("SUBMITTED_EARLY", "CSA", test_status="SUBMITTED"),
        reopen("A-REOPEN-1"),
    ),
    # rule A-RESTORE-1 (and A-1: CDE approves)
    (
        "reset_by_appeal_in_error_is_restored_by_cde",
        sb("RESET_IN_ERROR", test_status="RESET", reset_by_appeal=True),
        (RESTORE, CDE, True, False, False, "A-RESTORE-1"),
    ),
    (
        "reset_not_by_appeal_cannot_be_restored",
        sb("RESET_IN_ERROR", test_status="RESET"),
        nothing("A-RESTORE-1"),
    ),
    (
        "test_not_in_reset_status_cannot_be_restored",
        sb("RESET_IN_ERROR", test_status="SUBMITTED", reset_by_appeal=True),
        nothing("A-RESTORE-1"),
    ),
    # rule A-GPE-2 (and A-1: CDE approves)
    (
        "disruption_on_caaspp_non_pt_gets_grace_period",
        sb(TD, answers=DISRUPTED, test_status="PAUSED"),
        (GPE, CDE, True, False, False, "A-GPE-2"),
    ),
    (
        "disruption_on_elpac_reading_gets_grace_period",
        elpac(TD, "READING", answers=DISRUPTED, test_status="PAUSED"),
        (GPE, CDE, True, False, False, "A-GPE-2"),
    ),
    (
        "disruption_on_elpac_listening_gets_grace_period",
        elpac(TD, "LISTENING", "INITIAL_ELPAC", answers=DISRUPTED, test_status="PAUSED"),
        (GPE, CDE, True, False, False, "A-GPE-2"),
    ),
    (
        "disruption_on_cast_gets_grace_period",
        whole(TD, answers=DISRUPTED, test_status="PAUSED"),
        (GPE, CDE, True, False, False, "A-GPE-2"),
    ),
    (
        "student_break_never_gets_grace_period",
        sb(TD, answers={"pause_expired": True, "student_break": True}, test_status="PAUSED"),
        nothing("A-GPE-2"),
    ),
    # rule T-3
    (
        "pause_rule_not_expired_needs_no_appeal",
        sb(TD, answers={"pause_expired": False, "student_break": False}),
        nothing("T-3"),
    ),
    (
        # L4: the pause rule is checked before the cause of the break.
        "break_within_pause_rule_needs_no_appeal",
        sb(TD, answers={"pause_expired": False, "student_break": True}, test_status="PAUSED"),
        nothing("T-3"),
    ),
    # rule A-GPE-1
    (
        "speaking_has_no_pause_rule",
        elpac(TD, "SPEAKING", answers=DISRUPTED),
        nothing("A-GPE-1"),
    ),
    (
        "writing_has_no_pause_rule",
        elpac(TD, "WRITING", answers=DISRUPTED),
        nothing("A-GPE-1"),
    ),
    (
        "paper_reading_has_no_pause_rule",
        elpac(TD, "READING", delivery="PAPER", answers=DISRUPTED),
        nothing("A-GPE-1"),
    ),
    ("caa_has_no_pause_rule", whole(TD, "CAA_SCIENCE", answers=DISRUPTED), nothing("A-GPE-1")),
    (
        "grace_period_for_caaspp_pt_goes_to_cde_by_hand",
        sb(TD, "PT", test="SB_ELA", answers=DISRUPTED, test_status="PAUSED"),
        manual("A-GPE-1", appeal=GPE),
    ),
    # rule A-RESCORE-1
    (
        "thss_error_grade_3_rescores",
        elpac("HAND_SCORING_ERROR", "WRITING", "INITIAL_ELPAC", grade=3, test_status="SUBMITTED"),
        (RESCORE, CALTAC, True, False, False, "A-RESCORE-1"),
    ),
    (
        "thss_error_grade_12_rescores",
        elpac("HAND_SCORING_ERROR", "WRITING", "INITIAL_ELPAC", grade=12, test_status="SUBMITTED"),
        (RESCORE, CALTAC, True, False, False, "A-RESCORE-1"),
    ),
    (
        "thss_error_grade_2_has_no_rescore",
        elpac("HAND_SCORING_ERROR", "WRITING", "INITIAL_ELPAC", grade=2),
        nothing("A-RESCORE-1"),
    ),
    # rule F-9: not a STAIRS incident, whatever the test or the window
    ("parent_exemption_is_not_a_stairs_incident", sb("PARENT_EXEMPTION"), nothing("F-9")),
    (
        "parent_exemption_outside_window_is_still_f_9",
        elpac("PARENT_EXEMPTION", "WRITING", within_window=False, test_status="SUBMITTED"),
        nothing("F-9"),
    ),
    # rule S-1 and S-3: incidents without an appeal
    ("student_disruption_has_no_appeal", sb("STUDENT_DISRUPTION"), nothing("S-1")),
    (
        "administration_error_has_no_appeal",
        elpac("ADMINISTRATION_ERROR", "READING"),
        nothing("S-1"),
    ),
    ("adult_social_media_has_no_student_appeal", sb("SOCIAL_MEDIA_ADULT"), nothing("S-3")),
    (
        "elpac_adult_social_media_has_no_appeal",
        elpac("SOCIAL_MEDIA_ADULT", "READING"),
        nothing("S-3"),
    ),
]


@pytest.mark.parametrize(
    ("raw", "want"), [c[1:] for c in ACCESS_CASES], ids=[c[0] for c in ACCESS_CASES]
)
def test_access_cases(raw: dict, want: tuple) -> None:
    assert shape(run(raw)) == want
