"""accounts/access.py with the three personas (domain.md U-3, U-4)."""

import pytest

from accounts import access
from accounts.models import Role, RoleGrant
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_lea_coordinator_sees_own_lea_and_its_schools_only(tree, lea_coordinator):
    # rule U-4: LEA roles see their whole LEA
    visible = set(access.organizations_for(lea_coordinator))
    assert visible == {tree.lea_a, tree.school_a1, tree.school_a2}


def test_site_coordinator_sees_only_own_school(tree, colleague):
    # rule U-4: site-based roles see their whole site
    assert set(access.organizations_for(colleague)) == {tree.school_a1}


def test_outsider_sees_nothing_of_another_lea(tree, outsider):
    # rule U-4: nobody sees another LEA's records
    visible = set(access.organizations_for(outsider))
    assert visible == {tree.lea_b, tree.school_b1}
    assert tree.lea_a not in visible


@pytest.mark.parametrize("persona", ["cde_reviewer", "caltac_agent", "cde_admin"])
def test_state_roles_see_every_organization(request, tree, persona):
    user = request.getfixturevalue(persona)
    assert access.organizations_for(user).count() == 7


def test_school_q_filters_a_foreign_key_to_a_school(
    tree, lea_coordinator, colleague, outsider, test_administrator, other_school_test_administrator
):
    # The filter every student and case queryset uses, applied here to grants at schools.
    def schools_seen(user):
        rows = RoleGrant.objects.filter(organization__kind="SCHOOL").filter(
            access.scope_for(user).school_q("organization")
        )
        return {grant.organization for grant in rows}

    assert schools_seen(lea_coordinator) == {tree.school_a1, tree.school_a2}
    assert schools_seen(colleague) == {tree.school_a1}
    assert schools_seen(test_administrator) == {tree.school_a1}
    assert schools_seen(other_school_test_administrator) == {tree.school_a2}
    assert schools_seen(outsider) == set()


def test_users_for_lists_people_inside_the_scope(tree, lea_coordinator, colleague, outsider):
    assert set(access.users_for(lea_coordinator)) == {lea_coordinator, colleague}
    assert set(access.users_for(colleague)) == {colleague}
    assert outsider not in set(access.users_for(lea_coordinator))
    assert set(access.users_for(outsider)) == {outsider}


def test_only_lea_coordinators_and_cde_admins_manage_accounts(
    lea_coordinator, colleague, test_administrator, cde_reviewer, cde_admin, caltac_agent
):
    # rule U-3
    assert access.can_manage_users(lea_coordinator)
    assert access.can_manage_users(cde_admin)
    for user in (colleague, test_administrator, cde_reviewer, caltac_agent):
        assert not access.can_manage_users(user)


def test_lea_coordinator_grants_lea_level_or_lower_in_own_lea(tree, lea_coordinator):
    # rule U-3: inside their own LEA, at the LEA level or lower
    assert set(access.grantable_roles(lea_coordinator, tree.lea_a)) == {
        Role.LEA_CAASPP_COORDINATOR,
        Role.LEA_ELPAC_COORDINATOR,
    }
    assert set(access.grantable_roles(lea_coordinator, tree.school_a2)) == {
        Role.SITE_CAASPP_COORDINATOR,
        Role.SITE_ELPAC_COORDINATOR,
        Role.TEST_ADMINISTRATOR,
    }
    # never a higher level, never another LEA
    assert access.grantable_roles(lea_coordinator, tree.state) == []
    assert access.grantable_roles(lea_coordinator, tree.caltac) == []
    assert access.grantable_roles(lea_coordinator, tree.lea_b) == []
    assert access.grantable_roles(lea_coordinator, tree.school_b1) == []


def test_cde_admin_grants_anything_anywhere(tree, cde_admin):
    assert Role.CDE_REVIEWER in access.grantable_roles(cde_admin, tree.state)
    assert Role.LEA_CAASPP_COORDINATOR in access.grantable_roles(cde_admin, tree.lea_b)


