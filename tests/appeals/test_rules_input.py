"""`parse_situation`: every field of contracts.md's situation is checked, and the error names the
field in the command's "<field>: <what is wrong>" form. No database."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from appeals.rules import SituationError, parse_situation
from appeals.rules.catalog import load_fixture
from appeals.rules.situation import Situation

CATALOG = load_fixture()
OK: dict[str, Any] = {"incident": "CHEATING", "test": "SB_MATH", "part": "NON_PT", "grade": 7}
TD = {"incident": "TECHNICAL_DISRUPTION", "test": "SB_ELA", "part": "NON_PT", "grade": 4}
TESTS = (
    "SB_ELA, SB_MATH, CAST, CAA_ELA, CAA_MATH, CAA_SCIENCE, CSA, SUMMATIVE_ELPAC or INITIAL_ELPAC"
)

INVALID = [
    ("not_an_object", [1, 2], "situation: expected an object, got an array"),
    ("unknown_field", {**OK, "colour": "red"}, "colour: unknown field"),
    (
        "missing_incident",
        {"test": "CAST", "grade": 5},
        "incident: required, a code of the incident catalog",
    ),
    ("incident_not_a_string", {**OK, "incident": 7}, "incident: expected a string, got a number"),
    ("unknown_incident", {**OK, "incident": "FIRE"}, "incident: unknown incident 'FIRE'"),
    ("missing_test", {"incident": "CHEATING", "grade": 5}, f"test: required, one of {TESTS}"),
    ("null_test", {**OK, "test": None}, f"test: required, one of {TESTS}"),
    ("unknown_test", {**OK, "test": "SB_SCIENCE"}, f"test: 'SB_SCIENCE' is not one of {TESTS}"),
    ("missing_part_of_sb", {**OK, "part": None}, "part: required for SB_MATH, one of NON_PT or PT"),
    (
        "missing_domain_of_elpac",
        {"incident": "CHEATING", "test": "INITIAL_ELPAC", "grade": 5},
        "part: required for INITIAL_ELPAC, one of LISTENING, SPEAKING, READING or WRITING",
    ),
    (
        "part_of_another_test",
        {**OK, "part": "READING"},
        "part: 'READING' is not a part of SB_MATH; use NON_PT or PT",
    ),
    (
        "sb_part_on_elpac",
        {**OK, "test": "SUMMATIVE_ELPAC", "part": "PT"},
        "part: 'PT' is not a part of SUMMATIVE_ELPAC; use LISTENING, SPEAKING, READING or WRITING",
    ),
    (
        "unknown_part",
        {**OK, "part": "CAT"},
        "part: 'CAT' is not a part of SB_MATH; use NON_PT or PT",
    ),
    ("part_on_a_whole_test", {**OK, "test": "CAST"}, "part: CAST has no parts; leave part out"),
    ("part_not_a_string", {**OK, "part": 1}, "part: expected a string, got a number"),
    ("missing_grade", {**OK, "grade": None}, "grade: required, a whole number"),
    ("grade_below_0", {**OK, "grade": -1}, "grade: -1 is outside 0-12 (0 is kindergarten)"),
    ("grade_above_12", {**OK, "grade": 13}, "grade: 13 is outside 0-12 (0 is kindergarten)"),
    ("grade_as_string", {**OK, "grade": "7"}, "grade: expected a whole number, got a string"),
    ("grade_as_fraction", {**OK, "grade": 7.0}, "grade: expected a whole number, got a number"),
    ("grade_as_boolean", {**OK, "grade": True}, "grade: expected a whole number, got a boolean"),
    (
        "unknown_delivery",
        {**OK, "delivery": "EMAIL"},
        "delivery: 'EMAIL' is not one of ONLINE or PAPER",
    ),
    (
        "lowercase_delivery",
        {**OK, "delivery": "online"},
        "delivery: 'online' is not one of ONLINE or PAPER",
    ),
    ("null_delivery", {**OK, "delivery": None}, "delivery: expected a string, got null"),
    ("negative_count", {**OK, "questions_completed": -1}, "questions_completed: -1 is negative"),
    (
        "count_as_string",
        {**OK, "questions_completed": "3"},
        "questions_completed: expected a whole number, got a string",
    ),
    (
        "count_as_fraction",
        {**OK, "questions_completed": 2.5},
        "questions_completed: expected a whole number, got a number",
    ),
    (
        "null_count",
        {**OK, "questions_completed": None},
        "questions_completed: expected a whole number, got null",
    ),
    (
        "iep_as_string",
        {**OK, "iep_or_504": "yes"},
        "iep_or_504: expected true or false, got a string",
    ),
    ("iep_as_number", {**OK, "iep_or_504": 1}, "iep_or_504: expected true or false, got a number"),
    (
        "unknown_status",
        {**OK, "test_status": "DONE"},
        "test_status: 'DONE' is not one of NOT_STARTED, IN_PROGRESS, PAUSED, SUBMITTED, EXPIRED, "
        "RESET or INVALIDATED",
    ),
    (
        "reset_by_appeal_as_number",
        {**OK, "reset_by_appeal": 1},
        "reset_by_appeal: expected true or false, got a number",
    ),
    (
        "window_as_string",
        {**OK, "within_window": "false"},
        "within_window: expected true or false, got a string",
    ),
    ("answers_not_an_object", {**OK, "answers": []}, "answers: expected an object, got an array"),
    (
        "answer_to_a_question_not_asked",
        {**OK, "answers": {"cause": "OTHER"}},
        "answers.cause: not a follow-up question of CHEATING (its questions: none)",
    ),
    (
        "unknown_follow_up_key",
        {**TD, "answers": {"pause_expired": True, "student_break": False, "why": "x"}},
        "answers.why: not a follow-up question of TECHNICAL_DISRUPTION (its questions: "
        "pause_expired or student_break)",
    ),
    (
        "missing_yes_no_answer",
        {**TD, "answers": {"pause_expired": True}},
        "answers.student_break: required for TECHNICAL_DISRUPTION, true or false",
    ),
    (
        "yes_no_answer_as_string",
        {**TD, "answers": {"pause_expired": "yes", "student_break": False}},
        "answers.pause_expired: expected true or false, got a string",
    ),
    (
        "missing_choice_answer",
        {**OK, "incident": "TEST_EXPIRED"},
        "answers.cause: required for TEST_EXPIRED, one of EXCUSED_ABSENCE, SCHOOL_CLOSURE, "
        "PT_STARTED_BY_MISTAKE or OTHER",
    ),
    # The follow-up asked only after one answer of an earlier question (issue 7, B11)
    (
        "nonallowable_materials_required_for_a_summative_given_instead",
        {
            **OK,
            "incident": "INCORRECT_ASSESSMENT",
            "answers": {"what": "SUMMATIVE_INSTEAD_OF_PRACTICE"},
        },
        "answers.nonallowable_materials: required for INCORRECT_ASSESSMENT, true or false",
    ),
    (
        "nonallowable_materials_not_asked_for_a_wrong_grade",
        {
            **OK,
            "incident": "INCORRECT_ASSESSMENT",
            "answers": {"what": "WRONG_GRADE", "nonallowable_materials": True},
        },
        "answers.nonallowable_materials: only asked when what is SUMMATIVE_INSTEAD_OF_PRACTICE; "
        "leave it out",
    ),
    (
        "unknown_choice_answer",
        {**OK, "incident": "DATA_ENTRY_ISSUE", "answers": {"entries": "SOME"}},
        "answers.entries: 'SOME' is not one of ALL, SELECTED or NOT_COMPLETABLE",
    ),
    (
        "choice_answer_as_boolean",
        {**OK, "incident": "INCORRECT_ASSESSMENT", "answers": {"what": True}},
        "answers.what: expected a string, got a boolean",
    ),
    # The catalog's applicability: a combination the wizard would never offer.
    (
        "speaking_not_scored_on_math",
        {**OK, "incident": "SPEAKING_NOT_SCORED"},
        "incident: SPEAKING_NOT_SCORED does not apply to Smarter Balanced Mathematics non-PT; "
        "it is for Summative ELPAC, Speaking",
    ),
    (
        "audio_not_heard_on_paper",
        {
            "incident": "AUDIO_NOT_HEARD",
            "test": "INITIAL_ELPAC",
            "part": "LISTENING",
            "grade": 3,
            "delivery": "PAPER",
        },
        "incident: AUDIO_NOT_HEARD does not apply to Initial ELPAC Listening on paper; it is for "
        "Summative ELPAC or Initial ELPAC, Listening, online",
    ),
    (
        "audio_not_heard_on_reading",
        {"incident": "AUDIO_NOT_HEARD", "test": "INITIAL_ELPAC", "part": "READING", "grade": 3},
        "incident: AUDIO_NOT_HEARD does not apply to Initial ELPAC Reading; it is for "
        "Summative ELPAC or Initial ELPAC, Listening, online",
    ),
    (
        "rescore_on_summative_elpac",
        {
            "incident": "HAND_SCORING_ERROR",
            "test": "SUMMATIVE_ELPAC",
            "part": "WRITING",
            "grade": 5,
        },
        "incident: HAND_SCORING_ERROR does not apply to Summative ELPAC Writing; it is for "
        "Initial ELPAC, Writing, online",
    ),
    (
        "rescore_on_paper",
        {
            "incident": "HAND_SCORING_ERROR",
            "test": "INITIAL_ELPAC",
            "part": "WRITING",
            "grade": 5,
            "delivery": "PAPER",
        },
        "incident: HAND_SCORING_ERROR does not apply to Initial ELPAC Writing on paper; it is for "
        "Initial ELPAC, Writing, online",
    ),
    (
        "domain_exemption_on_paper",
        {
            "incident": "DOMAIN_EXEMPTION",
            "test": "SUMMATIVE_ELPAC",
            "part": "READING",
            "grade": 5,
            "delivery": "PAPER",
        },
        "incident: DOMAIN_EXEMPTION does not apply to Summative ELPAC Reading on paper; it is for "
        "Summative ELPAC or Initial ELPAC, online",
    ),
    (
        "language_support_on_a_caa",
        {"incident": "LANGUAGE_SUPPORT_CAASPP", "test": "CAA_ELA", "grade": 5},
        "incident: LANGUAGE_SUPPORT_CAASPP does not apply to CAA for ELA; it is for "
        "Smarter Balanced ELA, Smarter Balanced Mathematics, California Science Test (CAST), "
        "California Spanish Assessment (CSA)",
    ),
    (
        "elpac_designated_support_on_caaspp",
        {**OK, "incident": "DESIGNATED_SUPPORT_ELPAC"},
        "incident: DESIGNATED_SUPPORT_ELPAC does not apply to Smarter Balanced Mathematics non-PT; "
        "it is for Summative ELPAC or Initial ELPAC",
    ),
]


@pytest.mark.parametrize(("raw", "error"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_situation_names_the_field(raw: object, error: str) -> None:
    with pytest.raises(SituationError) as err:
        parse_situation(raw, CATALOG)
    assert str(err.value) == error
    assert err.value.field == error.split(":", 1)[0]


def test_first_problem_in_contract_order_wins() -> None:
    with pytest.raises(SituationError) as err:
        parse_situation({"incident": "CHEATING", "test": "X", "grade": 99}, CATALOG)
    assert err.value.field == "test"


def test_defaults_are_those_of_the_contract() -> None:
    s = parse_situation({"incident": "CHEATING", "test": "CAST", "grade": 0}, CATALOG)
    assert s == Situation(
        incident="CHEATING",
        test="CAST",
        part=None,
        grade=0,
        delivery="ONLINE",
        questions_completed=0,
        iep_or_504=False,
        test_status="IN_PROGRESS",
        reset_by_appeal=False,
        within_window=True,
        answers=MappingProxyType({}),
    )


def test_explicit_null_part_is_absent_on_a_whole_test() -> None:
    s = parse_situation({"incident": "CHEATING", "test": "CSA", "part": None, "grade": 12}, CATALOG)
    assert s.part is None


def test_every_field_is_taken_as_given() -> None:
    raw = {
        "incident": "TECHNICAL_DISRUPTION",
        "test": "SUMMATIVE_ELPAC",
        "part": "LISTENING",
        "grade": 12,
        "delivery": "PAPER",
        "questions_completed": 0,
        "iep_or_504": True,
        "test_status": "PAUSED",
        "reset_by_appeal": False,
        "within_window": False,
        "answers": {"pause_expired": False, "student_break": True},
    }
    s = parse_situation(raw, CATALOG)
    assert (s.delivery, s.iep_or_504, s.test_status, s.within_window) == (
        "PAPER",
        True,
        "PAUSED",
        False,
    )
    assert dict(s.answers) == {"pause_expired": False, "student_break": True}


def test_parent_exemption_is_accepted_for_any_test() -> None:
    # rule F-9: the rules answer it; it is not an input error
    for test, part in (("SB_ELA", "PT"), ("CAA_MATH", None), ("INITIAL_ELPAC", "SPEAKING")):
        raw = {"incident": "PARENT_EXEMPTION", "test": test, "grade": 5}
        if part:
            raw["part"] = part
        assert parse_situation(raw, CATALOG).incident == "PARENT_EXEMPTION"


def test_grade_bounds_are_accepted() -> None:
    for grade in (0, 12):
        assert parse_situation({**OK, "grade": grade}, CATALOG).grade == grade


def test_situation_answers_cannot_be_changed_after_parsing() -> None:
    s = parse_situation({**TD, "answers": {"pause_expired": True, "student_break": False}}, CATALOG)
    with pytest.raises(TypeError):
        s.answers["pause_expired"] = False  # type: ignore[index]
