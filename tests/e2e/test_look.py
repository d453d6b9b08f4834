"""The shared look, page by page: start pages per role, tables on a phone, confirmations,
error pages and the environment ribbon. Every page axe clean, at desktop and phone width."""

from __future__ import annotations

import re
from email.utils import parseaddr

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import Page, expect

from accounts.models import Role, RoleGrant
from students.models import TestStatus
from tests.e2e.conftest import (
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

# (persona fixture, the task cards its start page offers)
START_PAGES = [
    (
        "lea_coordinator",
        ["STAIRS cases", "Find a student", "Users", "Test security forms", "Your account"],
    ),
    ("colleague", ["STAIRS cases", "Find a student", "Your account"]),
    ("test_administrator", ["Find a student", "Your account"]),
    ("cde_reviewer", ["STAIRS cases", "Find a student", "Your account"]),
    ("cde_admin", ["STAIRS cases", "Find a student", "Users", "Reference data", "Your account"]),
    ("caltac_agent", ["STAIRS cases", "Find a student", "Your account"]),
]


def test_each_role_starts_on_a_page_that_says_what_to_do_next(
    page: Page, live_server, request, tree
):
    for persona, cards in START_PAGES:
        user = request.getfixturevalue(persona)
        sign_in(page, live_server, user)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Welcome, {user.get_short_name()}"
        )
        expect(page.get_by_role("heading", level=3)).to_have_text(cards)
        expect(
            page.get_by_role("heading", name="If something goes wrong during testing")
        ).to_be_visible()
        assert_fits_the_width(page)
        assert_axe_clean(page)
        if persona == "lea_coordinator":
            page.get_by_role("link", name="Read what you signed").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Test Security Agreement and Affidavit"
            )
            assert_axe_clean(page)
        sign_out(page)
        expect(page.get_by_role("status")).to_have_text("You are signed out of STAIRS.")


def test_the_home_ssid_box_finds_the_student(page: Page, live_server, tree, colleague):
    student = StudentFactory(school=tree.school_a1, first_name="Rosa", last_name="Vega")
    sign_in(page, live_server, colleague)
    page.get_by_label("Student SSID").fill(student.ssid)
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("table")).to_contain_text("Vega, Rosa")
    assert_axe_clean(page)


def test_tables_scroll_in_their_box_and_dates_stay_on_one_line(
    page: Page, live_server, tree, colleague, viewport
):
    student = StudentFactory(school=tree.school_a1, first_name="Rosa", last_name="Vega")
    make_event(student, status=TestStatus.PAUSED, questions_completed=12)
    make_event(student, test="SB_ELA", part="PT", status=TestStatus.IN_PROGRESS)
    sign_in(page, live_server, colleague)
    page.goto(f"{live_server.url}/students/{student.ssid}/tests/")
    expect(page.get_by_role("region", name=re.compile("test events"))).to_be_visible()
    assert_fits_the_width(page)
    assert page.locator("table time").first.evaluate("t => getComputedStyle(t).whiteSpace") == (
        "nowrap"
    )
    box = page.get_by_role("region", name=re.compile("test events"))
    scrolls = box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert scrolls == (viewport == "phone")
    # The status reads as words; the colour only repeats them.
    expect(page.locator(".status-tag").first).to_have_text(re.compile("Paused|In progress"))
    assert_axe_clean(page)


def test_removing_a_role_asks_first_and_cancel_changes_nothing(
    page: Page, live_server, tree, lea_coordinator, colleague
):
    extra = RoleGrant.objects.create(
        user=colleague, role=Role.TEST_ADMINISTRATOR, organization=tree.school_a2
    )
    sign_in(page, live_server, lea_coordinator)
    main_menu(page).get_by_role("link", name="Users").click()
    page.get_by_role("link", name=colleague.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(colleague.full_name)
    assert_fits_the_width(page)
    assert_axe_clean(page)

    remove = page.get_by_role(
        "link", name="Remove Test Administrator / Test Examiner at Alder Middle"
    )
    remove.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove the role Test Administrator / Test Examiner at Alder Middle?"
    )
    assert_axe_clean(page)
    page.get_by_role("link", name="Cancel, go back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(colleague.full_name)
    assert RoleGrant.objects.filter(pk=extra.pk).exists()

    remove.click()
    page.get_by_role("button", name="Remove the role").click()
    expect(page.get_by_role("status")).to_have_text("Role removed.")
    assert not RoleGrant.objects.filter(pk=extra.pk).exists()

    # The change link of the summary list leads to the edit form.
    page.get_by_role("link", name="Change phone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit {colleague.full_name}")
    assert_axe_clean(page)


def test_error_pages_speak_plainly_and_lead_back(page: Page, live_server, tree, colleague):
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert_axe_clean(page)

    # A form whose token went stale: the product's page, not Django's CSRF page.
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.locator("input[name=csrfmiddlewaretoken]").evaluate("input => input.value = 'stale'")
    page.get_by_label("Email address").fill(colleague.email)
    page.get_by_label("Password").fill("whatever-it-is")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("That form has expired")
    assert_axe_clean(page)
    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to STAIRS")

    # The 500 page as Django's server_error renders it: no request, no database.
    page.set_content(render_to_string("500.html"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Something went wrong on our side")
    expect(page.get_by_role("link", name="Go to your home page")).to_have_attribute("href", "/")
    assert page.locator(".navbar").evaluate("n => getComputedStyle(n).backgroundColor") == (
        "rgb(27, 58, 91)"  # the stylesheet loaded: STAIRS's navy, not a bare page
    )
    assert_axe_clean(page)


def test_a_demo_site_wears_its_ribbon(page: Page, live_server, tree, settings, colleague):
    settings.STAIRS_ENVIRONMENT = "demo"
    page.goto(f"{live_server.url}/accounts/sign-in/")
    expect(page.get_by_role("banner")).to_contain_text("Demo site.")
    # rule N-4: the address alone, as a safe-senders list takes it.
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    expect(page.get_by_role("contentinfo")).to_contain_text(f"come from {sender}.")
    assert_fits_the_width(page)
    assert_axe_clean(page)