def test_lea_coordinator_cannot_manage_someone_who_also_works_elsewhere(
    tree, lea_coordinator, colleague
):
    # An account that also holds a role in LEA B is visible to LEA A but not editable there.
    shared = user_with_role(Role.TEST_ADMINISTRATOR, tree.school_a1)
    RoleGrant.objects.create(user=shared, role=Role.TEST_ADMINISTRATOR, organization=tree.school_b1)
    assert shared in set(access.users_for(lea_coordinator))
    managed = set(access.managed_users_for(lea_coordinator))
    assert colleague in managed
    assert shared not in managed


def test_inactive_user_has_an_empty_scope(lea_coordinator):
    lea_coordinator.is_active = False
    access.forget_scope(lea_coordinator)
    assert access.scope_for(lea_coordinator).is_empty
    assert not access.organizations_for(lea_coordinator).exists()


def _every_pair(tree):
    organizations = [
        tree.state,
        tree.caltac,
        tree.lea_a,
        tree.school_a1,
        tree.school_a2,
        tree.lea_b,
        tree.school_b1,
    ]
    return [(org, role) for org in organizations for role in Role.values]


@pytest.mark.parametrize("persona", ["lea_coordinator", "cde_admin", "colleague", "outsider"])
def test_offered_pairs_are_exactly_the_grants_the_service_accepts(request, tree, persona):
    # rule U-3 (and U-2): one rule decides; the form's pairs and the service check agree on
    # every role at every organization, for each persona.
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from accounts import services

    actor = request.getfixturevalue(persona)
    offered = {(org.pk, role) for org, roles in access.grantable_pairs(actor) for role in roles}
    target = user_with_role(Role.TEST_ADMINISTRATOR, tree.school_a1, email="t@alder.example.org")
    if persona == "outsider":
        target = user_with_role(
            Role.TEST_ADMINISTRATOR, tree.school_b1, email="t@birch.example.org"
        )
    # The pair the target already holds is refused as a duplicate, whatever the actor.
    held = {(g.organization_id, g.role) for g in target.grants.all()}
    accepted = set()
    for org, role in _every_pair(tree):
        try:
            with transaction.atomic():
                services.grant_add(actor=actor, user=target, role=role, organization=org)
                accepted.add((org.pk, role))
                transaction.set_rollback(True)
        except ValidationError:
            pass
    assert offered - held == accepted
    if persona == "colleague":
        assert offered == set()  # a site coordinator grants nothing (U-3)


def test_lea_coordinator_is_never_offered_a_role_that_does_not_fit_the_organization(
    tree, lea_coordinator
):
    # rule U-2: site roles on schools, LEA roles on LEAs; rule U-3: own LEA, LEA level or lower
    pairs = {org: set(roles) for org, roles in access.grantable_pairs(lea_coordinator)}
    site_roles = {
        Role.SITE_CAASPP_COORDINATOR,
        Role.SITE_ELPAC_COORDINATOR,
        Role.TEST_ADMINISTRATOR,
    }
    assert pairs == {
        tree.lea_a: {Role.LEA_CAASPP_COORDINATOR, Role.LEA_ELPAC_COORDINATOR},
        tree.school_a1: site_roles,
        tree.school_a2: site_roles,
    }


def test_grant_refusal_names_the_field_at_fault(tree, lea_coordinator):
    # rule U-3 and U-2: each refusal says why, next to the field that holds the pair
    assert access.grant_refusal(lea_coordinator, Role.TEST_ADMINISTRATOR, tree.school_b1) == {
        "organization": "You can grant roles only inside your own LEA and its schools."
    }
    assert access.grant_refusal(lea_coordinator, Role.CDE_REVIEWER, tree.lea_a) == {
        "role": "You cannot grant CDE Reviewer: it is above your level."
    }
    assert access.grant_refusal(lea_coordinator, Role.SITE_CAASPP_COORDINATOR, tree.lea_a) == {
        "role": "Site CAASPP Coordinator is a role for a school, not for an LEA."
    }
    assert access.grant_refusal(lea_coordinator, Role.TEST_ADMINISTRATOR, tree.school_a2) is None
