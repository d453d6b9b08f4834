"""A new LEA coordinator's first visit: sign in, sign the security forms, home, sign out."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from tests.e2e.conftest import assert_axe_clean, main_menu, sign_out
from tests.factories import DEFAULT_PASSWORD, user_with_role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_new_lea_coordinator_signs_the_forms_and_reaches_home(page: Page, live_server, tree):
    # rule U-5
    user = user_with_role(
        Role.LEA_CAASPP_COORDINATOR,
        tree.lea_a,
        email="nora@alder.example.org",
        full_name="Nora Alder",
        agreement_signed_at=None,
        affidavit_signed_at=None,
    )

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to STAIRS")
    assert_axe_clean(page)

    # A wrong password first: the error is announced and focused, and axe stays clean.
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("do not match an active account")
    expect(summary).to_be_focused()
    assert_axe_clean(page)

    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/security-agreement/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Test Security Agreement and Affidavit"
    )
    assert_axe_clean(page)

    # Any other page sends the coordinator back to the forms until both are signed.
    page.goto(f"{live_server.url}/accounts/users/")
    expect(page).to_have_url(re.compile(r"/accounts/security-agreement/"))

    # Submitting without the affidavit box: the message sits next to the field.
    page.get_by_label("I have read and agree to the Test Security Agreement.").check()
    page.get_by_label("Type your full name as your signature").fill("Nora Alder")
    page.get_by_role("button", name="Sign both forms").click()
    expect(page.locator("#id_agree_affidavit-error")).to_have_text(
        "Check this box to sign the Test Security Affidavit."
    )
    assert_axe_clean(page)

    page.get_by_label("I have read and sign the Test Security Affidavit.").check()
    page.get_by_role("button", name="Sign both forms").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Nora")
    expect(page.get_by_role("status")).to_contain_text("are signed")
    expect(main_menu(page).get_by_role("link", name="Users")).to_be_visible()
    assert_axe_clean(page)

    user.refresh_from_db()
    assert user.agreement_signed_at is not None and user.affidavit_signed_at is not None

    sign_out(page)
    expect(page.get_by_role("status")).to_have_text("You are signed out of STAIRS.")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    assert_axe_clean(page)
