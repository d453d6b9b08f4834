"""The case page after the reviewers decided (issue 9, items 1, 5 and 10): every outcome with its
reason at the top, the appeals table (due phrase, decided date, who decided, the reviewers'
"Decide" link), and the filer side's withdraw and resubmit actions, for each persona."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals import decisions
from appeals.models import Appeal, AppealEvent, AppealEventKind
from incidents import services
from incidents.case_models import Case
from stairs.vocabulary import AppealStatus, AppealType, CaseStatus, TestStatus
from students.models import TestEvent, TestingWindow
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db


# Questions completed on the Math non-PT and what NONALLOWABLE_MATERIALS files for each:
# fewer than 10 a Reset for CalTAC (A-RESET-9), more than 10 an Invalidate for CDE (A-INVAL-1),
# exactly 10 a manual review by CDE (domain.md's gap between the two).
RESET, INVALIDATE, MANUAL, RESET_LATER = 4, 12, 10, 5


def _file(actor, school, questions: list[int]) -> Case:
    students = [StudentFactory(school=school, grade=5) for _ in questions]
    for student, count in zip(students, questions, strict=True):
        make_event(student, status=TestStatus.SUBMITTED, questions_completed=count)
    case = draft(actor, school, students=students, incident_code="NONALLOWABLE_MATERIALS")
    return services.case_submit(case=case, actor=actor)


def _appeals(case: Case) -> list[Appeal]:
    return list(Appeal.objects.filter(case=case).select_related("student").order_by("pk"))


@pytest.fixture
def decided_case(colleague, tree, windows, filing_day, caltac_agent, cde_reviewer) -> Case:
    """Filed by the site coordinator of A1; then CalTAC approves the Reset, CDE rejects the
    Invalidate with a reason and resolves the manual review with an Invalidate, and the last
    Reset is rejected by system (its test changed since filing)."""
    case = _file(colleague, tree.school_a1, [RESET, INVALIDATE, MANUAL, RESET_LATER])
    reset, invalidate, manual, later = _appeals(case)
    assert (reset.appeal_type, invalidate.appeal_type, manual.manual_review) == (
        AppealType.RESET,
        AppealType.INVALIDATE,
        True,
    )
    decisions.appeal_approve(appeal=reset, actor=caltac_agent, reason="Seating chart checked.")
    decisions.appeal_reject(
        appeal=invalidate, actor=cde_reviewer, reason="The proctor's notes show no device in use."
    )
    decisions.appeal_approve(appeal=manual, actor=cde_reviewer, choice=AppealType.INVALIDATE)
    TestEvent.objects.filter(pk=later.test_event_id).update(questions_completed=7)
    outcome = decisions.appeal_approve(appeal=later, actor=caltac_agent)
    assert outcome.status == AppealStatus.REJECTED_BY_SYSTEM
    return case


def _body(response) -> str:
    return response.content.decode()


def _page(client, user, case: Case) -> str:
    client.force_login(user)
    response = client.get(reverse("incidents:detail", args=[case.pk]))
    assert response.status_code == 200
    return _body(response)


def _top(body: str) -> str:
    """What comes before the case's details: the decisions."""
    return body[: body.index('id="details-heading"')]


def _table_row(body: str, ssid: str) -> str:
    table = body[body.index('id="appeals-heading"') : body.index('id="notes-heading"')]
    return re.search(rf"<tr>\s*<th scope=\"row\"[^>]*>{ssid}</th>.*?</tr>", table, re.S).group(0)


# --- the outcomes at the top ---------------------------------------------------------------------


