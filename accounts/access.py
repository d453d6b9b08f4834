"""Who sees and acts on what (domain.md U-3, U-4): the one place that answers it.

Every list, detail page, export and bulk action starts from a queryset made here. Something
outside a user's scope is simply not in the queryset, so a view answers 404 for it, exactly as
for something that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from accounts.models import (
    LEA_COORDINATOR_ROLES,
    STATE_ROLES,
    Organization,
    OrganizationKind,
    Role,
    RoleGrant,
    User,
    role_misfit,
)

_SCOPE_CACHE = "_stairs_scope"


@dataclass(frozen=True)
class Scope:
    """What a user's grants open up: everything (CDE, CalTAC), whole LEAs, single schools."""

    everything: bool
    lea_ids: frozenset[int]
    school_ids: frozenset[int]
    roles: frozenset[str]
    # Organizations where the user may create and edit accounts (U-3).
    managed_lea_ids: frozenset[int]
    manages_everything: bool
    # The grants themselves, with their organization and its parent, by role: what the start
    # page lists, read in the scope's one query.
    grants: tuple[RoleGrant, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.lea_ids or self.school_ids)

    def school_q(self, field: str) -> Q:
        """A filter on a foreign key to a school organization (``field``) for this scope."""
        if self.everything:
            return Q()
        if self.is_empty:
            return Q(pk__in=[])
        return Q(**{f"{field}__parent_id__in": self.lea_ids}) | Q(
            **{f"{field}_id__in": self.school_ids}
        )

    def rows_q(self, *, lea: str, school: str) -> Q:
        """``school_q(school)`` for a table that also keeps the school's LEA (``lea``): the same
        rows, without the join to the schools, and an index led by the LEA can serve it."""
        if self.everything:
            return Q()
        if self.is_empty:
            return Q(pk__in=[])
        return Q(**{f"{lea}_id__in": self.lea_ids}) | Q(**{f"{school}_id__in": self.school_ids})

    @property
    def schools_only(self) -> bool:
        """A scope of a few schools (site roles): a few thousand students at most."""
        return not self.everything and not self.lea_ids

    def covers_school(self, school: Organization) -> bool:
        """The same answer as ``school_q`` for one school already in memory."""
        return self.everything or school.pk in self.school_ids or school.parent_id in self.lea_ids

    def lea_q(self, field: str) -> Q:
        """A filter on a foreign key to an LEA organization (``field``) for this scope.

        A site role sees the LEA-level records of its own school's LEA only through the
        records of its school, so only LEA roles open an LEA here.
        """
        if self.everything:
            return Q()
        if not self.lea_ids:
            return Q(pk__in=[])
        return Q(**{f"{field}_id__in": self.lea_ids})


