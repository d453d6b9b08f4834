"""User management inside the app (domain.md U-3), for every role."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AccountEvent, Role, RoleGrant, User
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _pair(role, organization) -> str:
    """The value of one "role at organization" choice of the grant forms."""
    return f"{organization.pk}:{role}"


def _grant(client, user, role, organization):
    return client.post(
        reverse("accounts:grant_add", args=[user.pk]), {"grant": _pair(role, organization)}
    )


def _create(client, organization, role, email="new.person@alder.example.org"):
    return client.post(
        reverse("accounts:user_create"),
        {
            "email": email,
            "full_name": "New Person",
            "phone": "(916) 555-0100",
            "grant": _pair(role, organization),
        },
    )


def test_lea_coordinator_creates_an_account_in_own_school(client, tree, lea_coordinator):
    # rule U-3: inside their own LEA, at LEA level or lower
    client.force_login(lea_coordinator)
    response = _create(client, tree.school_a2, Role.TEST_ADMINISTRATOR)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@alder.example.org")
    # No password until the person chooses one through the invitation.
    assert not user.has_usable_password()
    grant = user.grants.get()
    assert (grant.role, grant.organization, grant.granted_by) == (
        Role.TEST_ADMINISTRATOR,
        tree.school_a2,
        lea_coordinator,
    )
    assert AccountEvent.objects.filter(subject=user, kind="USER_CREATED", actor=lea_coordinator)


def test_lea_coordinator_creates_another_lea_coordinator_at_the_same_level(
    client, tree, lea_coordinator
):
    # rule U-3: "at the LEA level or lower"
    client.force_login(lea_coordinator)
    assert _create(client, tree.lea_a, Role.LEA_ELPAC_COORDINATOR).status_code == 302


def test_lea_coordinator_cannot_create_an_account_in_another_lea(client, tree, lea_coordinator):
    # rule U-3: never for another LEA
    client.force_login(lea_coordinator)
    response = _create(client, tree.school_b1, Role.TEST_ADMINISTRATOR)
    assert response.status_code == 200
    body = response.content.decode()
    assert "You can grant roles only inside your own LEA and its schools." in body
    assert 'id="id_grant"' in body and "is-invalid" in body
    assert not User.objects.filter(email="new.person@alder.example.org").exists()


def test_lea_coordinator_cannot_grant_a_role_above_their_level(client, tree, lea_coordinator):
    # rule U-3: never a higher level
    client.force_login(lea_coordinator)
    response = _create(client, tree.lea_a, Role.CDE_REVIEWER)
    assert response.status_code == 200
    assert "You cannot grant CDE Reviewer: it is above your level." in response.content.decode()
    assert not User.objects.filter(email="new.person@alder.example.org").exists()


def test_role_that_does_not_fit_the_organization_is_refused_next_to_the_field(
    client, tree, lea_coordinator
):
    # rule U-2: site roles on schools
    client.force_login(lea_coordinator)
    response = _create(client, tree.lea_a, Role.SITE_CAASPP_COORDINATOR)
    assert response.status_code == 200
    assert "Site CAASPP Coordinator is a role for a school, not for an LEA." in (
        response.content.decode()
    )
    assert not User.objects.filter(email="new.person@alder.example.org").exists()


def _offered_pairs(body: str) -> set[str]:
    select = body.split('id="id_grant"', 1)[1].split("</select>", 1)[0]
    return {value for value in re.findall(r'<option value="([^"]*)"', select) if value}


@pytest.mark.parametrize("url_name", ["accounts:user_create", "accounts:user_detail"])
def test_forms_offer_only_possible_role_and_organization_pairs(
    client, tree, lea_coordinator, colleague, url_name
):
    # rule U-2 and U-3: no site role at an LEA, nothing outside the own LEA, nothing above it
    client.force_login(lea_coordinator)
    args = [colleague.pk] if url_name == "accounts:user_detail" else []
    body = client.get(reverse(url_name, args=args)).content.decode()
    site_roles = [
        Role.SITE_CAASPP_COORDINATOR,
        Role.SITE_ELPAC_COORDINATOR,
        Role.TEST_ADMINISTRATOR,
    ]
    assert _offered_pairs(body) == {
        _pair(Role.LEA_CAASPP_COORDINATOR, tree.lea_a),
        _pair(Role.LEA_ELPAC_COORDINATOR, tree.lea_a),
        *(
            _pair(role, school)
            for role in site_roles
            for school in (tree.school_a1, tree.school_a2)
        ),
    }
    assert "Test Administrator / Test Examiner at Alder Middle" in body


def test_an_impossible_pair_posted_anyway_is_refused_next_to_the_field(
    client, tree, lea_coordinator, colleague
):
    # rule U-2: the service refuses what the form never offers
    client.force_login(lea_coordinator)
    response = _grant(client, colleague, Role.TEST_ADMINISTRATOR, tree.lea_a)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Test Administrator / Test Examiner is a role for a school, not for an LEA." in body
    assert 'id="id_grant"' in body and "is-invalid" in body
    assert colleague.grants.count() == 1


def test_a_pair_naming_no_real_organization_is_refused(client, lea_coordinator, colleague):
    client.force_login(lea_coordinator)
    for value in ("999999:TEST_ADMINISTRATOR", "x:TEST_ADMINISTRATOR", "1:NOT_A_ROLE", ""):
        response = client.post(reverse("accounts:grant_add", args=[colleague.pk]), {"grant": value})
        assert response.status_code == 400
    assert colleague.grants.count() == 1


def test_cde_admin_creates_accounts_anywhere_including_state_roles(client, tree, cde_admin):
    client.force_login(cde_admin)
    assert _create(client, tree.state, Role.CDE_REVIEWER, "r@cde.example.org").status_code == 302
    assert _create(client, tree.school_b1, Role.TEST_ADMINISTRATOR).status_code == 302


@pytest.mark.parametrize(
    "persona", ["colleague", "test_administrator", "cde_reviewer", "caltac_agent"]
)
def test_roles_that_do_not_manage_accounts_are_refused(request, client, tree, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in (reverse("accounts:user_list"), reverse("accounts:user_create")):
        assert client.get(url).status_code == 403


def test_user_list_shows_only_accounts_of_own_lea(client, lea_coordinator, colleague, outsider):
    client.force_login(lea_coordinator)
    body = client.get(reverse("accounts:user_list")).content.decode()
    assert colleague.email in body
    assert outsider.email not in body


def test_user_list_search(client, lea_coordinator, colleague):
    client.force_login(lea_coordinator)
    body = client.get(reverse("accounts:user_list"), {"q": "bob"}).content.decode()
    assert colleague.email in body
    assert lea_coordinator.email not in body


@pytest.mark.parametrize(
    "query, message",
    [
        ("x" * 101, "Type at most 100 characters"),
        ("   ", "Type part of a name or an email address"),
    ],
)
def test_invalid_user_search_shows_its_error_and_no_list(
    client, lea_coordinator, colleague, query, message
):
    client.force_login(lea_coordinator)
    response = client.get(reverse("accounts:user_list"), {"q": query})
    body = response.content.decode()
    assert message in body
    # The error sits next to the field, tied to it for screen readers.
    assert 'aria-describedby="id_q_error"' in body and 'id="id_q_error"' in body
    assert "is-invalid" in body
    # No list at all: not everyone under "accounts matching ...".
    assert colleague.email not in body and "matching" not in body
    assert response.context["page"] is None


@pytest.mark.parametrize("persona", ["colleague", "outsider"])
def test_user_search_never_lists_accounts_outside_the_scope(request, client, tree, persona):
    # rule U-4: the search runs inside the coordinator's LEA only
    client.force_login(request.getfixturevalue("lea_coordinator"))
    other = request.getfixturevalue(persona)
    response = client.get(reverse("accounts:user_list"), {"q": other.email})
    listed = list(response.context["page"].object_list)
    assert listed == ([other] if persona == "colleague" else [])
    detail = reverse("accounts:user_detail", args=[other.pk])
    assert (detail in response.content.decode()) == (persona == "colleague")


def test_a_search_of_exactly_100_characters_is_valid(client, lea_coordinator):
    client.force_login(lea_coordinator)
    response = client.get(reverse("accounts:user_list"), {"q": "y" * 100})
    assert response.context["page"] is not None
    body = response.content.decode()
    assert "No accounts match" in body and 'aria-invalid="true"' not in body


def test_user_list_query_count_does_not_grow_with_rows(
    client, tree, lea_coordinator, django_assert_num_queries
):
    for n in range(30):
        user_with_role(Role.TEST_ADMINISTRATOR, tree.school_a1 if n % 2 else tree.school_a2)
    client.force_login(lea_coordinator)
    client.get(reverse("home"))  # session and scope warm-up is not what we measure
    # user, grants (scope), count, page of users, their grants (prefetch), the bell's unread
    # notices; the session comes from the cache
    with django_assert_num_queries(6):
        response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


def test_outsider_gets_404_for_an_account_of_another_lea(client, outsider, colleague):
    # rule U-4: the same answer as for an account that does not exist
    client.force_login(outsider)
    assert client.get(reverse("accounts:user_detail", args=[colleague.pk])).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[999999])).status_code == 404
    assert client.post(reverse("accounts:user_deactivate", args=[colleague.pk])).status_code == 404


def test_lea_coordinator_edits_and_deactivates_an_account(client, lea_coordinator, colleague):
    client.force_login(lea_coordinator)
    response = client.post(
        reverse("accounts:user_edit", args=[colleague.pk]),
        {"full_name": "Robert Alder", "phone": "(916) 555-0199"},
    )
    assert response.status_code == 302
    response = client.post(reverse("accounts:user_deactivate", args=[colleague.pk]))
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert (colleague.full_name, colleague.phone, colleague.is_active) == (
        "Robert Alder",
        "(916) 555-0199",
        False,
    )
    kinds = list(AccountEvent.objects.filter(subject=colleague).values_list("kind", flat=True))
    assert "USER_UPDATED" in kinds and "USER_DEACTIVATED" in kinds
    client.post(reverse("accounts:user_reactivate", args=[colleague.pk]))
    colleague.refresh_from_db()
    assert colleague.is_active


def test_deactivated_user_is_signed_out_everywhere(client, lea_coordinator, colleague):
    other = type(client)()
    other.force_login(colleague)
    client.force_login(lea_coordinator)
    client.post(reverse("accounts:user_deactivate", args=[colleague.pk]))
    assert other.get(reverse("home")).status_code == 302


def test_nobody_deactivates_their_own_account(client, lea_coordinator):
    client.force_login(lea_coordinator)
    response = client.post(
        reverse("accounts:user_deactivate", args=[lea_coordinator.pk]), follow=True
    )
    assert "You cannot deactivate your own account." in response.content.decode()
    lea_coordinator.refresh_from_db()
    assert lea_coordinator.is_active


def test_deactivate_get_only_asks(client, lea_coordinator, colleague):
    # A GET shows the confirmation page (tests/pages/test_confirm.py); only a POST acts.
    client.force_login(lea_coordinator)
    assert client.get(reverse("accounts:user_deactivate", args=[colleague.pk])).status_code == 200
    colleague.refresh_from_db()
    assert colleague.is_active


def test_account_that_also_works_in_another_lea_is_read_only(client, tree, lea_coordinator):
    shared = user_with_role(Role.TEST_ADMINISTRATOR, tree.school_a1)
    RoleGrant.objects.create(user=shared, role=Role.TEST_ADMINISTRATOR, organization=tree.school_b1)
    client.force_login(lea_coordinator)
    detail = client.get(reverse("accounts:user_detail", args=[shared.pk]))
    assert detail.status_code == 200
    # Only the grant inside LEA A is shown; LEA B's is not LEA A's business.
    assert tree.school_b1.name not in detail.content.decode()
    assert client.post(reverse("accounts:user_deactivate", args=[shared.pk])).status_code == 403


def test_grant_add_and_remove(client, tree, lea_coordinator, colleague):
    client.force_login(lea_coordinator)
    response = _grant(client, colleague, Role.SITE_ELPAC_COORDINATOR, tree.school_a2)
    assert response.status_code == 302
    grant = colleague.grants.get(role=Role.SITE_ELPAC_COORDINATOR)
    response = client.post(reverse("accounts:grant_remove", args=[colleague.pk, grant.pk]))
    assert response.status_code == 302
    assert colleague.grants.count() == 1


def test_grant_in_another_lea_is_refused_next_to_the_field(
    client, tree, lea_coordinator, colleague
):
    # rule U-3
    client.force_login(lea_coordinator)
    response = _grant(client, colleague, Role.TEST_ADMINISTRATOR, tree.school_b1)
    assert response.status_code == 400
    assert "You can grant roles only inside your own LEA and its schools." in (
        response.content.decode()
    )
    assert colleague.grants.count() == 1


def test_duplicate_grant_is_refused(client, tree, lea_coordinator, colleague):
    client.force_login(lea_coordinator)
    response = _grant(client, colleague, Role.SITE_CAASPP_COORDINATOR, tree.school_a1)
    assert response.status_code == 400
    assert "already holds that role" in response.content.decode()


def test_last_grant_cannot_be_removed(client, lea_coordinator, colleague):
    client.force_login(lea_coordinator)
    grant = colleague.grants.get()
    response = client.post(
        reverse("accounts:grant_remove", args=[colleague.pk, grant.pk]), follow=True
    )
    assert "Deactivate the account instead" in response.content.decode()
    assert colleague.grants.count() == 1


def test_home_lists_the_users_roles(client, lea_coordinator):
    client.force_login(lea_coordinator)
    body = client.get(reverse("home")).content.decode()
    assert "LEA CAASPP Coordinator" in body
    assert "Alder Unified" in body


def test_navigation_shows_only_what_the_role_allows(client, lea_coordinator, colleague):
    client.force_login(colleague)
    assert "/accounts/users/" not in client.get(reverse("home")).content.decode()
    client.force_login(lea_coordinator)
    assert "/accounts/users/" in client.get(reverse("home")).content.decode()


def test_invited_person_can_also_use_forgot_password(client, tree, lea_coordinator):
    client.force_login(lea_coordinator)
    _create(client, tree.school_a2, Role.TEST_ADMINISTRATOR)
    client.logout()
    mail.outbox.clear()
    client.post(reverse("accounts:password_reset"), {"email": "new.person@alder.example.org"})
    assert len(mail.outbox) == 1


def test_nobody_changes_their_own_roles(client, tree, lea_coordinator):
    # rule U-3: a coordinator does not widen their own access
    client.force_login(lea_coordinator)
    response = _grant(client, lea_coordinator, Role.LEA_ELPAC_COORDINATOR, tree.lea_a)
    assert response.status_code == 400
    assert "You cannot change your own roles" in response.content.decode()
    assert lea_coordinator.grants.count() == 1


def test_history_shows_nothing_from_outside_the_lea(client, tree, lea_coordinator, cde_admin):
    # rule U-4: an account shared with LEA B shows LEA A nothing of LEA B
    shared = user_with_role(Role.TEST_ADMINISTRATOR, tree.school_a1)
    client.force_login(cde_admin)
    _grant(client, shared, Role.TEST_ADMINISTRATOR, tree.school_b1)
    _grant(client, shared, Role.SITE_ELPAC_COORDINATOR, tree.school_a2)
    assert AccountEvent.objects.filter(subject=shared, kind="GRANT_ADDED").count() == 2
    client.force_login(lea_coordinator)
    body = client.get(reverse("accounts:user_detail", args=[shared.pk])).content.decode()
    assert tree.school_b1.name not in body
    assert "Site ELPAC Coordinator at Alder Middle" in body
    # The CDE administrator is not someone LEA A can look up, so is not named.
    assert cde_admin.full_name not in body
    assert "by the state or another organization" in body


def test_an_empty_add_user_form_says_what_each_field_needs(client, lea_coordinator):
    client.force_login(lea_coordinator)
    response = client.post(
        reverse("accounts:user_create"), {"email": "", "full_name": "", "phone": "", "grant": ""}
    )
    body = response.content.decode()
    assert "This field is required." not in body
    assert "Enter the person&#x27;s work email address: the invitation goes there." in body
    assert "Enter the person&#x27;s full name, as colleagues know it." in body
    assert "Choose the role and the organization where they hold it." in body
    assert not User.objects.exclude(pk=lea_coordinator.pk).exists()