def test_every_decision_and_its_reason_come_first(client, lea_coordinator, decided_case):
    reset, invalidate, manual, later = _appeals(decided_case)
    top = _top(_page(client, lea_coordinator, decided_case))
    # What asks for action first, then the reviewers' rejection, then the approvals.
    system = top.index("The system rejected an appeal")
    rejected = top.index("An appeal was rejected")
    approved = top.index("2 appeals were approved")
    assert system < rejected < approved
    assert later.student.ssid in top[system:rejected]
    assert "questions completed: 5 → 7" in top[system:rejected]
    assert "Resubmit" in top[system:rejected]
    assert invalidate.student.ssid in top[rejected:approved]
    assert "Rejected by CDE on <time" in top[rejected:approved]
    assert "Reason: The proctor&#x27;s notes show no device in use." in top[rejected:approved]
    approvals = top[approved:]
    assert "Approved by CalTAC: the Reset was applied to the test." in approvals
    assert "Reason: Seating chart checked." in approvals
    # rule D-1: an invalidation records a domain-level notation on the student's Score Status
    assert (
        "Approved by CDE after a manual review: the Invalidate was applied to the test. An "
        "irregularity notation is on the student&#x27;s Score Status (D-1)." in approvals
    )
    assert "Reason: Approved." not in approvals  # the default reason says nothing
    for appeal in (reset, manual):
        assert appeal.student.ssid in approvals
    # SSIDs only: the page never names a student.
    assert reset.student.last_name not in top


def test_a_recorded_exception_tells_the_coordinator_to_open_a_new_test_session(
    client, colleague, tree, windows, filing_day, cde_reviewer
):
    # A Grace Period Extension asked for a CAASPP PT (A-GPE-1's contradiction), approved by CDE
    # as a recorded exception: stored as the review service stores it.
    case = _file(colleague, tree.school_a1, [RESET])
    Appeal.objects.filter(case=case).update(
        appeal_type=AppealType.GRACE_PERIOD_EXTENSION,
        reviewer="CDE",
        status=AppealStatus.APPROVED,
        exception=True,
        decided_at=timezone.now(),
        decided_by=cde_reviewer,
        decision_reason="Fire drill during the PT.",
    )
    top = _top(_page(client, colleague, case))
    assert "An appeal was approved" in top
    assert "Approved by CDE as a recorded exception: nothing changed on the test." in top
    assert "Open a new test session for the student" in top
    assert "Reason: Fire drill during the PT." in top


def test_a_swap_approval_shows_as_approved(
    client, colleague, tree, windows, filing_day, caltac_agent
):
    case = _file(colleague, tree.school_a1, [RESET])
    Appeal.objects.filter(case=case).update(
        status=AppealStatus.SWAP_APPROVED, decided_at=timezone.now(), decided_by=caltac_agent
    )
    top = _top(_page(client, colleague, case))
    assert "An appeal was approved" in top and "Swap approved by CalTAC." in top


def test_no_decision_no_section(client, colleague, tree, windows, filing_day):
    case = _file(colleague, tree.school_a1, [RESET])
    top = _top(_page(client, colleague, case))
    assert "was approved" not in top and "rejected" not in top


def test_only_the_filer_side_is_offered_resubmit(
    client, decided_case, lea_coordinator, cde_reviewer, caltac_agent
):
    later = _appeals(decided_case)[3]
    url = reverse("incidents:appeal_resubmit", args=[decided_case.pk, later.pk])
    assert url in _page(client, lea_coordinator, decided_case)
    for reader in (cde_reviewer, caltac_agent):
        body = _page(client, reader, decided_case)
        assert "The system rejected an appeal" in body
        assert url not in body


# --- the appeals table ---------------------------------------------------------------------------


