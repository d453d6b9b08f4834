"""Reset family of the rules table: A-RESET-1 to A-RESET-10, and the Re-opens (A-REOPEN-2,
A-REOPEN-3) the same incidents lead to. Each row cites its rule; no database."""

from __future__ import annotations

import pytest

from tests.appeals.rules_cases import (
    elpac,
    nothing,
    reopen,
    reset,
    run,
    sb,
    shape,
    whole,
)

SUMMATIVE_INSTEAD = {"what": "SUMMATIVE_INSTEAD_OF_PRACTICE", "nonallowable_materials": False}
GENERAL = {"what": "GENERAL_INSTEAD_OF_ALTERNATE"}

RESET_CASES = [
    # rule A-RESET-1: a wrongly set support or accommodation on a CAASPP test, plan or not
    ("resource_setting_resets_caaspp", sb("RESOURCE_SETTING"), reset("A-RESET-1")),
    (
        "resource_setting_resets_caaspp_with_iep",
        sb("RESOURCE_SETTING", iep_or_504=True),
        reset("A-RESET-1"),
    ),
    (
        "language_support_with_iep_is_a_reset_under_a_reset_1",
        sb("LANGUAGE_SUPPORT_CAASPP", iep_or_504=True),
        reset("A-RESET-1"),
    ),
    # rule A-RESET-2: ELPAC limits, both programs, "with or without an IEP/504"
    (
        "resource_setting_on_elpac_within_limit_resets_with_notation",
        elpac("RESOURCE_SETTING", "READING", questions_completed=6),
        reset("A-RESET-2", notation=True),
    ),
    (
        "resource_setting_on_elpac_over_limit_is_nonappealable_with_notation",
        elpac("RESOURCE_SETTING", "READING", questions_completed=7, iep_or_504=True),
        nothing("A-RESET-2", notation=True),
    ),
    (
        "designated_support_elpac_writing_kindergarten_has_no_reset",
        elpac("DESIGNATED_SUPPORT_ELPAC", "WRITING", test="INITIAL_ELPAC", grade=0),
        nothing("A-RESET-2", notation=True),
    ),
    (
        "designated_support_elpac_writing_grade_2_has_no_reset",
        elpac("DESIGNATED_SUPPORT_ELPAC", "WRITING", grade=2),
        nothing("A-RESET-2", notation=True),
    ),
    (
        "designated_support_elpac_writing_grade_3_resets",
        elpac("DESIGNATED_SUPPORT_ELPAC", "WRITING", grade=3, questions_completed=2),
        reset("A-RESET-2", notation=True),
    ),
    # rule A-RESET-3
    (
        "missed_domain_exemption_resets_with_notation",
        elpac("DOMAIN_EXEMPTION", "LISTENING", iep_or_504=True),
        reset("A-RESET-3", notation=True),
    ),
    (
        "missed_domain_exemption_without_a_plan_is_not_appealable",
        elpac("DOMAIN_EXEMPTION", "LISTENING"),
        nothing("A-RESET-3"),
    ),
    (
        "missed_domain_exemption_writing_grade_2_is_not_appealable",
        elpac("DOMAIN_EXEMPTION", "WRITING", grade=2, iep_or_504=True),
        nothing("A-RESET-3"),
    ),
    (
        "missed_domain_exemption_writing_grade_3_resets",
        elpac("DOMAIN_EXEMPTION", "WRITING", grade=3, iep_or_504=True),
        reset("A-RESET-3", notation=True),
    ),
    # rule A-RESET-4: TDS and DEI under any incident but Data Entry Issue
    (
        "speaking_not_scored_resets_tds_and_dei",
        elpac("SPEAKING_NOT_SCORED", "SPEAKING"),
        reset("A-RESET-4", notation=True),
    ),
    (
        "speaking_data_entry_issue_resets_only_the_dei_event",
        elpac("DATA_ENTRY_ISSUE", "SPEAKING", answers={"entries": "ALL"}),
        reset("A-RESET-4", notation=True),
    ),
    # rule A-RESET-5
    (
        "wrong_grade_resets",
        sb("INCORRECT_ASSESSMENT", answers={"what": "WRONG_GRADE"}),
        reset("A-RESET-5"),
    ),
    (
        "wrong_grade_on_elpac_resets_with_notation",
        elpac("INCORRECT_ASSESSMENT", "SPEAKING", answers={"what": "WRONG_GRADE"}),
        reset("A-RESET-5", notation=True),
    ),
    (
        "general_instead_of_alternate_resets",
        whole("INCORRECT_ASSESSMENT", answers={"what": "GENERAL_INSTEAD_OF_ALTERNATE"}),
        reset("A-RESET-5"),
    ),
    (
        "general_instead_of_alternate_cannot_describe_a_caa",
        whole("INCORRECT_ASSESSMENT", "CAA_MATH", answers={"what": "GENERAL_INSTEAD_OF_ALTERNATE"}),
        nothing("A-RESET-5"),
    ),
    (
        "wrong_special_education_designation_resets",
        sb("INCORRECT_ASSESSMENT", "PT", answers={"what": "WRONG_SPED_DESIGNATION"}),
        reset("A-RESET-5"),
    ),
    # rule A-RESET-6
    (
        "audio_not_heard_resets_listening",
        elpac("AUDIO_NOT_HEARD", "LISTENING", test="INITIAL_ELPAC"),
        reset("A-RESET-6", notation=True),
    ),
    # rule A-RESET-7: completed or not
    (
        "incorrect_ssid_resets_a_submitted_test",
        sb("INCORRECT_SSID", test_status="SUBMITTED", questions_completed=40),
        reset("A-RESET-7"),
    ),
    (
        "incorrect_ssid_on_elpac_resets_with_notation",
        elpac("INCORRECT_SSID", "WRITING", delivery="PAPER"),
        reset("A-RESET-7", notation=True),
    ),
    # rule A-RESET-8
    (
        "language_support_without_plan_resets",
        sb("LANGUAGE_SUPPORT_CAASPP", test="SB_ELA"),
        reset("A-RESET-8"),
    ),
    (
        "language_support_on_cast_resets",
        whole("LANGUAGE_SUPPORT_CAASPP"),
        reset("A-RESET-8"),
    ),
    # rule A-RESET-9 (both sides generated from the limits below, and literal here)
    (
        "nonallowable_materials_below_10_non_pt_resets",
        sb("NONALLOWABLE_MATERIALS", questions_completed=9),
        reset("A-RESET-9"),
    ),
    (
        "nonallowable_materials_at_0_pt_resets",
        sb("NONALLOWABLE_MATERIALS", "PT", questions_completed=0),
        reset("A-RESET-9"),
    ),
    (
        "summative_instead_of_practice_below_limit_resets",
        sb(
            "INCORRECT_ASSESSMENT",
            answers={"what": "SUMMATIVE_INSTEAD_OF_PRACTICE", "nonallowable_materials": False},
        ),
        reset("A-RESET-9"),
    ),
    (
        "summative_instead_of_practice_is_caaspp_only",
        elpac("INCORRECT_ASSESSMENT", "READING", answers=SUMMATIVE_INSTEAD),
        nothing("A-RESET-9"),
    ),
    # rule A-RESET-9, 003 Reset 11 (issue 7, B11): the summative instead of the interim *with*
    # nonallowable materials is a Reset without a question limit; the CAST keeps fewer than 10
    # (003 Reset 14)
    (
        "summative_instead_with_nonallowable_materials_resets_without_a_limit",
        sb(
            "INCORRECT_ASSESSMENT",
            questions_completed=35,
            answers={**SUMMATIVE_INSTEAD, "nonallowable_materials": True},
        ),
        reset("A-RESET-9"),
    ),
    (
        "summative_instead_with_nonallowable_materials_pt_resets_without_a_limit",
        sb(
            "INCORRECT_ASSESSMENT",
            "PT",
            questions_completed=4,
            test_status="SUBMITTED",
            answers={**SUMMATIVE_INSTEAD, "nonallowable_materials": True},
        ),
        reset("A-RESET-9"),
    ),
    (
        "summative_instead_with_nonallowable_materials_cast_keeps_fewer_than_10",
        whole(
            "INCORRECT_ASSESSMENT",
            questions_completed=10,
            answers={**SUMMATIVE_INSTEAD, "nonallowable_materials": True},
        ),
        nothing("A-REOPEN-2"),
    ),
    (
        "summative_instead_with_nonallowable_materials_cast_below_10_resets",
        whole(
            "INCORRECT_ASSESSMENT",
            questions_completed=9,
            answers={**SUMMATIVE_INSTEAD, "nonallowable_materials": True},
        ),
        reset("A-RESET-9"),
    ),
    # rule A-RESET-3 (issue 7, B11): "general instead of alternate" is a CAASPP condition; for
    # the ELPAC the same facts fall under A-RESET-3, as when filed as DOMAIN_EXEMPTION
    (
        "elpac_general_instead_of_alternate_with_iep_resets_under_a_reset_3",
        elpac("INCORRECT_ASSESSMENT", "READING", iep_or_504=True, answers=GENERAL),
        reset("A-RESET-3", notation=True),
    ),
    (
        "elpac_general_instead_of_alternate_on_paper_is_not_reset",
        elpac(
            "INCORRECT_ASSESSMENT", "READING", iep_or_504=True, delivery="PAPER", answers=GENERAL
        ),
        nothing("A-RESET-3"),
    ),
    (
        "elpac_general_instead_of_alternate_k2_writing_is_not_reset",
        elpac("INCORRECT_ASSESSMENT", "WRITING", grade=2, iep_or_504=True, answers=GENERAL),
        nothing("A-RESET-3"),
    ),
    (
        "elpac_general_instead_of_alternate_without_a_plan_is_not_reset",
        elpac("INCORRECT_ASSESSMENT", "SPEAKING", answers=GENERAL),
        nothing("A-RESET-3"),
    ),
    # rule A-RESET-10
    (
        "paper_dei_all_entries_resets_the_dei_event",
        sb("DATA_ENTRY_ISSUE", delivery="PAPER", answers={"entries": "ALL"}),
        reset("A-RESET-10"),
    ),
    (
        "dei_entry_not_completable_resets_the_dei_event",
        whole("DATA_ENTRY_ISSUE", "CAA_ELA", answers={"entries": "NOT_COMPLETABLE"}),
        reset("A-RESET-10"),
    ),
    (
        "initial_elpac_writing_k2_dei_all_resets_with_notation",
        elpac("DATA_ENTRY_ISSUE", "WRITING", "INITIAL_ELPAC", grade=1, answers={"entries": "ALL"}),
        reset("A-RESET-10", notation=True),
    ),
    (
        "online_test_without_dei_has_no_data_entry_appeal",
        sb("DATA_ENTRY_ISSUE", answers={"entries": "ALL"}),
        nothing("A-RESET-10"),
    ),
    # rule A-REOPEN-2
    (
        "summative_instead_of_practice_expired_at_limit_reopens",
        sb(
            "INCORRECT_ASSESSMENT",
            questions_completed=10,
            test_status="EXPIRED",
            answers={"what": "SUMMATIVE_INSTEAD_OF_PRACTICE", "nonallowable_materials": False},
        ),
        reopen("A-REOPEN-2"),
    ),
    (
        "summative_instead_of_practice_not_yet_expired_waits",
        sb(
            "INCORRECT_ASSESSMENT",
            "PT",
            questions_completed=1,
            answers={"what": "SUMMATIVE_INSTEAD_OF_PRACTICE", "nonallowable_materials": False},
        ),
        nothing("A-REOPEN-2"),
    ),
    # rule A-REOPEN-3
    (
        "selected_dei_entries_reopen",
        elpac(
            "DATA_ENTRY_ISSUE", "SPEAKING", answers={"entries": "SELECTED"}, test_status="SUBMITTED"
        ),
        reopen("A-REOPEN-3"),
    ),
]


@pytest.mark.parametrize(
    ("raw", "want"), [c[1:] for c in RESET_CASES], ids=[c[0] for c in RESET_CASES]
)
def test_reset_cases(raw: dict, want: tuple) -> None:
    assert shape(run(raw)) == want


@pytest.mark.parametrize("status", ["IN_PROGRESS", "SUBMITTED", "NOT_STARTED"])
def test_elpac_general_instead_of_alternate_gets_the_domain_exemption_answer(status: str) -> None:
    # rule A-RESET-3 (issue 7, B11): one student, one answer, whichever incident is filed.
    for test in ("SUMMATIVE_ELPAC", "INITIAL_ELPAC"):
        for part in ("LISTENING", "SPEAKING", "READING", "WRITING"):
            for grade in range(13):
                for iep in (True, False):
                    facts = elpac("", part, test, grade=grade, iep_or_504=iep, test_status=status)
                    exemption = run({**facts, "incident": "DOMAIN_EXEMPTION"})
                    general = run({**facts, "incident": "INCORRECT_ASSESSMENT", "answers": GENERAL})
                    assert shape(general) == shape(exemption), (test, part, grade, iep)
