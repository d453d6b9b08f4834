"""An LEA coordinator adds a test administrator for one of their schools (U-3)."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from tests.e2e.conftest import assert_axe_clean, main_menu, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_lea_coordinator_adds_a_test_administrator(
    page: Page, live_server, tree, lea_coordinator, colleague
):
    sign_in(page, live_server, lea_coordinator)
    main_menu(page).get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    expect(page.get_by_role("link", name=colleague.full_name)).to_be_visible()
    assert_axe_clean(page)

    page.get_by_role("link", name="Add a user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a user")
    assert_axe_clean(page)
    # Bad input first: nothing is created and each message sits by its field.
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(
        page.locator("#error_1_id_email, #id_email + .invalid-feedback, .invalid-feedback").first
    ).to_be_visible()
    assert_axe_clean(page)
    assert not User.objects.filter(email="not-an-email").exists()

    page.get_by_label("Email address").fill("terry@alder.example.org")
    page.get_by_label("Full name").fill("Terry Alder")
    page.get_by_label("Role").select_option(Role.TEST_ADMINISTRATOR)
    page.get_by_label("Organization").select_option(str(tree.school_a2.pk))
    page.get_by_role("button", name="Create the account").click()
    expect(page).to_have_url(re.compile(r"/accounts/users/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Terry Alder")
    expect(
        page.get_by_role("cell", name="Test Administrator / Test Examiner", exact=True)
    ).to_be_visible()
    assert_axe_clean(page)

    # Deactivating asks first, on its own page; only its button acts.
    page.get_by_role("link", name="Deactivate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate Terry Alder?")
    assert_axe_clean(page)
    assert User.objects.get(email="terry@alder.example.org").is_active
    page.get_by_role("button", name="Deactivate the account").click()
    expect(page.get_by_role("status")).to_contain_text("is deactivated")
    assert_axe_clean(page)
    assert not User.objects.get(email="terry@alder.example.org").is_active
