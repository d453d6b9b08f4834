"""A CalTAC agent, on the phone with an LEA coordinator, files a Restore for a student whose test a
Reset Appeal reset in error (issue 9, item 6; A-RESTORE-1, F-7): the school found by name in
the wizard's school finder, the Restore the only testing issue offered. The LEA coordinator then
finds the case in Search STAIRS as the LEA's own, marked as filed by CalTAC. Axe clean on every
page, at desktop and phone width; the school finder also works with JavaScript off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect

from incidents.case_models import Case
from stairs.vocabulary import AppealType, CaseStatus
from students import dates, effects
from students.models import TestingWindow, TestStatus
from tests.e2e.conftest import (
    VIEWPORTS,
    assert_axe_clean,
    assert_fits_the_width,
    main_menu,
    sign_in,
    sign_out,
)
from tests.students.factories import StudentFactory, make_event

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FILING_MOMENT = datetime(2027, 3, 10, 10, 0, tzinfo=dates.PACIFIC)  # a Wednesday
RESTORE = "Test reset in error by a Reset Appeal (filed by CalTAC for the LEA)"


@pytest.fixture
def filing_clock(tree) -> Iterator[None]:
    TestingWindow.objects.create(
        lea=tree.lea_a, program="CAASPP", start_date=date(2027, 1, 11), end_date=date(2027, 6, 4)
    )
    with time_machine.travel(FILING_MOMENT, tick=True):
        yield


@pytest.fixture
def reset_in_error(tree, caltac_agent, filing_clock) -> str:
    """The SSID of a grade-5 student of school A1 whose Math non-PT a Reset Appeal reset."""
    student = StudentFactory(school=tree.school_a1, grade=5)
    event = make_event(student, test="SB_MATH", part="NON_PT", status=TestStatus.SUBMITTED)
    effects.event_reset(event=event, actor=caltac_agent, reason="Reset Appeal approved")
    return student.ssid


def _checked(page: Page) -> None:
    assert_axe_clean(page)
    assert_fits_the_width(page)


def _next(page: Page, name: str = "Next") -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def _find_school(page: Page) -> None:
    """Step 1's school finder: a search too short, then by name; choose Alder Elementary."""
    page.get_by_label("School or LEA name, or CDS code").fill("a")
    page.get_by_role("button", name="Find schools").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Type at least 2 characters.")).to_be_visible()
    page.get_by_label("School or LEA name, or CDS code").fill("Alder Elem")
    page.get_by_role("button", name="Find schools").click()
    page.wait_for_load_state()
    found = page.get_by_role("table")
    expect(found).to_contain_text("19111116000001")
    expect(found).not_to_contain_text("Birch High")
    page.get_by_role("link", name="Choose Alder Elementary").click()
    page.wait_for_load_state()
    expect(page.get_by_label("School CDS code")).to_have_value("19111116000001")
    expect(page.get_by_text("Alder Elementary, Alder Unified.")).to_be_visible()


def test_caltac_files_a_restore_the_lea_sees_as_its_own(
    page: Page, live_server, tree, caltac_agent, lea_coordinator, reset_in_error
):
    ssid = reset_in_error
    sign_in(page, live_server, caltac_agent)
    main_menu(page).get_by_role("link", name="File a case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("School, date and test")
    _checked(page)
    _find_school(page)
    _checked(page)
    page.get_by_label("Date of the testing incident").fill("2027-03-09")
    page.get_by_label("Grade").select_option("5")
    page.get_by_label("Test and part or domain").select_option("SB_MATH:NON_PT")
    page.get_by_label("Online").check()
    _next(page)

    # rule F-7: the Restore is the one testing issue CalTAC is offered.
    expect(page.get_by_role("heading", level=1)).to_have_text("What happened")
    expect(page.get_by_role("radio")).to_have_count(1)
    _checked(page)
    page.get_by_label(RESTORE).check()
    _next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up questions and description")
    page.get_by_label("Description of the incident").fill(
        "The Reset Appeal named the Math test; the ELA test was the one to reset."
    )
    _next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Students involved")
    page.get_by_label("Number of students").fill("1")
    page.get_by_label("SSIDs", exact=True).fill(ssid)
    eligibility = page.locator("#eligibility")
    expect(eligibility).to_contain_text(ssid)
    expect(eligibility).to_contain_text("Restore")
    _checked(page)
    _next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm details")
    _checked(page)
    _next(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Select the SSIDs that need an appeal"
    )
    _next(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan of action and submit")
    page.get_by_label("Plan of action").fill(
        "The coordinator double-checks the test named in each reset request."
    )
    _next(page, "Submit the case")

    expect(page.get_by_role("heading", level=1)).to_have_text("Case submitted")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Filed by CalTAC on the LEA's behalf")
    expect(main).to_contain_text("decided by CDE")
    _checked(page)
    number = re.search(r"20\d\d-\d{6}", main.inner_text()).group(0)
    case = Case.objects.get(number=number)
    assert case.filed_on_behalf and case.status == CaseStatus.PENDING_CDE_APPROVAL  # rule A-1
    assert case.appeals.get().appeal_type == AppealType.RESTORE
    sign_out(page)

    # The LEA coordinator finds it among the LEA's cases, marked as filed by CalTAC.
    sign_in(page, live_server, lea_coordinator)
    main_menu(page).get_by_role("link", name="Search STAIRS").click()
    results = page.get_by_role("table")
    expect(results).to_contain_text(number)
    expect(results).to_contain_text("Filed by CalTAC on the LEA's behalf")
    _checked(page)
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.get_by_role("main")).to_contain_text(
        "Filed by CalTAC on the LEA's behalf (Alder Unified)"
    )
    expect(page.get_by_role("main")).to_contain_text(ssid)
    expect(page.get_by_role("link", name="Withdraw the case")).to_have_count(0)
    _checked(page)


def test_the_school_finder_works_without_javascript(
    browser: Browser, live_server, tree, caltac_agent, filing_clock, viewport
):
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    try:
        sign_in(page, live_server, caltac_agent)
        page.goto(f"{live_server.url}/cases/new/")
        _find_school(page)
        page.get_by_label("Date of the testing incident").fill("2027-03-09")
        page.get_by_label("Grade").select_option("5")
        page.get_by_label("Test and part or domain").select_option("SB_MATH:NON_PT")
        page.get_by_label("Online").check()
        _next(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("What happened")
    finally:
        context.close()
    case = Case.objects.get()
    assert case.school == tree.school_a1 and case.filed_on_behalf
