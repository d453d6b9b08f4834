"""Factories shared by every app's tests."""

from __future__ import annotations

import factory
from django.utils import timezone

from accounts.models import Organization, OrganizationKind, Role, RoleGrant, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrganizationKind.LEA
    name = factory.Sequence(lambda n: f"Unified School District {n}")
    cds_code = factory.Sequence(lambda n: f"{19000000000000 + n * 1000:014d}")
    parent = None


class LeaFactory(OrganizationFactory):
    kind = OrganizationKind.LEA


class SchoolFactory(OrganizationFactory):
    kind = OrganizationKind.SCHOOL
    name = factory.Sequence(lambda n: f"Elementary School {n}")
    cds_code = factory.Sequence(lambda n: f"{19000000000000 + n * 1000 + 1:014d}")
    parent = factory.SubFactory(LeaFactory)


class StateFactory(OrganizationFactory):
    kind = OrganizationKind.STATE
    name = "California Department of Education"
    cds_code = None


class CaltacFactory(OrganizationFactory):
    kind = OrganizationKind.CALTAC
    name = "California Technical Assistance Center"
    cds_code = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Pat Example {n}")
    agreement_signed_at = factory.LazyFunction(timezone.now)
    affidavit_signed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: str, organization: Organization, **fields) -> User:
    """A user holding one role at one organization."""
    user = UserFactory(**fields)
    RoleGrant.objects.create(user=user, role=role, organization=organization)
    return user


__all__ = [
    "DEFAULT_PASSWORD",
    "CaltacFactory",
    "LeaFactory",
    "OrganizationFactory",
    "Role",
    "SchoolFactory",
    "StateFactory",
    "UserFactory",
    "user_with_role",
]
