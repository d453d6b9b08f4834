"""A new site coordinator files two STAIRS cases, one with typed SSIDs and one with an uploaded
list, sees each SSID's eligibility before submitting, finds both in Search STAIRS and downloads
the log (issue 8; F-1, F-3, F-6, D-4), axe clean on every page at desktop and phone width. The
wizard also completes with JavaScript off.

The clock runs from a Wednesday inside the LEA's testing window (time-machine moves the server
thread's clock too): the window, the late flag and the future-date check never read the real
date.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect

from incidents.case_models import Case
from students import dates
from students.models import TestingWindow, TestStatus
from tests.e2e.conftest import (
    VIEWPORTS,
    assert_axe_clean,
    assert_fits_the_width,
    main_menu,
    sign_in,
)
from tests.students.factories import StudentFactory, make_event

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FILING_MOMENT = datetime(2027, 3, 10, 10, 0, tzinfo=dates.PACIFIC)  # a Wednesday


@pytest.fixture
def filing_clock(tree) -> Iterator[None]:
    TestingWindow.objects.create(
        lea=tree.lea_a, program="CAASPP", start_date=date(2027, 1, 11), end_date=date(2027, 6, 4)
    )
    with time_machine.travel(FILING_MOMENT, tick=True):
        yield


def _students(tree, count: int) -> list[str]:
    """``count`` grade-5 students of school A1 whose Math non-PT was submitted."""
    ssids = []
    for _ in range(count):
        student = StudentFactory(school=tree.school_a1, grade=5)
        make_event(student, test="SB_MATH", part="NON_PT", status=TestStatus.SUBMITTED)
        ssids.append(student.ssid)
    return ssids


# Pages of a context without JavaScript: axe and the width check run scripts in the page, which
# such a context never runs (they would wait forever). The same pages are checked with it on.
_NO_SCRIPT: set[int] = set()


def _checked(page: Page) -> None:
    if id(page) in _NO_SCRIPT:
        return
    assert_axe_clean(page)
    assert_fits_the_width(page)


def _error_summary_shown(page: Page) -> None:
    """The summary of what to fix is there, and with JavaScript it has the focus."""
    summary = page.locator("[data-error-summary]")
    if id(page) in _NO_SCRIPT:
        expect(summary).to_be_visible()
    else:
        expect(summary).to_be_focused()


def _next(page: Page, name: str = "Next") -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def _first_steps(page: Page, incident: str) -> None:
    """Step 1 (school, date, grade, test) and step 2 (the testing issue), checked by axe."""
    expect(page.get_by_role("heading", level=1)).to_have_text("School, date and test")
    _checked(page)
    # A date in the future is refused next to its field, and the summary takes the focus.
    page.get_by_label("Date of the testing incident").fill("2027-03-11")
    page.get_by_label("Grade").select_option("5")
    page.get_by_label("Test and part or domain").select_option("SB_MATH:NON_PT")
    page.get_by_label("Online").check()
    _next(page)
    _error_summary_shown(page)
    _checked(page)
    page.get_by_label("Date of the testing incident").fill("2027-03-09")
    page.get_by_label("Time of the incident (optional)").fill("09:30")
    _next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("What happened")
    _checked(page)
    page.get_by_label(incident).check()
    _next(page)


def _details(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up questions and description")
    _checked(page)
    page.get_by_label("Description of the incident").fill(
        "During the Math session the test was submitted before it was finished."
    )
    _next(page)


def _confirm_select_and_submit(page: Page, ssids: list[str]) -> str:
    """Confirm Details, the selection (every SSID), the plan of action, Submit; returns the
    case number shown on the summary page."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm details")
    for ssid in ssids:
        expect(page.get_by_role("table")).to_contain_text(ssid)
    _checked(page)
    _next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Select the SSIDs that need an appeal"
    )
    _checked(page)
    _next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Plan of action and submit")
    _checked(page)
    # The plan is required: submitting without one says so and files nothing.
    _next(page, "Submit the case")
    _error_summary_shown(page)
    page.get_by_label("Plan of action").fill(
        "Proctors remind students to review before submitting."
    )
    _next(page, "Submit the case")

    expect(page.get_by_role("heading", level=1)).to_have_text("Case submitted")
    _checked(page)
    number = page.get_by_text(re.compile(r"\b20\d\d-\d{6}\b")).first.inner_text()
    return re.search(r"20\d\d-\d{6}", number).group(0)