def test_the_table_shows_the_due_phrase_the_decision_date_and_the_team(
    client, lea_coordinator, colleague, tree, decided_case
):
    reset, invalidate, _manual, later = _appeals(decided_case)
    open_case = _file(colleague, tree.school_a1, [RESET])
    pending = _appeals(open_case)[0]
    # rule A-2: four business days from receipt, Wednesday to the next Tuesday
    row = _table_row(_page(client, lea_coordinator, open_case), pending.student.ssid)
    assert "due in 4 business days" in row
    body = _page(client, lea_coordinator, decided_case)
    row = _table_row(body, reset.student.ssid)
    assert "Mar 10, 2027" in row and ">CalTAC<" in row
    table = body[body.index('id="appeals-heading"') : body.index('id="notes-heading"')]
    assert "Carl Help" not in table  # coordinators read the team, not the person
    assert ">CDE<" in _table_row(body, invalidate.student.ssid)
    assert "STAIRS (automatic check)" in _table_row(body, later.student.ssid)


def test_reviewers_read_who_decided_by_name(client, caltac_agent, decided_case):
    reset, invalidate, *_ = _appeals(decided_case)
    body = _page(client, caltac_agent, decided_case)
    assert "Carl Help (CalTAC)" in _table_row(body, reset.student.ssid)
    assert "Dana State (CDE)" in _table_row(body, invalidate.student.ssid)


def test_only_the_appeals_own_reviewers_get_a_decide_link(
    client, colleague, tree, windows, filing_day, caltac_agent, cde_reviewer, lea_coordinator
):
    # issue 9, item 10: a CalTAC agent decides CalTAC's appeals, CDE its own; coordinators none
    case = _file(colleague, tree.school_a1, [RESET, INVALIDATE])
    reset, invalidate = _appeals(case)
    reset_url = reverse("review:appeal", args=[reset.pk])
    invalidate_url = reverse("review:appeal", args=[invalidate.pk])
    body = _page(client, caltac_agent, case)
    assert reset_url in body and invalidate_url not in body
    body = _page(client, cde_reviewer, case)
    assert invalidate_url in body and reset_url not in body
    body = _page(client, lea_coordinator, case)
    assert "/review/" not in body
    # A decided appeal is decided: no link.
    decisions.appeal_approve(appeal=reset, actor=caltac_agent)
    assert reset_url not in _page(client, caltac_agent, case)


# --- withdraw one appeal -------------------------------------------------------------------------


@pytest.fixture
def open_case(colleague, tree, windows, filing_day) -> Case:
    """Two Reset appeals waiting for CalTAC, filed by the site coordinator of A1."""
    return _file(colleague, tree.school_a1, [RESET, RESET])


def test_the_filer_withdraws_an_appeal_with_a_reason(client, colleague, open_case):
    first, second = _appeals(open_case)
    url = reverse("incidents:appeal_withdraw", args=[open_case.pk, first.pk])
    body = _page(client, colleague, open_case)
    assert url in body and f'for="id_withdraw_{first.pk}_reason"' in body
    response = client.post(url, {"reason": "Entered for the wrong student."})
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:detail", args=[open_case.pk]) + "#appeals"
    first.refresh_from_db()
    assert first.status == AppealStatus.WITHDRAWN
    event = AppealEvent.objects.filter(appeal=first).last()
    assert (event.actor, event.reason) == (colleague, "Entered for the wrong student.")
    body = _body(client.get(response["Location"]))
    assert f"The appeal for SSID {first.student.ssid} was withdrawn." in body
    # A withdrawn appeal offers nothing more; the other one still can be withdrawn.
    assert url not in body
    assert reverse("incidents:appeal_withdraw", args=[open_case.pk, second.pk]) in body


def test_a_colleague_of_the_lea_may_withdraw_too(client, lea_coordinator, open_case):
    first = _appeals(open_case)[0]
    client.force_login(lea_coordinator)
    client.post(
        reverse("incidents:appeal_withdraw", args=[open_case.pk, first.pk]), {"reason": "Twice."}
    )
    first.refresh_from_db()
    assert first.status == AppealStatus.WITHDRAWN


