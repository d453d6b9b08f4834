"""The benchmark's case generator (bench/case_population.py): exact totals, deterministic, and
rows that keep every CheckConstraint of incidents/case_models.py and appeals/models.py. Pure:
no database."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from appeals.business_days import appeal_due_at
from bench.case_population import (
    APPEAL_COLUMNS,
    CASE_COLUMNS,
    CASE_STUDENT_COLUMNS,
    CaseGenerator,
    School,
    _ts,
)
from incidents.case_models import NUMBER_PATTERN
from incidents.transitions import case_status_for

INCIDENTS = {
    code: n
    for n, code in enumerate(
        [
            "STUDENT_DISRUPTION",
            "ADMINISTRATION_ERROR",
            "SUBMITTED_EARLY",
            "INCORRECT_SSID",
            "RESOURCE_SETTING",
            "NONALLOWABLE_MATERIALS",
            "CHEATING",
            "ELECTRONIC_DEVICE",
            "TECHNICAL_DISRUPTION",
            "SOCIAL_MEDIA_STUDENT",
        ],
        start=1,
    )
}


def _schools() -> list[School]:
    ids = iter(range(1, 100_000))
    return [
        School(100 + n, 3 + n % 4, {g: [next(ids) for _ in range(20 + 40 * n)] for g in (3, 4)})
        for n in range(12)
    ]


def _generate(cases: int = 2_000, students: int = 5_000):
    return CaseGenerator(_schools(), INCIDENTS, cases=cases, case_students=students).generate()


def test_exact_totals_and_one_appeal_per_selected_student():
    made = _generate()
    assert len(made.cases) == 2_000 and len(made.case_students) == 5_000
    selected = CASE_STUDENT_COLUMNS.index("selected")
    assert len(made.appeals) == sum(row[selected] == "t" for row in made.case_students)
    assert len(made.case_events) == 2_000  # one timeline row per case


def test_deterministic():
    assert _generate(500, 1_200) == _generate(500, 1_200)


def test_rows_keep_the_constraints():
    made = _generate()
    col = {name: i for i, name in enumerate(CASE_COLUMNS)}
    numbers = [c[col["number"]] for c in made.cases if c[col["number"]] is not None]
    assert len(numbers) == len(set(numbers)) == made.last_number
    assert all(re.match(NUMBER_PATTERN, n) for n in numbers)
    statuses = Counter(c[col["status"]] for c in made.cases)
    assert 0.03 < statuses["DRAFT"] / 2_000 < 0.08 and len(statuses) == 6
    for case in made.cases:
        draft = case[col["status"]] == "DRAFT"
        # case_submitted_is_complete
        assert (case[col["number"]] is None) == draft
        assert (case[col["submitted_at"]] is None) == draft
        assert (case[col["submitted_by_id"]] is None) == draft
        assert case[col["school_id"]] and case[col["incident_type_id"]]
        assert case[col["ssid_input_type"]] in ("", "TYPED", "UPLOAD")
    cs = {name: i for i, name in enumerate(CASE_STUDENT_COLUMNS)}
    pairs = [(r[cs["case_id"]], r[cs["student_id"]]) for r in made.case_students]
    assert len(pairs) == len(set(pairs))  # casestudent_unique
    assert all(r[cs["appealable"]] == "t" for r in made.case_students if r[cs["selected"]] == "t")
    ap = {name: i for i, name in enumerate(APPEAL_COLUMNS)}
    for appeal in made.appeals:
        # appeal_approval_first and appeal_untyped_is_cde
        if appeal[ap["appeal_type"]] == "GRACE_PERIOD_EXTENSION":
            assert appeal[ap["status"]] != "PENDING"
        assert appeal[ap["appeal_type"]] or appeal[ap["reviewer"]] == "CDE"
        # rule A-2: due_at is NOT NULL, the end of the fourth business day after receipt
        received = datetime.fromisoformat(appeal[ap["received_at"]])
        assert appeal[ap["due_at"]] == _ts(appeal_due_at(received))


def test_case_status_follows_its_appeals():
    made = _generate()
    col = {name: i for i, name in enumerate(CASE_COLUMNS)}
    ap = {name: i for i, name in enumerate(APPEAL_COLUMNS)}
    by_case: dict[int, list[tuple[str, str]]] = {}
    for appeal in made.appeals:
        by_case.setdefault(appeal[ap["case_id"]], []).append(
            (appeal[ap["status"]], appeal[ap["reviewer"]])
        )
    for case in made.cases:
        if case[col["status"]] != "DRAFT":
            assert case_status_for(by_case.get(case[col["id"]], [])) == case[col["status"]]
        else:
            assert case[col["id"]] not in by_case


def test_students_of_a_case_are_of_its_school_and_grade():
    schools = {s.id: s for s in _schools()}
    made = _generate()
    col = {name: i for i, name in enumerate(CASE_COLUMNS)}
    cases = {c[col["id"]]: c for c in made.cases}
    for row in made.case_students:
        case = cases[row[0]]
        assert row[1] in schools[case[col["school_id"]]].students[case[col["grade"]]]
