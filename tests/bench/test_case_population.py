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
    APPEAL_EVENT_COLUMNS,
    CASE_COLUMNS,
    CASE_STUDENT_COLUMNS,
    DATA_MOMENT,
    OVERDUE_COLUMNS,
    CaseGenerator,
    School,
    _ts,
    team_ids,
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
    cases = {c[col["id"]]: c for c in made.cases}
    for appeal in made.appeals:
        # appeal_untyped_is_cde
        assert appeal[ap["appeal_type"]] or appeal[ap["reviewer"]] == "CDE"
        # rule A-2: due_at is NOT NULL, the end of the fourth business day after receipt
        received = datetime.fromisoformat(appeal[ap["received_at"]])
        assert appeal[ap["due_at"]] == _ts(appeal_due_at(received))
        status = appeal[ap["status"]]
        # appeal_decided_has_time, appeal_rejection_has_reason
        if status not in ("PENDING", "PENDING_APPROVAL", "WITHDRAWN"):
            assert appeal[ap["decided_at"]] is not None
        if status.startswith("REJECTED"):
            assert appeal[ap["decision_reason"]]
        # appeal_approval_first: a pending Grace Period Extension was approved for filing
        if appeal[ap["appeal_type"]] == "GRACE_PERIOD_EXTENSION" and status == "PENDING":
            assert appeal[ap["preapproved_at"]] and appeal[ap["preapproved_by_id"]]
        assert appeal[ap["filed_state"]] == "{}"  # filled from the test event by SQL
        # The case's LEA, school and program, copied onto the appeal (appeals/0005).
        case = cases[appeal[ap["case_id"]]]
        assert (appeal[ap["lea_id"]], appeal[ap["school_id"]], appeal[ap["program"]]) == (
            case[col["lea_id"]],
            case[col["school_id"]],
            case[col["program"]],
        )


def _appeals(made) -> list[dict]:
    return [dict(zip(APPEAL_COLUMNS, row, strict=True)) for row in made.appeals]


def test_state_mix_most_decided_some_open_claimed_and_past_due():
    made = _generate(4_000, 12_000)
    appeals = _appeals(made)
    statuses = Counter(a["status"] for a in appeals)
    open_ = [a for a in appeals if a["status"] in ("PENDING", "PENDING_APPROVAL")]
    assert 0.06 < len(open_) / len(appeals) < 0.2
    assert statuses["APPROVED"] > len(appeals) / 2
    for status in ("REJECTED_BY_CDE", "REJECTED_BY_CALTAC", "REJECTED_BY_SYSTEM", "WITHDRAWN"):
        assert statuses[status] > 0
    claimed = [a for a in open_ if a["claimed_by_id"]]
    assert 0.3 < len(claimed) / len(open_) < 0.5
    # Claimed and decided by a reviewer of the appeal's team (by system: nobody).
    teams = team_ids()
    for a in appeals:
        for who in ("claimed_by_id", "decided_by_id"):
            assert a[who] is None or a[who] in teams[a["reviewer"]]
        assert (a["decided_by_id"] is None) == (
            a["status"] in ("PENDING", "PENDING_APPROVAL", "WITHDRAWN", "REJECTED_BY_SYSTEM")
        )
    # rule A-2: the overdue mark follows the due moment; some open past due are not marked yet
    # (about a quarter of them: the sweep's work).
    moment = _ts(DATA_MOMENT)
    marks = {mark[0]: dict(zip(OVERDUE_COLUMNS, mark, strict=True)) for mark in made.overdue}
    assert len(marks) == len(made.overdue)  # one mark per appeal, its primary key
    by_id = {a["id"]: a for a in appeals}
    past_due = [a for a in open_ if a["due_at"] < moment]
    unmarked = [a for a in past_due if a["id"] not in marks]
    assert 0.15 < len(unmarked) / len(past_due) < 0.35
    assert any(by_id[pk]["status"] not in ("PENDING", "PENDING_APPROVAL") for pk in marks)
    for pk, mark in marks.items():
        appeal = by_id[pk]
        at = datetime.fromisoformat(mark["at"])
        assert mark["reviewer"] == appeal["reviewer"]
        assert datetime.fromisoformat(appeal["due_at"]) < at <= DATA_MOMENT
        # Marked while still open: before the appeal was decided.
        decided = appeal["decided_at"]
        assert decided is None or at < datetime.fromisoformat(decided)
    # Not due yet at the data's moment: never marked.
    assert all(a["id"] not in marks for a in open_ if a["due_at"] >= moment)


def test_appeal_timeline_follows_each_appeal():
    made = _generate()
    appeals = {a["id"]: a for a in _appeals(made)}
    assert sorted(appeals) == list(range(1, len(appeals) + 1))  # ids in COPY order
    ev = {name: i for i, name in enumerate(APPEAL_EVENT_COLUMNS)}
    kinds: dict[int, list[str]] = {}
    for row in made.appeal_events:
        kinds.setdefault(row[ev["appeal_id"]], []).append(row[ev["kind"]])
    for pk, appeal in appeals.items():
        seen = Counter(kinds[pk])
        assert seen["CREATED"] == 1
        decided = appeal["decided_at"] is not None
        assert seen["DECIDED"] == (1 if decided else 0)
        assert seen["STATUS_CHANGED"] == (1 if appeal["status"] == "WITHDRAWN" else 0)
        assert seen["OVERDUE"] == 0  # the sweep marks, it writes no timeline row (appeals/0008)
        assert seen["ASSIGNED"] == (1 if appeal["claimed_by_id"] else 0)
        assert seen["PREAPPROVED"] == (1 if appeal["preapproved_at"] else 0)


def test_reviewers_have_their_team_roles():
    made = _generate(200, 500)
    roles = Counter(role for _, _, _, role, _ in made.reviewers)
    assert roles == {"CDE_REVIEWER": 40, "CALTAC_AGENT": 60}
    filers = {uid for uid, *_ in made.users}
    assert not filers & {uid for uid, *_ in made.reviewers}


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
