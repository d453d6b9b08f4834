"""Pages offer only what will work: no always-refused actions on one's own account, no
navigation into the security-forms gate (U-5), and a phone field that takes phone numbers."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Role, RoleGrant
from accounts.phone import normalize_us_phone
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _actions(body: str) -> set[str]:
    """What the page offers: the POST targets of its forms (each one a button), and its links to
    the confirmation pages of destructive actions (deactivate, remove a role)."""
    posts = set(re.findall(r'<form method="post" action="([^"]+)"', body))
    links = re.findall(r'href="([^"]+)"', body)
    return posts | {link for link in links if link.endswith(("/deactivate/", "/remove/"))}


# --- one's own account ------------------------------------------------------------------------


def test_own_account_page_offers_no_deactivate_and_no_role_changes(client, lea_coordinator):
    # rule U-3: nobody changes their own roles; nobody deactivates themselves
    client.force_login(lea_coordinator)
    body = client.get(reverse("accounts:user_detail", args=[lea_coordinator.pk])).content.decode()
    actions = _actions(body)
    assert reverse("accounts:user_deactivate", args=[lea_coordinator.pk]) not in actions
    assert reverse("accounts:grant_add", args=[lea_coordinator.pk]) not in actions
    assert not any("/grants/" in action for action in actions)
    assert "another coordinator or CDE" in body
    # Editing one's own name and phone works, so it stays.
    assert reverse("accounts:user_edit", args=[lea_coordinator.pk]) in body


def test_a_colleagues_page_offers_the_actions_that_work(client, tree, lea_coordinator, colleague):
    RoleGrant.objects.create(
        user=colleague, role=Role.TEST_ADMINISTRATOR, organization=tree.school_a2
    )
    client.force_login(lea_coordinator)
    body = client.get(reverse("accounts:user_detail", args=[colleague.pk])).content.decode()
    actions = _actions(body)
    assert reverse("accounts:user_deactivate", args=[colleague.pk]) in actions
    assert reverse("accounts:grant_add", args=[colleague.pk]) in actions
    assert sum("/grants/" in a and a.endswith("/remove/") for a in actions) == 2


def test_the_only_role_of_an_account_offers_no_remove_button(client, lea_coordinator, colleague):
    # Removing the last role is always refused ("Deactivate the account instead").
    client.force_login(lea_coordinator)
    body = client.get(reverse("accounts:user_detail", args=[colleague.pk])).content.decode()
    assert not any(a.endswith("/remove/") for a in _actions(body))
    assert reverse("accounts:user_deactivate", args=[colleague.pk]) in _actions(body)


def test_outsider_still_gets_404_for_the_account_page(client, outsider, lea_coordinator):
    client.force_login(outsider)
    response = client.get(reverse("accounts:user_detail", args=[lea_coordinator.pk]))
    assert response.status_code == 404


# --- navigation and the security-forms gate (U-5) ------------------------------------------


@pytest.fixture
def unsigned_lea_coordinator(tree):
    return user_with_role(
        Role.LEA_CAASPP_COORDINATOR,
        tree.lea_a,
        email="nora@alder.example.org",
        full_name="Nora New",
        agreement_signed_at=None,
        affidavit_signed_at=None,
    )


def _nav_links(response) -> list[tuple[str, str]]:
    return [(item.label, item.url) for item in response.context["nav_items"]]


def test_unsigned_lea_coordinator_is_offered_only_the_security_forms(
    client, unsigned_lea_coordinator
):
    # rule U-5: before signing, only the gate is reachable, so only the gate is offered
    client.force_login(unsigned_lea_coordinator)
    response = client.get(reverse("accounts:security_agreement"))
    links = _nav_links(response)
    assert links == [("Security forms", reverse("accounts:security_agreement"))]
    for _, url in links:
        assert client.get(url).status_code == 200


def test_unsigned_lea_coordinator_may_still_change_their_password(client, unsigned_lea_coordinator):
    # The header links to the password page: it must not bounce to the gate either.
    client.force_login(unsigned_lea_coordinator)
    assert client.get(reverse("accounts:password_change")).status_code == 200


@pytest.mark.parametrize(
    "persona",
    ["lea_coordinator", "colleague", "cde_admin", "cde_reviewer", "caltac_agent", "outsider"],
)
def test_every_navigation_link_opens_for_the_persona(request, client, tree, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    links = _nav_links(client.get(reverse("home")))
    assert ("Home", reverse("home")) in links
    for label, url in links:
        assert client.get(url).status_code == 200, label
    offers_users = ("Users", reverse("accounts:user_list")) in links
    assert offers_users == (persona in ("lea_coordinator", "cde_admin", "outsider"))
    # issue 9, item 10: only the reviewer teams have a queue
    assert ("Search Appeals", reverse("appeals:search")) in links
    offers_queue = ("Review queue", reverse("review:queue")) in links
    assert offers_queue == (persona in ("cde_admin", "cde_reviewer", "caltac_agent"))


def test_site_coordinator_without_signed_forms_keeps_the_normal_navigation(client, tree):
    # U-5 holds LEA coordinators at the gate, not site staff.
    site = user_with_role(
        Role.SITE_CAASPP_COORDINATOR,
        tree.school_a1,
        agreement_signed_at=None,
        affidavit_signed_at=None,
    )
    client.force_login(site)
    links = _nav_links(client.get(reverse("home")))
    assert ("Home", reverse("home")) in links


# --- the phone field ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("(916) 555-0100", "(916) 555-0100"),
        ("916-555-0100", "(916) 555-0100"),
        ("916.555.0100", "(916) 555-0100"),
        ("9165550100", "(916) 555-0100"),
        ("+1 916 555 0100", "(916) 555-0100"),
        ("1-916-555-0100", "(916) 555-0100"),
        ("(916) 555-0100 ext. 12", "(916) 555-0100 ext. 12"),
        ("916-555-0100 x7", "(916) 555-0100 ext. 7"),
    ],
)
def test_us_phone_numbers_are_accepted_and_written_one_way(typed, stored):
    assert normalize_us_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "call me",
        "555-0100",  # no area code
        "(916) 555-01000",
        "116-555-0100",  # an area code never starts with 0 or 1
        "916-055-0100",  # nor does an exchange
        "+44 20 7946 0958",
        "(916 555-0100",
        "916-555-0100 ext",
    ],
)
def test_anything_else_is_refused_with_a_clear_message(typed):
    with pytest.raises(ValidationError) as excinfo:
        normalize_us_phone(typed)
    assert "for example (916) 555-0100" in excinfo.value.messages[0]


def test_edit_form_refuses_a_bad_phone_next_to_the_field(client, lea_coordinator, colleague):
    client.force_login(lea_coordinator)
    response = client.post(
        reverse("accounts:user_edit", args=[colleague.pk]),
        {"full_name": "Bob Alder", "phone": "ask the front office"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a US phone number with its area code" in body
    assert 'id="id_phone"' in body and "is-invalid" in body
    colleague.refresh_from_db()
    assert colleague.phone == ""


def test_create_form_stores_the_phone_in_one_format(client, tree, lea_coordinator):
    client.force_login(lea_coordinator)
    client.post(
        reverse("accounts:user_create"),
        {
            "email": "pat@alder.example.org",
            "full_name": "Pat Alder",
            "phone": "916.555.0142",
            "grant": f"{tree.school_a1.pk}:{Role.TEST_ADMINISTRATOR}",
        },
    )
    user = get_user_model().objects.get(email="pat@alder.example.org")
    assert user.phone == "(916) 555-0142"


def test_the_service_refuses_a_bad_phone_too(lea_coordinator, colleague):
    with pytest.raises(ValidationError) as excinfo:
        services.user_update(actor=lea_coordinator, user=colleague, full_name="Bob", phone="x")
    assert "phone" in excinfo.value.message_dict