def scope_for(user: User) -> Scope:
    """The user's scope, computed once per user object (one query for the grants)."""
    cached = getattr(user, _SCOPE_CACHE, None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        scope = Scope(False, frozenset(), frozenset(), frozenset(), frozenset(), False)
    else:
        grants = list(
            RoleGrant.objects.filter(user=user)
            .select_related("organization", "organization__parent")
            .order_by("role")
        )
        roles = frozenset(g.role for g in grants)
        lea_ids = frozenset(
            g.organization_id for g in grants if g.organization.kind == OrganizationKind.LEA
        )
        school_ids = frozenset(
            g.organization_id for g in grants if g.organization.kind == OrganizationKind.SCHOOL
        )
        managed = frozenset(g.organization_id for g in grants if g.role in LEA_COORDINATOR_ROLES)
        scope = Scope(
            everything=bool(roles & STATE_ROLES),
            lea_ids=lea_ids,
            school_ids=school_ids,
            roles=roles,
            managed_lea_ids=managed,
            manages_everything=Role.CDE_ADMINISTRATOR in roles,
            grants=tuple(grants),
        )
    setattr(user, _SCOPE_CACHE, scope)
    return scope


def scope_of_organization(organization: Organization) -> Scope:
    """What an organization's own records cover, as a user granted a role there would see it:
    the state everything, an LEA its schools, a school itself (for imports made for an
    organization rather than by a signed-in user)."""
    kind = organization.kind
    return Scope(
        everything=kind in (OrganizationKind.STATE, OrganizationKind.CALTAC),
        lea_ids=frozenset({organization.pk}) if kind == OrganizationKind.LEA else frozenset(),
        school_ids=frozenset({organization.pk}) if kind == OrganizationKind.SCHOOL else frozenset(),
        roles=frozenset(),
        managed_lea_ids=frozenset(),
        manages_everything=False,
    )


def forget_scope(user: User) -> None:
    """Drop the cached scope after the user's own grants changed."""
    if hasattr(user, _SCOPE_CACHE):
        delattr(user, _SCOPE_CACHE)


def has_role(user: User, *roles: str) -> bool:
    return bool(scope_for(user).roles & set(roles))


def security_forms_pending(user: User) -> bool:
    """U-5: an LEA coordinator who has not signed both security forms may use nothing else yet.

    The gate middleware and the navigation both ask this, so nothing offered bounces.
    """
    return (
        user.is_authenticated
        and not user.has_signed_security_forms
        and has_role(user, *LEA_COORDINATOR_ROLES)
    )


def organizations_for(user: User) -> QuerySet[Organization]:
    """Organizations the user can see: all for CDE and CalTAC, else their LEAs and schools."""
    scope = scope_for(user)
    qs = Organization.objects.select_related("parent")
    if scope.everything:
        return qs
    return qs.filter(
        Q(pk__in=scope.lea_ids) | Q(parent_id__in=scope.lea_ids) | Q(pk__in=scope.school_ids)
    )


def manageable_organizations_for(user: User) -> QuerySet[Organization]:
    """Where the user may create accounts and grant roles (U-3).

    CDE administrators: every organization. An LEA coordinator: their own LEA and its
    schools ("at the LEA level or lower"). Nobody else manages accounts.
    """
    scope = scope_for(user)
    qs = Organization.objects.select_related("parent")
    if scope.manages_everything:
        return qs
    if not scope.managed_lea_ids:
        return qs.none()
    return qs.filter(Q(pk__in=scope.managed_lea_ids) | Q(parent_id__in=scope.managed_lea_ids))


def can_manage_users(user: User) -> bool:
    scope = scope_for(user)
    return scope.manages_everything or bool(scope.managed_lea_ids)


def _in_managed_lea(scope: Scope, organization: Organization) -> bool:
    return organization.pk in scope.managed_lea_ids or (
        organization.kind == OrganizationKind.SCHOOL
        and organization.parent_id in scope.managed_lea_ids
    )


def grant_refusal(actor: User, role: str, organization: Organization) -> dict[str, str] | None:
    """Why ``actor`` may not grant ``role`` at ``organization``, or None when they may (U-2, U-3).

    The one definition of who grants what where: the forms offer exactly the pairs this accepts
    and the services refuse the rest with its message. The answer names the field at fault:
    ``organization`` for a place outside the actor's LEA, ``role`` for a role above their level
    or one that does not belong on that kind of organization.
    """
    scope = scope_for(actor)
    # rule U-3: inside their own LEA and its schools; CDE administrators anywhere
    if not (scope.manages_everything or _in_managed_lea(scope, organization)):
        return {"organization": "You can grant roles only inside your own LEA and its schools."}
    # rule U-3: never a higher level than their own
    if role in STATE_ROLES and not scope.manages_everything:
        return {"role": f"You cannot grant {Role(role).label}: it is above your level."}
    # rule U-2: each role belongs on one kind of organization
    misfit = role_misfit(role, organization)
    if misfit:
        return {"role": misfit}
    return None


def grantable_roles(user: User, organization: Organization) -> list[str]:
    """The roles ``user`` may grant at ``organization``, in the order of ``Role``."""
    return [role for role in Role.values if grant_refusal(user, role, organization) is None]


def grantable_pairs(user: User) -> list[tuple[Organization, list[str]]]:
    """Every organization where ``user`` may grant a role, with the roles they may grant there.

    What the grant forms offer: no pair outside this list is ever shown (U-2, U-3).
    """
    organizations = manageable_organizations_for(user).order_by("parent__name", "kind", "name")
    pairs = [(org, grantable_roles(user, org)) for org in organizations]
    return [(org, roles) for org, roles in pairs if roles]


def users_for(user: User) -> QuerySet[User]:
    """Accounts the user may see: anyone with a grant inside their scope."""
    scope = scope_for(user)
    if scope.everything:
        return User.objects.all()
    if scope.is_empty:
        return User.objects.none()
    visible = organizations_for(user).values("pk")
    return User.objects.filter(
        pk__in=RoleGrant.objects.filter(organization__in=visible).values("user_id")
    )


def managed_users_for(user: User) -> QuerySet[User]:
    """Accounts the user may edit and deactivate.

    A CDE administrator: all. An LEA coordinator: accounts whose every grant lies inside their
    own LEA, so an LEA never edits someone who also works for another LEA or the state.
    """
    scope = scope_for(user)
    if scope.manages_everything:
        return User.objects.all()
    if not scope.managed_lea_ids:
        return User.objects.none()
    managed = manageable_organizations_for(user).values("pk")
    return User.objects.filter(
        pk__in=RoleGrant.objects.filter(organization__in=managed).values("user_id")
    ).exclude(pk__in=RoleGrant.objects.exclude(organization__in=managed).values("user_id"))
