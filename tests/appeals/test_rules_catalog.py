"""The catalog as the rules see it (assessments, incidents, limits), loaded from the versioned
fixture files through the one loader; no database."""

from __future__ import annotations

import copy

import pytest

from appeals.rules.catalog import CatalogError, catalog_from_data, fixture_data, load_fixture

SECTION_C = [
    ("SOCIAL_MEDIA_STUDENT", "BREACH"),
    ("SOCIAL_MEDIA_ADULT", "BREACH"),
    ("RETAINED_MATERIALS", "BREACH"),
    ("ADULT_INTERFERENCE", "BREACH"),
    ("INCORRECT_ASSESSMENT", "BREACH"),
    ("RESOURCE_SETTING", "IRREGULARITY"),
    ("DESIGNATED_SUPPORT_ELPAC", "IRREGULARITY"),
    ("LANGUAGE_SUPPORT_CAASPP", "IRREGULARITY"),
    ("DOMAIN_EXEMPTION", "IRREGULARITY"),
    ("SPEAKING_NOT_SCORED", "IRREGULARITY"),
    ("NONALLOWABLE_MATERIALS", "IRREGULARITY"),
    ("ELECTRONIC_DEVICE", "IRREGULARITY"),
    ("CHEATING", "IRREGULARITY"),
    ("NO_ATTEMPT", "IRREGULARITY"),
    ("INCORRECT_SSID", "IRREGULARITY"),
    ("AUDIO_NOT_HEARD", "IMPROPRIETY"),
    ("TECHNICAL_DISRUPTION", "IMPROPRIETY"),
    ("TEST_EXPIRED", "IMPROPRIETY"),
    ("SUBMITTED_EARLY", "IMPROPRIETY"),
    ("DATA_ENTRY_ISSUE", "IMPROPRIETY"),
    ("HAND_SCORING_ERROR", "IMPROPRIETY"),
    ("STUDENT_DISRUPTION", "IMPROPRIETY"),
    ("ADMINISTRATION_ERROR", "IMPROPRIETY"),
    ("RESET_IN_ERROR", "IRREGULARITY"),
    ("PARENT_EXEMPTION", ""),
]


@pytest.fixture
def data() -> dict:
    return fixture_data()


def test_fixture_holds_section_c_in_order_with_its_severities() -> None:
    catalog = load_fixture()
    assert [(i.code, i.severity) for i in catalog.incidents.values()] == SECTION_C
    assert catalog.version == "2"


def test_only_parent_exemption_is_not_a_stairs_incident() -> None:
    # rule F-9
    flagged = [i.code for i in load_fixture().incidents.values() if i.not_stairs_incident]
    assert flagged == ["PARENT_EXEMPTION"]


def test_follow_up_questions_match_section_c() -> None:
    incidents = load_fixture().incidents
    assert incidents["INCORRECT_ASSESSMENT"].question("what").choice_codes == (
        "WRONG_GRADE",
        "GENERAL_INSTEAD_OF_ALTERNATE",
        "WRONG_SPED_DESIGNATION",
        "SUMMATIVE_INSTEAD_OF_PRACTICE",
    )
    assert [(q.key, q.answer_type) for q in incidents["TECHNICAL_DISRUPTION"].questions] == [
        ("pause_expired", "YES_NO"),
        ("student_break", "YES_NO"),
    ]
    assert incidents["TEST_EXPIRED"].question("cause").choice_codes == (
        "EXCUSED_ABSENCE",
        "SCHOOL_CLOSURE",
        "PT_STARTED_BY_MISTAKE",
        "OTHER",
    )
    assert incidents["DATA_ENTRY_ISSUE"].question("entries").choice_codes == (
        "ALL",
        "SELECTED",
        "NOT_COMPLETABLE",
    )


def test_applicability_narrows_the_wizard_list() -> None:
    catalog = load_fixture()
    sb_math = {i.code for i in catalog.applicable_incidents("SB_MATH", "NON_PT", "ONLINE")}
    listening = {
        i.code for i in catalog.applicable_incidents("SUMMATIVE_ELPAC", "LISTENING", "ONLINE")
    }
    paper = {i.code for i in catalog.applicable_incidents("SUMMATIVE_ELPAC", "LISTENING", "PAPER")}
    assert "SPEAKING_NOT_SCORED" not in sb_math and "DESIGNATED_SUPPORT_ELPAC" not in sb_math
    assert "LANGUAGE_SUPPORT_CAASPP" in sb_math
    assert "AUDIO_NOT_HEARD" in listening and "AUDIO_NOT_HEARD" not in paper
    assert "DOMAIN_EXEMPTION" not in paper


def test_assessment_codes_are_those_of_contracts_md() -> None:
    assessments = load_fixture().assessments
    assert list(assessments) == [
        "SB_ELA",
        "SB_MATH",
        "CAST",
        "CAA_ELA",
        "CAA_MATH",
        "CAA_SCIENCE",
        "CSA",
        "SUMMATIVE_ELPAC",
        "INITIAL_ELPAC",
    ]
    elpac = [code for code, a in assessments.items() if a.program == "ELPAC"]
    assert elpac == ["SUMMATIVE_ELPAC", "INITIAL_ELPAC"]
    assert assessments["SB_ELA"].part_codes == ("NON_PT", "PT")
    assert assessments["INITIAL_ELPAC"].part_codes == (
        "LISTENING",
        "SPEAKING",
        "READING",
        "WRITING",
    )
    assert assessments["CAST"].part_codes == ()


