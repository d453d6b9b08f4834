"""Invalidate family: A-INVAL-1 for the CAASPP, its gap with A-RESET-9 (CDE by hand), C-1 counts
and C-2 notations for the ELPAC. Each row cites its rule; no database.

An Invalidate acts on a finished test (students/transitions.py), so the CAASPP rows are submitted
or expired tests; an unfinished one is in test_rules_status.py."""

from __future__ import annotations

import pytest

from tests.appeals.rules_cases import (
    elpac,
    invalidate,
    manual,
    nothing,
    reset,
    run,
    sb,
    shape,
    whole,
)

VALIDITY_CASES = [
    # rule A-INVAL-1
    (
        "student_social_media_invalidates",
        sb("SOCIAL_MEDIA_STUDENT", test_status="SUBMITTED"),
        invalidate(),
    ),
    (
        "retained_materials_invalidates",
        sb("RETAINED_MATERIALS", "PT", test_status="SUBMITTED"),
        invalidate(),
    ),
    (
        "electronic_device_invalidates",
        whole("ELECTRONIC_DEVICE", test_status="EXPIRED"),
        invalidate(),
    ),
    ("cheating_invalidates", whole("CHEATING", "CSA", test_status="SUBMITTED"), invalidate()),
    (
        "no_attempt_invalidates_a_caa",
        whole("NO_ATTEMPT", "CAA_ELA", test_status="SUBMITTED"),
        invalidate(),
    ),
    (
        "coaching_invalidates_even_a_caa",
        whole(
            "ADULT_INTERFERENCE", "CAA_MATH", answers={"what": "COACHING"}, test_status="SUBMITTED"
        ),
        invalidate(),
    ),
    (
        "modified_responses_invalidate",
        sb("ADULT_INTERFERENCE", answers={"what": "MODIFIED_RESPONSES"}, test_status="SUBMITTED"),
        invalidate(),
    ),
    (
        "modified_responses_do_not_invalidate_a_caa",
        whole(
            "ADULT_INTERFERENCE",
            "CAA_ELA",
            answers={"what": "MODIFIED_RESPONSES"},
            test_status="SUBMITTED",
        ),
        nothing("A-INVAL-1"),
    ),
    (
        "someone_else_accessing_invalidates",
        sb(
            "ADULT_INTERFERENCE", answers={"what": "SOMEONE_ELSE_ACCESSED"}, test_status="SUBMITTED"
        ),
        invalidate(),
    ),
    (
        "someone_else_accessing_a_caa_does_not_invalidate",
        whole(
            "ADULT_INTERFERENCE",
            "CAA_SCIENCE",
            answers={"what": "SOMEONE_ELSE_ACCESSED"},
            test_status="SUBMITTED",
        ),
        nothing("A-INVAL-1"),
    ),
    (
        "access_allowed_by_iep_does_not_invalidate",
        sb(
            "ADULT_INTERFERENCE",
            iep_or_504=True,
            answers={"what": "ACCESS_AS_ACCOMMODATION"},
            test_status="SUBMITTED",
        ),
        nothing("A-INVAL-1"),
    ),
    (
        "access_as_accommodation_without_a_plan_invalidates",
        sb(
            "ADULT_INTERFERENCE",
            answers={"what": "ACCESS_AS_ACCOMMODATION"},
            test_status="SUBMITTED",
        ),
        invalidate(),
    ),
    (
        "access_as_accommodation_on_a_caa_does_not_invalidate",
        whole(
            "ADULT_INTERFERENCE",
            "CAA_ELA",
            answers={"what": "ACCESS_AS_ACCOMMODATION"},
            test_status="SUBMITTED",
        ),
        nothing("A-INVAL-1"),
    ),
    (
        "nonallowable_materials_over_10_non_pt_invalidates",
        sb("NONALLOWABLE_MATERIALS", questions_completed=11, test_status="SUBMITTED"),
        invalidate(),
    ),
    (
        "nonallowable_materials_over_1_pt_invalidates",
        sb("NONALLOWABLE_MATERIALS", "PT", questions_completed=2, test_status="SUBMITTED"),
        invalidate(),
    ),
    # the gap between A-RESET-9 and A-INVAL-1: CDE decides by hand
    (
        "exactly_10_non_pt_goes_to_cde_by_hand",
        sb("NONALLOWABLE_MATERIALS", questions_completed=10, test_status="SUBMITTED"),
        manual("A-INVAL-1"),
    ),
    (
        "exactly_1_pt_goes_to_cde_by_hand",
        sb(
            "NONALLOWABLE_MATERIALS",
            "PT",
            test="SB_ELA",
            questions_completed=1,
            test_status="SUBMITTED",
        ),
        manual("A-INVAL-1"),
    ),
    (
        "exactly_10_cast_goes_to_cde_by_hand",
        whole("NONALLOWABLE_MATERIALS", questions_completed=10, test_status="SUBMITTED"),
        manual("A-INVAL-1"),
    ),
    # rule C-1: the count is the part's; the CAST counts as a whole
    (
        "count_of_5_resets_a_non_pt",
        sb("NONALLOWABLE_MATERIALS", questions_completed=5, test_status="SUBMITTED"),
        reset("A-RESET-9"),
    ),
    (
        "count_of_5_invalidates_a_pt",
        sb("NONALLOWABLE_MATERIALS", "PT", questions_completed=5, test_status="SUBMITTED"),
        invalidate(),
    ),
    (
        "cast_counts_the_whole_test",
        whole("NONALLOWABLE_MATERIALS", questions_completed=9, test_status="SUBMITTED"),
        reset("A-RESET-9"),
    ),
    # rule C-2: ELPAC validity incidents record a notation, never an Invalidate
    (
        "elpac_student_social_media_is_a_notation",
        elpac("SOCIAL_MEDIA_STUDENT", "READING"),
        nothing("C-2", notation=True),
    ),
    (
        "elpac_retained_materials_is_a_notation",
        elpac("RETAINED_MATERIALS", "WRITING"),
        nothing("C-2", notation=True),
    ),
    (
        "elpac_adult_interference_is_a_notation",
        elpac("ADULT_INTERFERENCE", "SPEAKING", answers={"what": "COACHING"}),
        nothing("C-2", notation=True),
    ),
    (
        "elpac_access_allowed_by_iep_is_no_notation",
        elpac(
            "ADULT_INTERFERENCE",
            "SPEAKING",
            iep_or_504=True,
            answers={"what": "ACCESS_AS_ACCOMMODATION"},
        ),
        nothing("A-INVAL-1"),
    ),
    (
        "elpac_nonallowable_materials_is_a_notation",
        elpac("NONALLOWABLE_MATERIALS", "LISTENING", questions_completed=30),
        nothing("C-2", notation=True),
    ),
    (
        "elpac_electronic_device_is_a_notation",
        elpac("ELECTRONIC_DEVICE", "READING", "INITIAL_ELPAC"),
        nothing("C-2", notation=True),
    ),
    ("elpac_cheating_is_a_notation", elpac("CHEATING", "LISTENING"), nothing("C-2", notation=True)),
    (
        "elpac_no_attempt_is_a_notation",
        elpac("NO_ATTEMPT", "SPEAKING"),
        nothing("C-2", notation=True),
    ),
]


@pytest.mark.parametrize(
    ("raw", "want"), [c[1:] for c in VALIDITY_CASES], ids=[c[0] for c in VALIDITY_CASES]
)
def test_validity_cases(raw: dict, want: tuple) -> None:
    assert shape(run(raw)) == want
