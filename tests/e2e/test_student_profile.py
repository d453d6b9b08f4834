"""A site coordinator finds a student and reads the profile's tabs (U-4, D-1), axe clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from students import effects
from students.models import TestStatus
from tests.e2e.conftest import assert_axe_clean, main_menu, sign_in
from tests.students.factories import StudentFactory, make_event

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_site_coordinator_reads_a_student_profile(
    page: Page, live_server, tree, colleague, caltac_agent
):
    student = StudentFactory(
        school=tree.school_a1, first_name="Rosa", last_name="Vega", grade=5, has_iep=True
    )
    make_event(student, status=TestStatus.PAUSED, questions_completed=12)
    reset = make_event(student, test="SB_ELA", part="NON_PT", status=TestStatus.SUBMITTED)
    effects.event_reset(event=reset, actor=caltac_agent, reason="Incorrect SSID used")
    invalid = make_event(student, test="CAST", part="", status=TestStatus.SUBMITTED)
    effects.event_invalidate(event=invalid, actor=None, reason="Cheating", reference="A-1")
    foreign = StudentFactory(school=tree.school_a2, last_name="Vegan")

    sign_in(page, live_server, colleague)
    main_menu(page).get_by_role("link", name="Students").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Students")
    assert_axe_clean(page)

    # A partial SSID is explained, next to the field and in the focused summary.
    page.get_by_label("SSID or student name").fill("12345")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_axe_clean(page)

    # Search as you type (htmx) swaps in the results without a click, and leaves the address
    # bar and the history alone: a typed name goes into neither (F-3, SSIDs only).
    typed_from = page.url
    page.get_by_label("SSID or student name").fill("veg")
    results = page.get_by_role("table")
    expect(results).to_contain_text("Vega, Rosa")
    expect(results).not_to_contain_text("Vegan")  # another school's student (U-4)
    expect(page).to_have_url(typed_from)
    assert "veg" not in page.url
    assert_axe_clean(page)

    # The Search button posts the form, which works without JavaScript; the results page names
    # only an opaque key of the search kept in the session, never the name (B4).
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"\?search=[\w-]+$"))
    assert "veg" not in page.url.lower()
    expect(results).to_contain_text("Vega, Rosa")
    expect(results).not_to_contain_text("Vegan")
    assert_axe_clean(page)

    page.get_by_role("link", name=student.ssid).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rosa Vega")
    tabs = page.get_by_role("navigation", name="Student profile")
    expect(tabs.get_by_role("link", name="Details")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("Special education for testing")).to_be_visible()
    assert_axe_clean(page)

    tabs.get_by_role("link", name="Test assignments and events").click()
    expect(page).to_have_url(re.compile(rf"/students/{student.ssid}/tests/$"))
    expect(page.get_by_role("table").first).to_contain_text("Paused")
    assert_axe_clean(page)

    tabs.get_by_role("link", name="Score Status").click()
    expect(page.get_by_role("table").first).to_contain_text("irregularity occurred")
    assert_axe_clean(page)

    page.get_by_role("link", name="Smarter Balanced ELA non-PT (CAT)").click()
    expect(page.get_by_role("heading", level=2, name="Timeline")).to_be_visible()
    expect(page.get_by_text("Incorrect SSID used")).to_be_visible()
    assert_axe_clean(page)

    # Another school's student is a plain 404, like an SSID that does not exist (F-10).
    page.goto(f"{live_server.url}/students/{foreign.ssid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert_axe_clean(page)
