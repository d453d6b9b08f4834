"""Search Appeals in a browser (issue 9, item 8): a CDE reviewer narrows the state's appeals to the
overdue ones, sorts them, opens the report; an LEA coordinator sees only the LEA's appeals and
follows one to its case. Axe clean and no wider than the window, at desktop and phone width.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime

import pytest
import time_machine
from playwright.sync_api import Page, expect

from appeals.models import Appeal
from incidents import services
from students import dates
from students.models import TestingWindow, TestStatus
from tests.e2e.conftest import assert_axe_clean, assert_fits_the_width, sign_in
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory, make_event

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FILING_MOMENT = datetime(2027, 3, 10, 10, 0, tzinfo=dates.PACIFIC)  # a Wednesday
# A week later: the appeals filed on the 10th were due at the end of Tuesday the 16th.
SEARCH_MOMENT = datetime(2027, 3, 17, 9, 0, tzinfo=dates.PACIFIC)


def _file(actor, school, count: int) -> list[str]:
    students = [StudentFactory(school=school, grade=5) for _ in range(count)]
    for student in students:
        make_event(student, status=TestStatus.SUBMITTED)
    case = draft(actor, school, students=students)
    services.case_submit(case=case, actor=actor)
    return [student.ssid for student in students]


@pytest.fixture
def filed(tree, lea_coordinator, outsider) -> Iterator[dict[str, list[str]]]:
    for lea in (tree.lea_a, tree.lea_b):
        TestingWindow.objects.create(
            lea=lea, program="CAASPP", start_date=date(2027, 1, 11), end_date=date(2027, 6, 4)
        )
    with time_machine.travel(FILING_MOMENT, tick=False):
        ssids = {
            "alder": _file(lea_coordinator, tree.school_a1, 2),
            "birch": _file(outsider, tree.school_b1, 1),
        }
    with time_machine.travel(SEARCH_MOMENT, tick=True):
        yield ssids


def _checked(page: Page) -> None:
    assert_axe_clean(page)
    assert_fits_the_width(page)


def test_cde_finds_the_overdue_appeals_and_downloads_the_report(
    page: Page, live_server, cde_reviewer, filed
):
    sign_in(page, live_server, cde_reviewer)
    page.goto(f"{live_server.url}/appeals/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search Appeals")
    results = page.get_by_role("table")
    expect(results.get_by_role("row")).to_have_count(4)  # the heading row and three appeals
    _checked(page)

    page.get_by_label("Due").select_option(label="Open and overdue")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    expect(page.get_by_role("table")).to_contain_text("overdue by 1 business day")
    expect(page.get_by_role("table").locator("caption")).to_contain_text(
        "3 appeals matching the filters"
    )
    _checked(page)

    page.get_by_role("link", name="SSID").click()
    page.wait_for_load_state()
    rows = page.get_by_role("table").locator("tbody tr")
    shown = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert shown == sorted(filed["alder"] + filed["birch"])
    _checked(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert "Plan of action" in header
    assert sorted(line[header.index("SSID")] for line in lines) == shown


def test_an_lea_coordinator_sees_the_leas_appeals_and_opens_a_case(
    page: Page, live_server, lea_coordinator, filed
):
    sign_in(page, live_server, lea_coordinator)
    page.goto(f"{live_server.url}/appeals/")
    table = page.get_by_role("table")
    for ssid in filed["alder"]:
        expect(table).to_contain_text(ssid)
    expect(table).not_to_contain_text(filed["birch"][0])
    _checked(page)

    page.get_by_label("SSID").fill("12345")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    expect(page.locator("#id_ssid_error")).to_have_text("An SSID is exactly 10 digits.")
    _checked(page)

    page.get_by_label("SSID").fill(filed["alder"][0])
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    number = Appeal.objects.get(student__ssid=filed["alder"][0]).case.number
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
