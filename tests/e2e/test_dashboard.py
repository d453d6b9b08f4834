""" "MyTOMS at a Glance" in a browser (issue 10, items 3 and 5; N-5): an LEA coordinator reads the
announcement, the draft notice with the days left, the to-do list and the chart with its table,
then follows a count to Search STAIRS; the site coordinator sees their school's. Axe clean and
no wider than the window, at desktop and phone width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from incidents import services
from incidents.announcement_models import Announcement, Audience
from incidents.case_models import Case
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
VISIT_MOMENT = datetime(2027, 6, 1, 9, 0, tzinfo=dates.PACIFIC)  # the window closes June 4


def _file(actor, school) -> Case:
    students = [StudentFactory(school=school, grade=5) for _ in range(2)]
    for student in students:
        make_event(student, status=TestStatus.SUBMITTED)
    return services.case_submit(case=draft(actor, school, students=students), actor=actor)


@pytest.fixture
def glance(tree, lea_coordinator, colleague, cde_admin) -> Iterator[dict[str, Case]]:
    TestingWindow.objects.create(
        lea=tree.lea_a, program="CAASPP", start_date=date(2027, 1, 11), end_date=date(2027, 6, 4)
    )
    with time_machine.travel(FILING_MOMENT, tick=False):
        cases = {
            "filed": _file(colleague, tree.school_a1),
            "draft": draft(lea_coordinator, tree.school_a2, incident_code="STUDENT_DISRUPTION"),
        }
    # Submitted in the chart's last week; the note is this week's too.
    Case.objects.filter(pk=cases["filed"].pk).update(submitted_at=VISIT_MOMENT - timedelta(days=1))
    with time_machine.travel(VISIT_MOMENT - timedelta(hours=2), tick=False):
        services.case_note_add(case=cases["filed"], actor=colleague, body="Seating chart added.")
    Announcement.objects.create(
        title="The CAASPP window closes on June 4",
        body="Submit your drafts before then.",
        audience=Audience.LEA_COORDINATORS,
        starts_on=date(2027, 5, 25),
        ends_on=date(2027, 6, 4),
        created_by=cde_admin,
    )
    with time_machine.travel(VISIT_MOMENT, tick=True):
        yield cases


def _checked(page: Page) -> None:
    assert_axe_clean(page)
    assert_fits_the_width(page)


def test_lea_coordinator_reads_the_glance_and_follows_a_count(
    page: Page, live_server, lea_coordinator, glance
):
    sign_in(page, live_server, lea_coordinator)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_title(re.compile("MyTOMS at a Glance"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_role("heading", name="The CAASPP window closes on June 4")).to_be_visible()
    notice = page.locator("#draft-notice")
    expect(notice).to_contain_text("1 draft is not submitted;")
    expect(notice).to_contain_text("the window closes on June 4, 2027 (3 days left)")
    expect(page.locator("#todo-drafts")).to_contain_text("3 days left in the window")
    expect(page.locator("#todo-notes")).to_contain_text(glance["filed"].number)
    table = page.get_by_role("table", name="Cases submitted per week, by status now")
    expect(table).to_contain_text("May 31")
    expect(page.locator("svg.bar-chart rect")).to_have_count(1)
    # The start page's tasks stay below the glance.
    expect(page.locator("#main").get_by_role("link", name="File a case")).to_be_visible()
    _checked(page)

    page.locator("#status-counts").get_by_role("link", name="1 Draft").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search STAIRS")
    expect(page.get_by_label("Status")).to_have_value("DRAFT")
    expect(page.get_by_role("table")).to_contain_text(f"Draft {glance['draft'].pk}")


def test_site_coordinator_sees_their_schools_glance(page: Page, live_server, colleague, glance):
    sign_in(page, live_server, colleague)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Your cases by status")).to_be_visible()
    # The draft is at the other school; the note is their own; the announcement is for LEAs.
    expect(page.locator("#draft-notice")).to_have_count(0)
    expect(page.locator("#todo-notes")).to_have_count(0)
    expect(page.get_by_text("The CAASPP window closes on June 4")).to_have_count(0)
    expect(
        page.get_by_role("table", name="Cases submitted per week, by status now")
    ).to_be_visible()
    _checked(page)
