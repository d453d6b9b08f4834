"""Organizations and role grants (domain.md U-1, U-2)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import (
    ROLE_ORGANIZATION_KIND,
    Organization,
    OrganizationKind,
    Role,
    RoleGrant,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _org_of_kind(tree, kind):
    return {
        OrganizationKind.STATE: tree.state,
        OrganizationKind.CALTAC: tree.caltac,
        OrganizationKind.LEA: tree.lea_a,
        OrganizationKind.SCHOOL: tree.school_a1,
    }[kind]


@pytest.mark.parametrize("role", Role.values)
def test_each_role_is_accepted_on_its_own_kind_of_organization(tree, role):
    # rule U-2: site roles on schools, LEA roles on LEAs, CDE on the state, CalTAC on CalTAC
    grant = RoleGrant(
        user=UserFactory(), role=role, organization=_org_of_kind(tree, ROLE_ORGANIZATION_KIND[role])
    )
    grant.full_clean()


@pytest.mark.parametrize("role", Role.values)
def test_each_role_is_refused_on_every_other_kind_of_organization(tree, role):
    # rule U-2
    for kind in OrganizationKind.values:
        if kind == ROLE_ORGANIZATION_KIND[role]:
            continue
        grant = RoleGrant(user=UserFactory(), role=role, organization=_org_of_kind(tree, kind))
        with pytest.raises(ValidationError) as excinfo:
            grant.full_clean()
        assert "organization" in excinfo.value.message_dict
        assert "is a role for" in excinfo.value.message_dict["organization"][0]


def test_program_is_part_of_a_coordinator_role(tree):
    user = UserFactory()
    caaspp = RoleGrant(user=user, role=Role.SITE_CAASPP_COORDINATOR, organization=tree.school_a1)
    elpac = RoleGrant(user=user, role=Role.LEA_ELPAC_COORDINATOR, organization=tree.lea_a)
    ta = RoleGrant(user=user, role=Role.TEST_ADMINISTRATOR, organization=tree.school_a1)
    assert (caaspp.program, elpac.program, ta.program) == ("CAASPP", "ELPAC", None)


def test_a_user_may_hold_several_grants_but_not_the_same_one_twice(tree):
    # rule U-2: a user may hold several roles
    user = UserFactory()
    RoleGrant.objects.create(user=user, role=Role.LEA_CAASPP_COORDINATOR, organization=tree.lea_a)
    RoleGrant.objects.create(user=user, role=Role.LEA_ELPAC_COORDINATOR, organization=tree.lea_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(
            user=user, role=Role.LEA_CAASPP_COORDINATOR, organization=tree.lea_a
        )
    assert user.grants.count() == 2


def test_database_refuses_an_unknown_role(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=UserFactory(), role="SUPERUSER", organization=tree.lea_a)


def test_school_must_sit_under_an_lea(tree):
    # rule U-1
    school = Organization(
        kind=OrganizationKind.SCHOOL,
        name="Orphan",
        cds_code="19000006000009",
        parent=tree.school_a1,
    )
    with pytest.raises(ValidationError) as excinfo:
        school.full_clean()
    assert excinfo.value.message_dict["parent"] == ["A school must belong to an LEA."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(
            kind=OrganizationKind.SCHOOL, name="No parent", cds_code="19000006000010"
        )


@pytest.mark.parametrize("cds", ["1234", "1964733000000A", "196473300000001"])
def test_lea_needs_a_fourteen_digit_cds_code(db, cds):
    lea = Organization(kind=OrganizationKind.LEA, name="Bad code", cds_code=cds)
    with pytest.raises(ValidationError) as excinfo:
        lea.full_clean()
    assert "cds_code" in excinfo.value.message_dict


def test_database_refuses_an_lea_without_cds_code(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(kind=OrganizationKind.LEA, name="No code", cds_code=None)


def test_state_has_no_cds_code(db):
    state = Organization(kind=OrganizationKind.STATE, name="CDE", cds_code="19647330000000")
    with pytest.raises(ValidationError) as excinfo:
        state.full_clean()
    assert excinfo.value.message_dict["cds_code"] == ["Only LEAs and schools have a CDS code."]


def test_email_is_stored_lowercase(db):
    user = UserFactory(email="Pat.Example@Example.ORG")
    assert user.email == "pat.example@example.org"
