"""`filing.appeal_possible`: whether any student could get an appeal for a draft's incident, test,
part, delivery, grade and answers, asked of the pure rules (F-2: without one, the wizard skips
the Students and Select steps)."""

from __future__ import annotations

import pytest

from incidents.case_models import Case
from incidents.filing import appeal_possible
from incidents.models import IncidentType
from incidents.queries import rules_catalog

pytestmark = pytest.mark.django_db


def case_of(incident: str | None, test="SB_MATH", part="NON_PT", grade=5, answers=None, **kw):
    return Case(
        incident_type=IncidentType.objects.get(code=incident) if incident else None,
        test=test,
        part=part,
        grade=grade,
        delivery=kw.pop("delivery", "ONLINE"),
        answers=answers or {},
    )


@pytest.mark.parametrize(
    ("incident", "test", "part", "grade", "answers", "expected"),
    [
        # rule S-1: an impropriety without an appeal (disruption, administration error): F-2 skip
        ("STUDENT_DISRUPTION", "SB_MATH", "NON_PT", 5, {}, False),
        ("ADMINISTRATION_ERROR", "SUMMATIVE_ELPAC", "READING", 3, {}, False),
        # rule A-REOPEN-1: submitted early -> Re-open for a submitted test
        ("SUBMITTED_EARLY", "SB_MATH", "NON_PT", 5, {}, True),
        # rule A-INVAL-1: social media (student) on the CAASPP -> Invalidate
        ("SOCIAL_MEDIA_STUDENT", "SB_ELA", "PT", 7, {}, True),
        # rule C-2: on the ELPAC only an irregularity notation, no appeal
        ("SOCIAL_MEDIA_STUDENT", "SUMMATIVE_ELPAC", "WRITING", 7, {}, False),
        # an adult's social media post: CDE reviews the case, no student appeal
        ("SOCIAL_MEDIA_ADULT", "CAST", "", 8, {}, False),
        # rule A-REOPEN-1: an expired test re-opened for an excused absence, not for "other"
        ("TEST_EXPIRED", "SB_MATH", "PT", 5, {"cause": "EXCUSED_ABSENCE"}, True),
        ("TEST_EXPIRED", "SB_MATH", "PT", 5, {"cause": "OTHER"}, False),
        # rule A-RESCORE-1: Initial ELPAC Writing, grades 3-12 only
        ("HAND_SCORING_ERROR", "INITIAL_ELPAC", "WRITING", 5, {}, True),
        ("HAND_SCORING_ERROR", "INITIAL_ELPAC", "WRITING", 2, {}, False),
        # rule A-GPE-1: no pause rule for ELPAC Speaking; the CAASPP non-PT has one (A-GPE-2:
        # not for a student break); a CAASPP PT goes to CDE by hand (domain.md's contradiction)
        (
            "TECHNICAL_DISRUPTION",
            "SUMMATIVE_ELPAC",
            "SPEAKING",
            5,
            {"pause_expired": True, "student_break": False},
            False,
        ),
        (
            "TECHNICAL_DISRUPTION",
            "SB_MATH",
            "PT",
            5,
            {"pause_expired": True, "student_break": False},
            True,
        ),
        (
            "TECHNICAL_DISRUPTION",
            "SB_MATH",
            "NON_PT",
            5,
            {"pause_expired": True, "student_break": False},
            True,
        ),
        (
            "TECHNICAL_DISRUPTION",
            "SB_MATH",
            "NON_PT",
            5,
            {"pause_expired": True, "student_break": True},
            False,
        ),
        # rule A-RESET-2: an ELPAC Reset within the question limits exists for some students
        ("DESIGNATED_SUPPORT_ELPAC", "SUMMATIVE_ELPAC", "LISTENING", 4, {}, True),
    ],
)
def test_appeal_possible_asks_the_rules(incident, test, part, grade, answers, expected):
    # rule F-2
    case = case_of(incident, test=test, part=part, grade=grade, answers=answers)
    assert appeal_possible(case, rules_catalog()) is expected


def test_not_a_stairs_incident_has_no_appeal():
    # rule F-9
    assert appeal_possible(case_of("PARENT_EXEMPTION"), rules_catalog()) is False


def test_nothing_is_skipped_before_the_incident_and_its_answers_are_known():
    # rule F-2: until the rules can be asked, every step stays
    catalog = rules_catalog()
    assert appeal_possible(case_of(None), catalog) is True
    assert appeal_possible(case_of("TEST_EXPIRED"), catalog) is True  # `cause` not answered yet
