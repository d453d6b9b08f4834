"""The coordinator's side of the decisions (issue 9, "Done when"): CalTAC approved a Reset, CDE
rejected an Invalidate with a reason and resolved a manual review with an Invalidate, and the
system rejected a Reset whose test changed since filing. The LEA coordinator sees each outcome
with its reason at the top of the case page and on the students' Score Status, resubmits the
one the system rejected, then withdraws it (a reason required, kept by its field when
missing). Axe clean on every page, at desktop and phone width.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest
import time_machine
from playwright.sync_api import Page, expect

from appeals import decisions
from appeals.models import Appeal
from incidents import services
from incidents.case_models import Case
from incidents.models import IncidentType
from stairs.vocabulary import AppealStatus, AppealType, TestStatus
from students import dates
from students.models import TestEvent, TestingWindow
from tests.e2e.conftest import assert_axe_clean, assert_fits_the_width, main_menu, sign_in
from tests.students.factories import StudentFactory, make_event

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FILING_MOMENT = datetime(2027, 3, 10, 10, 0, tzinfo=dates.PACIFIC)  # a Wednesday
REJECTION = "The proctor's notes show no device was used during the test."


@dataclass
class Decided:
    case: Case
    reset: Appeal  # approved by CalTAC
    invalidate: Appeal  # rejected by CDE with REJECTION
    manual: Appeal  # CDE's manual review, resolved with an Invalidate
    system: Appeal  # rejected by system: its test changed since filing


@pytest.fixture
def decided(tree, colleague, caltac_agent, cde_reviewer) -> Iterator[Decided]:
    TestingWindow.objects.create(
        lea=tree.lea_a, program="CAASPP", start_date=date(2027, 1, 11), end_date=date(2027, 6, 4)
    )
    with time_machine.travel(FILING_MOMENT, tick=True):
        # Nonallowable materials on the Math non-PT: fewer than 10 questions a Reset for CalTAC
        # (A-RESET-9), more than 10 an Invalidate for CDE (A-INVAL-1), exactly 10 CDE's choice.
        students = [StudentFactory(school=tree.school_a1, grade=5) for _ in range(4)]
        for student, questions in zip(students, (4, 12, 10, 5), strict=True):
            make_event(student, status=TestStatus.SUBMITTED, questions_completed=questions)
        case = services.case_create_draft(
            actor=colleague,
            school=tree.school_a1,
            incident_date=date(2027, 3, 9),
            grade=5,
            test="SB_MATH",
            part="NON_PT",
            delivery="ONLINE",
            incident_type=IncidentType.objects.get(code="NONALLOWABLE_MATERIALS"),
            answers={},
            description="A calculator app was open on four devices during the test.",
            plan_of_action="Devices are checked before every session.",
        )
        ssids = [student.ssid for student in students]
        services.case_set_students(case=case, actor=colleague, ssids=ssids)
        services.case_select_students(case=case, actor=colleague, ssids=ssids)
        case = services.case_submit(case=case, actor=colleague)
        reset, invalidate, manual, system = Appeal.objects.filter(case=case).order_by("pk")
        decisions.appeal_approve(appeal=reset, actor=caltac_agent, reason="Seating chart checked.")
        decisions.appeal_reject(appeal=invalidate, actor=cde_reviewer, reason=REJECTION)
        decisions.appeal_approve(appeal=manual, actor=cde_reviewer, choice=AppealType.INVALIDATE)
        TestEvent.objects.filter(pk=system.test_event_id).update(questions_completed=7)
        assert decisions.appeal_approve(appeal=system, actor=caltac_agent).status == (
            AppealStatus.REJECTED_BY_SYSTEM
        )
        yield Decided(case, reset, invalidate, manual, system)


def _checked(page: Page) -> None:
    assert_axe_clean(page)
    assert_fits_the_width(page)


def _decision(page: Page, heading: str):
    """The alert at the top of the case page under ``heading``."""
    return page.locator("section.alert").filter(has=page.get_by_role("heading", name=heading))


def test_the_coordinator_sees_each_decision_and_resubmits_the_system_rejection(
    page: Page, live_server, lea_coordinator, decided: Decided
):
    case = decided.case
    sign_in(page, live_server, lea_coordinator)
    main_menu(page).get_by_role("link", name="Search STAIRS").click()
    page.get_by_role("link", name=case.number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.number}")
    _checked(page)

    # The top of the case page: what asks for action first, each outcome with its reason.
    system = _decision(page, "The system rejected an appeal")
    expect(system).to_contain_text(decided.system.student.ssid)
    expect(system).to_contain_text("questions completed: 5 → 7")
    rejected = _decision(page, "An appeal was rejected")
    expect(rejected).to_contain_text(decided.invalidate.student.ssid)
    expect(rejected).to_contain_text("Rejected by CDE on")
    expect(rejected).to_contain_text(f"Reason: {REJECTION}")
    approved = _decision(page, "2 appeals were approved")
    expect(approved).to_contain_text(
        f"SSID {decided.reset.student.ssid}, Reset: Approved on Mar 10, 2027."
    )
    expect(approved).to_contain_text("Approved by CalTAC: the Reset was applied to the test.")
    expect(approved).to_contain_text("Reason: Seating chart checked.")
    expect(approved).to_contain_text(
        "Approved by CDE after a manual review: the Invalidate was applied to the test."
    )
    tops = page.locator("section.alert").all()
    assert [t.get_by_role("heading").inner_text() for t in tops[:3]] == [
        "The system rejected an appeal",
        "An appeal was rejected",
        "2 appeals were approved",
    ]

    # Resubmit: decided again by the rules on the test as it is now (7 questions: a Reset).
    system.get_by_role(
        "button", name=f"Resubmit the appeal for SSID {decided.system.student.ssid}"
    ).click()
    page.wait_for_load_state()
    expect(
        page.get_by_text(f"The appeal for SSID {decided.system.student.ssid} was resubmitted")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="The system rejected an appeal")).to_have_count(0)
    appeals = page.get_by_role("region", name="Appeals of this case")
    row = appeals.get_by_role("row").filter(has_text=decided.system.student.ssid)
    expect(row).to_contain_text("Pending")
    expect(row).to_contain_text(re.compile(r"due in \d business days"))
    _checked(page)
    decided.system.refresh_from_db()
    assert decided.system.status == AppealStatus.PENDING

    # Withdrawing it needs a reason: the refusal comes back by its field, the form still open.
    ssid = decided.system.student.ssid
    row.get_by_text("Withdraw this appeal").click()
    row.get_by_role("button", name=f"Withdraw the appeal for SSID {ssid}").click()
    page.wait_for_load_state()
    row = page.get_by_role("region", name="Appeals of this case").get_by_role("row")
    row = row.filter(has_text=ssid)
    reason = row.get_by_label("Why is this appeal withdrawn?")
    expect(reason).to_be_visible()
    expect(row).to_contain_text("This field is required.")
    _checked(page)
    reason.fill("The student's school asked for a new test session instead.")
    row.get_by_role("button", name=f"Withdraw the appeal for SSID {ssid}").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"The appeal for SSID {ssid} was withdrawn.")).to_be_visible()
    decided.system.refresh_from_db()
    assert decided.system.status == AppealStatus.WITHDRAWN

    # Score Status: the manual review's Invalidate with its notation (D-1), and the rejection.
    page.goto(f"{live_server.url}/students/{decided.manual.student.ssid}/score-status/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(decided.manual.student.ssid)
    expect(page.get_by_role("table").first).to_contain_text(
        f"STAIRS case {case.number}, appeal {decided.manual.pk}"
    )
    recent = page.get_by_role("region", name="Recent STAIRS appeals", exact=True)
    expect(recent).to_contain_text(case.number)
    expect(recent).to_contain_text("Invalidate")
    expect(recent).to_contain_text("Approved")
    _checked(page)
    page.goto(f"{live_server.url}/students/{decided.invalidate.student.ssid}/score-status/")
    recent = page.get_by_role("region", name="Recent STAIRS appeals", exact=True)
    expect(recent).to_contain_text("Rejected by CDE")
    expect(recent).to_contain_text(REJECTION)
    _checked(page)
    # The case number leads back to the case.
    recent.get_by_role("link", name=case.number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.number}")
