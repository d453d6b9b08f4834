"""The assessment catalog as data: loaded by the data migration from the versioned fixture."""

from __future__ import annotations

import pytest
from django.apps import apps

from stairs.catalog_fixtures import load_assessment_catalog
from students.models import Assessment, AssessmentPart
from tests.students.factories import catalog_part

pytestmark = pytest.mark.django_db

CODES = [
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


def test_the_catalog_holds_the_tests_of_contracts_md():
    catalog_part("SB_ELA", "NON_PT")
    assert sorted(Assessment.objects.values_list("code", flat=True)) == sorted(CODES)
    programs = dict(Assessment.objects.values_list("code", "program"))
    assert {c for c, p in programs.items() if p == "ELPAC"} == {"SUMMATIVE_ELPAC", "INITIAL_ELPAC"}


def test_parts_and_domains():
    catalog_part("SB_ELA", "NON_PT")
    parts = {}
    for p in AssessmentPart.objects.select_related("assessment"):
        parts.setdefault(p.assessment.code, []).append(p.code)
    assert parts["SB_MATH"] == ["NON_PT", "PT"]
    assert parts["SUMMATIVE_ELPAC"] == ["LISTENING", "SPEAKING", "READING", "WRITING"]
    for whole in ("CAST", "CAA_ELA", "CAA_MATH", "CAA_SCIENCE", "CSA"):
        assert parts[whole] == [""]


@pytest.mark.parametrize(
    ("test", "part", "days"),
    [
        ("SB_ELA", "NON_PT", 45),
        ("SB_MATH", "PT", 10),
        ("CAST", "", 45),
        ("CSA", "", 45),
        ("INITIAL_ELPAC", "WRITING", 20),
        ("SUMMATIVE_ELPAC", "LISTENING", 20),
        ("CAA_ELA", "", None),
    ],
)
def test_expiry_days(test, part, days):
    # rule T-1
    assert catalog_part(test, part).expiry_days == days


@pytest.mark.parametrize(
    ("test", "part", "pause_rule"),
    [
        ("SB_ELA", "NON_PT", True),
        ("SB_ELA", "PT", False),
        ("SUMMATIVE_ELPAC", "READING", True),
        ("INITIAL_ELPAC", "LISTENING", True),
        ("SUMMATIVE_ELPAC", "SPEAKING", False),
        ("INITIAL_ELPAC", "WRITING", False),
        ("CAST", "", True),
    ],
)
def test_pause_rule(test, part, pause_rule):
    # rule T-3, A-GPE-1
    assert catalog_part(test, part).pause_rule is pause_rule


def test_grades_served_and_deliveries():
    catalog_part("SB_ELA", "NON_PT")
    sb = Assessment.objects.get(code="SB_ELA")
    assert sb.grades == [3, 4, 5, 6, 7, 8, 11]
    assert sb.serves_grade(11) and not sb.serves_grade(10)
    assert Assessment.objects.get(code="INITIAL_ELPAC").serves_grade(0)
    assert sb.offers("PAPER") and not Assessment.objects.get(code="CAA_MATH").offers("PAPER")
    assert catalog_part("INITIAL_ELPAC", "WRITING").online_dei_grades == [0, 1, 2]


def test_loading_again_is_an_upsert_and_keeps_admin_edits_elsewhere():
    catalog_part("SB_ELA", "NON_PT")
    Assessment.objects.filter(code="CSA").update(label="Edited in the admin")
    before = AssessmentPart.objects.count()
    load_assessment_catalog(apps, "assessment_catalog_v1.json")
    assert AssessmentPart.objects.count() == before
    # The fixture names CSA, so loading it again puts its label back: versions are authoritative.
    assert Assessment.objects.get(code="CSA").label == "California Spanish Assessment (CSA)"