def test_site_coordinator_files_two_cases_and_downloads_the_log(
    page: Page, live_server, tree, colleague, filing_clock, tmp_path
):
    typed = _students(tree, 3)
    uploaded = _students(tree, 12)
    sign_in(page, live_server, colleague)

    # Case 1: three SSIDs typed, eligibility shown in place as they are typed (htmx).
    main_menu(page).get_by_role("link", name="File a case").click()
    _first_steps(page, "Student submitted the test before finishing")
    _details(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Students involved")
    _checked(page)
    page.get_by_label("Number of students").fill("3")
    page.get_by_label("SSIDs", exact=True).fill("\n".join(typed))
    eligibility = page.locator("#eligibility")
    for ssid in typed:
        expect(eligibility).to_contain_text(ssid)
    expect(eligibility).to_contain_text("CalTAC")
    _checked(page)
    _next(page)
    first = _confirm_select_and_submit(page, typed)
    expect(page.get_by_role("main")).to_contain_text("CalTAC")

    # Case 2: twelve SSIDs in a file (11 or more must be uploaded, F-3).
    page.get_by_role("link", name="File another case").click()
    _first_steps(page, "Student submitted the test before finishing")
    _details(page)
    page.get_by_label("Number of students").fill("12")
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["SSID"])
    writer.writerows([ssid] for ssid in uploaded)
    page.get_by_label("Or upload a file of SSIDs").set_input_files(
        {"name": "ssids.csv", "mimeType": "text/csv", "buffer": sheet.getvalue().encode()}
    )
    page.get_by_role("button", name="Check eligibility").click()
    page.wait_for_load_state()
    for ssid in uploaded:
        expect(page.locator("#eligibility")).to_contain_text(ssid)
    _checked(page)
    _next(page)
    second = _confirm_select_and_submit(page, uploaded)
    assert first != second

    # Search STAIRS lists both; the log holds their SSIDs, and no student's name.
    main_menu(page).get_by_role("link", name="Search STAIRS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search STAIRS")
    results = page.get_by_role("table")
    expect(results).to_contain_text(first)
    expect(results).to_contain_text(second)
    _checked(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("CSV")).click()
    log = download.value.path().read_text(encoding="utf-8-sig")
    for ssid in typed + uploaded:
        assert ssid in log
    assert first in log and second in log
    assert "Student1" not in log  # the factory's surnames

    page.get_by_role("link", name=first).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(first)
    _checked(page)
    assert Case.objects.filter(number__in=[first, second], school=tree.school_a1).count() == 2


def test_the_wizard_completes_without_javascript(
    browser: Browser, live_server, tree, colleague, filing_clock, viewport
):
    typed = _students(tree, 2)
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    _NO_SCRIPT.add(id(page))
    try:
        sign_in(page, live_server, colleague)
        page.goto(f"{live_server.url}/cases/new/")
        _first_steps(page, "Student submitted the test before finishing")
        _details(page)
        page.get_by_label("Number of students").fill("2")
        page.get_by_label("SSIDs", exact=True).fill(" ".join(typed))
        # Without htmx, Check reloads the page with the same table.
        page.get_by_role("button", name="Check eligibility").click()
        page.wait_for_load_state()
        for ssid in typed:
            expect(page.locator("#eligibility")).to_contain_text(ssid)
        _next(page)
        number = _confirm_select_and_submit(page, typed)
    finally:
        _NO_SCRIPT.discard(id(page))
        context.close()
    case = Case.objects.get(number=number)
    assert case.appeals.count() == 2
