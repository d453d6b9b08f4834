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
    page.get_by_label("Phone").fill("ask the front office")
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(
        page.locator("#error_1_id_email, #id_email + .invalid-feedback, .invalid-feedback").first
    ).to_be_visible()
    expect(page.get_by_text("Enter a US phone number with its area code").first).to_be_visible()
    assert_axe_clean(page)
    assert not User.objects.filter(email="not-an-email").exists()

    page.get_by_label("Email address").fill("terry@alder.example.org")
    page.get_by_label("Full name").fill("Terry Alder")
    page.get_by_label("Phone").fill("916.555.0142")
    # One choice of "role at organization": only pairs that can exist are offered (U-2, U-3).
    page.get_by_label("Role and organization").select_option(
        f"{tree.school_a2.pk}:{Role.TEST_ADMINISTRATOR}"
    )
    page.get_by_role("button", name="Create the account").click()
    # The same answer whether or not the email had an account (B6); the email is queued (B7).
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    expect(page.get_by_role("status")).to_contain_text(
        "An invitation is on its way to terry@alder.example.org."
    )
    assert_axe_clean(page)
    page.get_by_role("link", name="Terry Alder").click()
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
    expect(page.get_by_text("(916) 555-0142")).to_be_visible()

    # Their own account offers nothing the services would refuse (U-3).
    page.goto(f"{live_server.url}/accounts/users/{lea_coordinator.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lea_coordinator.full_name)
    expect(page.get_by_role("button", name="Deactivate")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    expect(page.get_by_role("button", name="Grant the role")).to_have_count(0)
    assert_axe_clean(page)


def test_user_search_on_a_phone_keeps_long_text_inside_the_page(
    page: Page, live_server, tree, lea_coordinator
):
    # An account with a long unbroken address, and a search of 100 unbroken characters.
    from tests.factories import user_with_role

    user_with_role(
        Role.TEST_ADMINISTRATOR,
        tree.school_a1,
        email="a.very.long.unbroken.address.of.a.test.administrator@alder.example.org",
        full_name="Longname Alder",
    )
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server, lea_coordinator)
    page.goto(f"{live_server.url}/accounts/users/")

    def page_width_fits() -> bool:
        return page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )

    assert page_width_fits()
    page.get_by_label("Search by name or email").fill("z" * 100)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No accounts match")).to_contain_text("z" * 100)
    assert page_width_fits()
    assert_axe_clean(page)

    # Spaces only: the error by the field, and no list.
    page.get_by_label("Search by name or email").fill("   ")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("not only spaces")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    assert_axe_clean(page)
