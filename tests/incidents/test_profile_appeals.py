"""The student profile's Score Status after STAIRS cases and decisions (issue 9, item 9): the
"Recent STAIRS appeals" section (incidents' provider through students/profile_sections.py,
scoped by appeals_for) and the domain-level irregularity notations with their reference (D-1)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from appeals import decisions
from appeals.models import Appeal
from incidents import services
from incidents.case_models import Case
from incidents.profile_appeals import RECENT_APPEALS, recent_appeals_section
from stairs.vocabulary import AppealStatus, AppealType, TestStatus
from students.models import Student
from tests.factories import user_with_role
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db


def _student(school, *, questions: int = 5, test: str = "SB_MATH", part: str = "NON_PT"):
    student = StudentFactory(school=school, grade=5)
    make_event(
        student, test=test, part=part, status=TestStatus.SUBMITTED, questions_completed=questions
    )
    return student


def _file(actor, school, student: Student, **kwargs) -> Case:
    case = draft(actor, school, students=[student], **kwargs)
    return services.case_submit(case=case, actor=actor)


def _score_status(client, user, student: Student):
    client.force_login(user)
    return client.get(reverse("students:score_status", args=[student.ssid]))


def _section(body: str) -> str:
    return body[body.index('id="recent-appeals-heading"') :]


def _rows(section: str) -> list[str]:
    return re.findall(r"<tr>\s*<th scope=\"row\"[^>]*>.*?</tr>", section, re.S)


@pytest.fixture
def student(tree, windows, filing_day) -> Student:
    return _student(tree.school_a1, questions=10)


def test_score_status_lists_the_students_appeals_newest_first_with_each_decision(
    client, lea_coordinator, colleague, tree, student, cde_reviewer, caltac_agent
):
    # A Re-open (submitted early) that CalTAC rejects; then, filed later, exactly 10 questions
    # with nonallowable materials: CDE chooses (manual review) and invalidates.
    reopen = _file(lea_coordinator, tree.school_a1, student)
    decisions.appeal_reject(
        appeal=reopen.appeals.get(), actor=caltac_agent, reason="The student finished the test."
    )
    manual = _file(colleague, tree.school_a1, student, incident_code="NONALLOWABLE_MATERIALS")
    decisions.appeal_approve(
        appeal=manual.appeals.get(), actor=cde_reviewer, choice=AppealType.INVALIDATE
    )
    response = _score_status(client, lea_coordinator, student)
    assert response.status_code == 200
    section = _section(response.content.decode())
    newest, oldest = _rows(section)
    assert reverse("incidents:detail", args=[manual.pk]) in newest
    assert f">{manual.number}</a>" in newest
    assert "Smarter Balanced Mathematics non-PT (CAT)" in newest
    assert "Invalidate" in newest and "Approved" in newest
    assert f">{reopen.number}</a>" in oldest
    assert "Re-open" in oldest and "Rejected by CalTAC" in oldest
    assert "Mar 10, 2027" in oldest
    assert "The student finished the test." in oldest
    # Coordinators read the deciding team, never the reviewer's name.
    assert "CDE" in newest and "Dana State" not in section


def test_an_open_appeal_says_who_it_waits_for(client, colleague, tree, student):
    _file(colleague, tree.school_a1, student, incident_code="NONALLOWABLE_MATERIALS")
    section = _section(_score_status(client, colleague, student).content.decode())
    (row,) = _rows(section)
    assert "Waiting for CDE" in row and "Pending" in row


def test_only_appeals_the_viewer_may_see_are_listed(
    client, colleague, tree, student, cde_reviewer, outsider
):
    case = _file(colleague, tree.school_a1, student, incident_code="NONALLOWABLE_MATERIALS")
    # rule U-4: the LEA's ELPAC coordinator sees the student but not the CAASPP cases (F-7).
    elpac = user_with_role(Role.LEA_ELPAC_COORDINATOR, tree.lea_a, email="elle@alder.example.org")
    response = _score_status(client, elpac, student)
    assert response.status_code == 200
    section = _section(response.content.decode())
    assert "No STAIRS appeal for this student that you may see." in section
    assert case.number not in section
    # CDE sees every appeal; another LEA's coordinator does not even see the student.
    assert case.number in _section(_score_status(client, cde_reviewer, student).content.decode())
    assert _score_status(client, outsider, student).status_code == 404


def test_at_most_the_latest_appeals_are_listed(colleague, tree, student, monkeypatch):
    monkeypatch.setattr("incidents.profile_appeals.RECENT_APPEALS", 2)
    numbers = [_file(colleague, tree.school_a1, student).number for _ in range(3)]
    section = recent_appeals_section(colleague, student)
    assert [a.case.number for a in section.context["appeals"]] == numbers[:0:-1]
    assert RECENT_APPEALS == 10


def test_notations_from_submissions_and_approvals_show_with_their_reference(
    client, tree, windows, filing_day, colleague, cde_reviewer
):
    # rule D-1: a domain-level notation on Score Status, from an ELPAC validity incident at
    # submission (C-2: no appeal) and from an approved Invalidate (A-INVAL-1).
    elpac = user_with_role(Role.LEA_ELPAC_COORDINATOR, tree.lea_a, email="elle@alder.example.org")
    reader = _student(tree.school_a1, test="SUMMATIVE_ELPAC", part="READING")
    at_submission = _file(
        elpac,
        tree.school_a1,
        reader,
        incident_code="CHEATING",
        test="SUMMATIVE_ELPAC",
        part="READING",
        select=[],
    )
    assert not Appeal.objects.filter(case=at_submission).exists()
    body = _score_status(client, elpac, reader).content.decode()
    # The notation's words name the case, and so does its reference beside its date.
    assert f"(STAIRS case {at_submission.number})." in body
    assert f"</time>, STAIRS case {at_submission.number})</span>" in body

    student = _student(tree.school_a1, questions=12)
    case = _file(colleague, tree.school_a1, student, incident_code="NONALLOWABLE_MATERIALS")
    appeal = case.appeals.get()
    assert appeal.appeal_type == AppealType.INVALIDATE
    decisions.appeal_approve(appeal=appeal, actor=cde_reviewer)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.APPROVED
    body = _score_status(client, colleague, student).content.decode()
    scores = body[: body.index('id="recent-appeals-heading"')]
    assert "Invalidated: an irregularity occurred." in scores
    assert f"</time>, STAIRS case {case.number}, appeal {appeal.pk})</span>" in scores


def test_score_status_costs_the_same_queries_for_1_or_8_appeals(
    client, tree, colleague, lea_coordinator, windows, filing_day, caltac_agent
):
    def queries_for(count: int) -> int:
        student = _student(tree.school_a1)
        for number in range(count):
            case = _file(colleague, tree.school_a1, student)
            if number % 2:
                decisions.appeal_reject(
                    appeal=case.appeals.get(), actor=caltac_agent, reason="Not this one."
                )
        client.force_login(lea_coordinator)
        url = reverse("students:score_status", args=[student.ssid])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert len(_rows(_section(response.content.decode()))) == count
        return len(captured.captured_queries)

    assert queries_for(1) == queries_for(8)