@pytest.mark.parametrize(
    ("test", "part", "delivery", "has_it"),
    [
        # rule T-3, A-GPE-1
        ("SB_MATH", "NON_PT", "ONLINE", True),
        ("SB_MATH", "PT", "ONLINE", False),
        ("SB_MATH", "NON_PT", "PAPER", False),
        ("CAST", None, "ONLINE", True),
        ("CSA", None, "ONLINE", True),
        ("CAA_ELA", None, "ONLINE", False),
        ("SUMMATIVE_ELPAC", "READING", "ONLINE", True),
        ("INITIAL_ELPAC", "LISTENING", "ONLINE", True),
        ("INITIAL_ELPAC", "SPEAKING", "ONLINE", False),
        ("SUMMATIVE_ELPAC", "WRITING", "ONLINE", False),
    ],
)
def test_pause_rule_applies_where_t_3_says(test, part, delivery, has_it) -> None:
    assert load_fixture().assessments[test].has_pause_rule(part, delivery) is has_it


def _broken(data: dict, change) -> dict:
    data = copy.deepcopy(data)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda d: d["incident_types"][0].update(severity="SEVERE"),
            "incident SOCIAL_MEDIA_STUDENT: unknown severity 'SEVERE'",
        ),
        (
            lambda d: d["incident_types"][0].update(severity=""),
            "incident SOCIAL_MEDIA_STUDENT: a severity is required unless it is not a STAIRS "
            "incident",
        ),
        (
            lambda d: d["incident_types"][0].update(tests=["INITIAL_ELPAC", "SB_SCIENCE"]),
            "incident SOCIAL_MEDIA_STUDENT tests: unknown SB_SCIENCE",
        ),
        (
            lambda d: d["incident_types"][7].update(tests=["CAA_ELA"], programs=["ELPAC"]),
            "incident LANGUAGE_SUPPORT_CAASPP tests: unknown CAA_ELA",
        ),
        (
            lambda d: d["assessments"][0].update(program="SBAC"),
            "assessment SB_ELA: unknown program 'SBAC'",
        ),
        (
            lambda d: d["assessments"][2]["parts"].append({**d["assessments"][0]["parts"][0]}),
            "assessment CAST: give either one whole-test part or its parts",
        ),
        (
            lambda d: d["assessments"][0]["parts"].append({**d["assessments"][0]["parts"][0]}),
            "assessment SB_ELA: part NON_PT listed twice",
        ),
        (
            lambda d: d["incident_types"][4]["questions"][1]["asked_when"].update(answer="MAYBE"),
            "incident INCORRECT_ASSESSMENT question nonallowable_materials: asked when what is "
            "MAYBE, which no earlier question offers",
        ),
        (
            lambda d: d["incident_types"].append(d["incident_types"][0]),
            "incident SOCIAL_MEDIA_STUDENT: listed twice",
        ),
        (
            lambda d: d["limits"][0].update(test="SB_ELA", part="NON_PT"),
            "limit A-RESET-2 SB_ELA NON_PT: A-RESET-2 is a limit for ELPAC tests",
        ),
        (
            lambda d: d["limits"][0].update(part="PT"),
            "limit A-RESET-2 INITIAL_ELPAC PT: not a part of INITIAL_ELPAC",
        ),
        (
            lambda d: d["limits"][0].update(value=-1),
            "limit A-RESET-2 INITIAL_ELPAC LISTENING: the value must be a whole number >= 0",
        ),
        (
            lambda d: d["limits"].append(dict(d["limits"][0])),
            "limit A-RESET-2 INITIAL_ELPAC LISTENING: listed twice",
        ),
        (
            # the A-RESET-9 / A-INVAL-1 limits may leave a gap but must never overlap
            lambda d: [x.update(value=12) for x in d["limits"] if x["rule"] == "A-RESET-9"],
            "limit SB_ELA NON_PT: Reset below 12 and Invalidate above 10 overlap",
        ),
    ],
)
def test_inconsistent_catalog_data_is_refused(data, change, error) -> None:
    with pytest.raises(CatalogError) as err:
        catalog_from_data(_broken(data, change))
    assert str(err.value) == error


def test_closing_the_gap_is_a_valid_edit(data) -> None:
    # Next year's documents might invalidate from 10 on: Invalidate above 9, no gap.
    for x in data["limits"]:
        if x["rule"] == "A-INVAL-1" and x["part"] == "NON_PT":
            x["value"] = 9
    catalog = catalog_from_data(data)
    assert catalog.limit("A-INVAL-1", "SB_ELA", "NON_PT") == 9


def test_answer_combinations_ask_a_gated_question_only_after_its_answer() -> None:
    incident = load_fixture().incidents["INCORRECT_ASSESSMENT"]
    combinations = incident.answer_combinations()
    # three 'what' answers alone, and the fourth with both nonallowable_materials answers
    assert len(combinations) == 5
    for answers in combinations:
        gated = answers["what"] == "SUMMATIVE_INSTEAD_OF_PRACTICE"
        assert ("nonallowable_materials" in answers) is gated, answers
