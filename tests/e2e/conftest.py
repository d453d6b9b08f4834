"""The browser harness: Playwright driving Debian's Chromium against a live server, and axe.

Every page a journey visits goes through ``assert_axe_clean``: one violation fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

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

_axe = Axe()


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


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(10_000)
    return page


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
