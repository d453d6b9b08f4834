"""A coordinator who forgot their password gets back in; then changes it. Axe on every page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_axe_clean, main_menu, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_forgotten_password_then_a_password_change(page: Page, live_server, colleague):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_axe_clean(page)

    page.get_by_label("Email address").fill(colleague.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_axe_clean(page)

    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password/reset/" in line)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_axe_clean(page)

    # Two different passwords: the message sits by the field, the summary takes focus.
    page.locator("#id_new_password1").fill("a-brand-new-passphrase")
    page.locator("#id_new_password2").fill("something-else-entirely")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_axe_clean(page)

    page.locator("#id_new_password1").fill("a-brand-new-passphrase")
    page.locator("#id_new_password2").fill("a-brand-new-passphrase")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new password is saved")
    assert_axe_clean(page)

    # The link works once.
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    assert_axe_clean(page)

    sign_in(page, live_server, colleague, password="a-brand-new-passphrase")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    main_menu(page).get_by_role("link", name=re.compile("change password")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    assert_axe_clean(page)
    page.locator("#id_old_password").fill("a-brand-new-passphrase")
    page.locator("#id_new_password1").fill("another-long-passphrase")
    page.locator("#id_new_password2").fill("another-long-passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is changed")
    assert_axe_clean(page)


def test_locked_out_page_is_clear_and_accessible(page: Page, live_server, colleague, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.get_by_label("Email address").fill(colleague.email)
        page.get_by_label("Password").fill("wrong-guess")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many sign-in attempts")
    expect(page.get_by_role("link", name="reset your password")).to_be_visible()
    assert_axe_clean(page)
    # A way back: to the sign-in page, or straight to a reset.
    expect(
        page.get_by_role("link", name="Email me a link to choose a new password")
    ).to_be_visible()
    page.get_by_role("link", name="Back to sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to STAIRS")


def test_a_page_the_role_does_not_allow_says_so(page: Page, live_server, colleague):
    sign_in(page, live_server, colleague)
    page.goto(f"{live_server.url}/accounts/users/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You can't do that here")
    assert_axe_clean(page)