def test_a_withdrawal_without_a_reason_comes_back_next_to_its_field(client, colleague, open_case):
    first = _appeals(open_case)[0]
    client.force_login(colleague)
    response = client.post(
        reverse("incidents:appeal_withdraw", args=[open_case.pk, first.pk]), {"reason": "  "}
    )
    assert response.status_code == 400
    body = _body(response)
    # The refused form is open, its message by its field (and in its summary); the other
    # appeal's form is untouched.
    assert "<details open>" in body
    assert body.count("<details open>") == 1
    assert f'id="id_withdraw_{first.pk}_reason"' in body
    assert "This field is required." in body
    assert f'href="#id_withdraw_{first.pk}_reason"' in body
    first.refresh_from_db()
    assert first.status == AppealStatus.PENDING


def test_a_decided_appeal_is_not_withdrawn_and_the_page_says_why(
    client, colleague, caltac_agent, open_case
):
    first = _appeals(open_case)[0]
    decisions.appeal_approve(appeal=first, actor=caltac_agent)
    client.force_login(colleague)
    response = client.post(
        reverse("incidents:appeal_withdraw", args=[open_case.pk, first.pk]),
        {"reason": "Too late."},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("#appeals")
    assert "it cannot be withdrawn: it was already decided" in _body(response)
    first.refresh_from_db()
    assert first.status == AppealStatus.APPROVED


def test_readers_and_outsiders_do_not_withdraw(
    client, open_case, outsider, cde_reviewer, caltac_agent, test_administrator
):
    first = _appeals(open_case)[0]
    url = reverse("incidents:appeal_withdraw", args=[open_case.pk, first.pk])
    for user, status in (
        (outsider, 404),  # rule U-4: another LEA's case answers as a missing one
        (test_administrator, 404),
        (cde_reviewer, 403),  # reviewers read the case; they never act for the filer
        (caltac_agent, 403),
    ):
        client.force_login(user)
        assert client.post(url, {"reason": "No."}).status_code == status, user
    first.refresh_from_db()
    assert first.status == AppealStatus.PENDING


def test_the_actions_are_post_only_and_scoped_to_the_case(
    client, colleague, tree, open_case, windows, filing_day
):
    first = _appeals(open_case)[0]
    other = _file(colleague, tree.school_a1, [RESET])
    client.force_login(colleague)
    for name in ("appeal_withdraw", "appeal_resubmit"):
        url = reverse(f"incidents:{name}", args=[open_case.pk, first.pk])
        assert client.get(url).status_code == 405
        # An appeal of another case under this case's address is missing.
        wrong = reverse(f"incidents:{name}", args=[other.pk, first.pk])
        assert client.post(wrong, {"reason": "x"}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, open_case):
    first = _appeals(open_case)[0]
    for name in ("appeal_withdraw", "appeal_resubmit"):
        response = client.post(reverse(f"incidents:{name}", args=[open_case.pk, first.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# --- resubmit one the system rejected ------------------------------------------------------------


def test_the_filer_resubmits_an_appeal_the_system_rejected(client, colleague, decided_case):
    later = _appeals(decided_case)[3]
    client.force_login(colleague)
    response = client.post(
        reverse("incidents:appeal_resubmit", args=[decided_case.pk, later.pk]), follow=True
    )
    assert response.redirect_chain[-1][0].endswith("#appeals")
    body = _body(response)
    assert (
        f"The appeal for SSID {later.student.ssid} was resubmitted: Reset, pending; CalTAC "
        "decides it." in body
    )
    later.refresh_from_db()
    assert later.status == AppealStatus.PENDING
    assert later.filed_state["questions_completed"] == 7  # decided on the test as it is now
    assert AppealEvent.objects.filter(appeal=later, kind=AppealEventKind.RESUBMITTED).exists()
    # Its rejection leaves the top of the page; it is due again (rule A-2).
    assert "The system rejected an appeal" not in _top(body)
    assert "due in 4 business days" in _table_row(body, later.student.ssid)
    decided_case.refresh_from_db()
    assert decided_case.status == CaseStatus.PARTIAL_CALTAC_APPROVAL


def test_only_an_appeal_the_system_rejected_is_resubmitted(client, colleague, decided_case):
    reset = _appeals(decided_case)[0]
    client.force_login(colleague)
    response = client.post(
        reverse("incidents:appeal_resubmit", args=[decided_case.pk, reset.pk]), follow=True
    )
    assert "only an appeal rejected by the system is" in _body(response)
    reset.refresh_from_db()
    assert reset.status == AppealStatus.APPROVED


def test_a_resubmission_is_decided_again_by_the_rules_on_the_test_now(
    client, colleague, decided_case
):
    later = _appeals(decided_case)[3]
    # The test now has 11 questions: no longer a Reset (A-RESET-9) but an Invalidate for CDE
    # (A-INVAL-1).
    TestEvent.objects.filter(pk=later.test_event_id).update(questions_completed=11)
    client.force_login(colleague)
    response = client.post(
        reverse("incidents:appeal_resubmit", args=[decided_case.pk, later.pk]), follow=True
    )
    later.refresh_from_db()
    assert (later.status, later.appeal_type, later.reviewer) == (
        AppealStatus.PENDING,
        AppealType.INVALIDATE,
        "CDE",
    )
    assert "was resubmitted: Invalidate, pending; CDE decides it." in _body(response)


def test_a_resubmission_the_rules_refuse_says_why_at_the_top(client, colleague, tree, decided_case):
    later = _appeals(decided_case)[3]
    # rule A-3: the LEA's window has closed, so no appeal is filed any more.
    TestingWindow.objects.filter(lea=tree.lea_a).update(end_date=date(2027, 3, 1))
    client.force_login(colleague)
    response = client.post(
        reverse("incidents:appeal_resubmit", args=[decided_case.pk, later.pk]), follow=True
    )
    assert response.redirect_chain[-1][0].endswith("#appeals")
    assert f"SSID {later.student.ssid} cannot be appealed now" in _body(response)
    later.refresh_from_db()
    assert later.status == AppealStatus.REJECTED_BY_SYSTEM


def test_readers_and_outsiders_do_not_resubmit(
    client, decided_case, outsider, cde_reviewer, caltac_agent
):
    later = _appeals(decided_case)[3]
    url = reverse("incidents:appeal_resubmit", args=[decided_case.pk, later.pk])
    for user, status in ((outsider, 404), (cde_reviewer, 403), (caltac_agent, 403)):
        client.force_login(user)
        assert client.post(url).status_code == status, user
    later.refresh_from_db()
    assert later.status == AppealStatus.REJECTED_BY_SYSTEM


# --- cost ----------------------------------------------------------------------------------------


def test_the_page_with_decisions_costs_the_same_queries_for_3_or_30_appeals(
    client, tree, colleague, caltac_agent, windows, filing_day
):
    def queries_for(count: int, viewer) -> int:
        case = _file(colleague, tree.school_a1, [RESET] * count)
        appeals = _appeals(case)
        half = [a.pk for a in appeals[: count // 2 + 1]]
        decisions.appeals_decide_bulk(
            appeal_ids=half, actor=caltac_agent, action="reject", reason="Not this time."
        )
        client.force_login(viewer)
        url = reverse("incidents:detail", args=[case.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    # The filer side (withdraw forms, due phrases) and a reviewer (names, decide links).
    for viewer in (colleague, caltac_agent):
        assert queries_for(3, viewer) == queries_for(30, viewer)


def test_a_decision_a_day_later_shows_its_own_date(
    client, colleague, caltac_agent, open_case, filing_day
):
    first = _appeals(open_case)[0]
    with time_machine.travel(filing_day + timedelta(days=1), tick=False):
        decisions.appeal_reject(appeal=first, actor=caltac_agent, reason="Late.")
    top = _top(_page(client, colleague, open_case))
    assert "Rejected by CalTAC on <time" in top and "Mar 11, 2027" in top
