"""The email settings page in the browser (issue 10, item 1): from the Notices list the
coordinator follows "Email settings", chooses one email a day, saves, and finds the choice kept
on a fresh visit. Axe clean on every page, at desktop and phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from notifications.models import EmailPreference
from tests.e2e.conftest import assert_axe_clean, assert_fits_the_width, main_menu, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DAILY = "One email a day, at 6:30 a.m. Pacific, with all of them"
IMMEDIATE = "An email for each, as it happens"


def _checked(page: Page) -> None:
    assert_axe_clean(page)
    assert_fits_the_width(page)


def test_the_coordinator_chooses_the_daily_email_and_it_is_kept(page: Page, live_server, colleague):
    sign_in(page, live_server, colleague)
    main_menu(page).get_by_role("link", name="Notices", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notices")
    page.get_by_role("link", name="Email settings").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Email settings")
    choice = page.get_by_role("group", name="Emails about notes and appeal decisions")
    expect(choice.get_by_role("radio", name=IMMEDIATE)).to_be_checked()
    expect(page.get_by_text("no-reply@stairs.example.org").first).to_be_visible()
    _checked(page)

    choice.get_by_role("radio", name=DAILY).check()
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Saved: one email a day with your notes and decisions.")
    ).to_be_visible()
    expect(choice.get_by_role("radio", name=DAILY)).to_be_checked()
    _checked(page)
    assert EmailPreference.objects.get(user=colleague).daily_digest is True

    # Kept: a fresh visit shows the daily email chosen, and no message any more.
    page.reload()
    expect(choice.get_by_role("radio", name=DAILY)).to_be_checked()
    expect(choice.get_by_role("radio", name=IMMEDIATE)).not_to_be_checked()
    expect(page.get_by_text("Saved:")).to_have_count(0)

    page.get_by_role("link", name="Back to notices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notices")
