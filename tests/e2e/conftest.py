"""The browser harness: Playwright driving Debian's Chromium against a live server, and axe.

Every page a journey visits goes through ``assert_axe_clean``: one violation fails the test.
Every journey runs twice, at desktop and at phone width (the ``viewport`` parameter): on a
phone the main menu is folded behind its toggle, so journeys reach it through ``main_menu``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD

CHROMIUM = Path(os.environ.get("STAIRS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Desktop, and a common phone (iPhone 12 to 15 in CSS pixels).
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}

_axe = Axe()

# A loaded CI machine answers slower than a laptop: assertions wait as long as actions do.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests drive Debian's Chromium at {CHROMIUM}: install it with "
            "'apt-get install chromium' (never a downloaded browser)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(autouse=True)
def reference_catalogs(request: pytest.FixtureRequest) -> None:
    """The assessment and incident catalogs, which the data migrations load, in every browser
    test's database.

    The browser tests are transactional: each ends with a flush, and `serialized_rollback` is
    meant to restore the migrations' rows before the next one. It does not always: once an
    ordinary test has run first, the connection a browser test gets is a new wrapper without
    the serialized copy (Django 6.1, pytest-django 4.14), so the next test started with no
    catalog and the wizard offered no testing issue. Loading them here with the migrations' own
    loader makes every browser test start from the same reference data, whatever ran before.
    """
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from incidents.models import IncidentType
    from stairs import catalog_fixtures

    if not IncidentType.objects.exists():
        catalog_fixtures.load_assessment_catalog(
            apps, catalog_fixtures.CURRENT_ASSESSMENT_CATALOG.name
        )
        catalog_fixtures.load_incident_catalog(apps, catalog_fixtures.CURRENT_INCIDENT_CATALOG.name)


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def page(page: Page, viewport: str) -> Page:
    page.set_default_timeout(10_000)
    page.set_viewport_size(VIEWPORTS[viewport])
    return page


def main_menu(page: Page) -> Locator:
    """The main navigation, unfolded first where the width folds it behind its toggle."""
    toggle = page.get_by_role("button", name="Show the menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        # Bootstrap's collapse adds "show" when its animation has ended: a click during the
        # animation can land on a button still clipped by the unfolding menu, and be lost.
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    return page.get_by_role("navigation", name="Main")


def sign_out(page: Page) -> None:
    button = main_menu(page).get_by_role("button", name="Sign out")
    # Signing out ends on the sign-in page; wait for it rather than for any load event.
    with page.expect_navigation(url=re.compile(r"/accounts/sign-in/")):
        button.click()


def assert_fits_the_width(page: Page) -> None:
    """Nothing widens the page beyond the window: wide tables scroll inside their own box."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the window"


def assert_axe_clean(page: Page) -> None:
    """Run axe-core on the page as it is now; fail with axe's report on any violation."""
    results = _axe.run(page)
    assert results.violations_count == 0, (
        f"axe found {results.violations_count} accessibility violation(s) on {page.url}:\n"
        + results.generate_report()
    )


def sign_in(page: Page, live_server, user: User, password: str = DEFAULT_PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
