"""Users, the organization tree and role grants (domain.md section U)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.phone import PHONE_HELP, validate_us_phone
from stairs import vocabulary


class OrganizationKind(models.TextChoices):
    STATE = "STATE", "State (CDE)"
    CALTAC = "CALTAC", "CalTAC"
    LEA = "LEA", "LEA"
    SCHOOL = "SCHOOL", "School"


# Built from the one vocabulary (stairs/vocabulary.py), where each code is spelled once.
Program = models.TextChoices("Program", vocabulary.Program.choices())  # type: ignore[misc]


cds_code_validator = RegexValidator(r"^\d{14}$", "A CDS code is exactly 14 digits.")


class Organization(models.Model):
    """A node of the tree of U-1: the state and CalTAC at the top, LEAs, schools under an LEA."""

    kind = models.CharField(max_length=8, choices=OrganizationKind.choices)
    name = models.CharField(max_length=200)
    cds_code = models.CharField(
        "CDS code",
        max_length=14,
        unique=True,
        null=True,
        blank=True,
        validators=[cds_code_validator],
        help_text="14 digits; LEAs and schools only.",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            # LEAs and schools carry a CDS code; the state and CalTAC do not.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=[OrganizationKind.LEA, OrganizationKind.SCHOOL],
                        cds_code__isnull=False,
                        cds_code__regex=r"^\d{14}$",
                    )
                    | Q(
                        kind__in=[OrganizationKind.STATE, OrganizationKind.CALTAC],
                        cds_code__isnull=True,
                    )
                ),
                name="organization_cds_code_by_kind",
            ),
            # A school always sits under an LEA; the other kinds are roots.
            models.CheckConstraint(
                condition=Q(kind=OrganizationKind.SCHOOL, parent__isnull=False)
                | (~Q(kind=OrganizationKind.SCHOOL) & Q(parent__isnull=True)),
                name="organization_parent_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.cds_code})" if self.cds_code else self.name

    def clean(self) -> None:
        super().clean()
        if self.kind == OrganizationKind.SCHOOL:
            if self.parent is None or self.parent.kind != OrganizationKind.LEA:
                raise ValidationError({"parent": "A school must belong to an LEA."})
        elif self.parent_id is not None:
            raise ValidationError({"parent": "Only a school has a parent organization."})
        if self.kind in (OrganizationKind.LEA, OrganizationKind.SCHOOL) and not self.cds_code:
            raise ValidationError({"cds_code": "An LEA or a school needs its 14-digit CDS code."})
        if self.kind in (OrganizationKind.STATE, OrganizationKind.CALTAC) and self.cds_code:
            raise ValidationError({"cds_code": "Only LEAs and schools have a CDS code."})

    @property
    def lea_id(self) -> int | None:
        """The LEA this organization belongs to (itself for an LEA), or None above LEAs."""
        if self.kind == OrganizationKind.LEA:
            return self.pk
        if self.kind == OrganizationKind.SCHOOL:
            return self.parent_id
        return None


class Role(models.TextChoices):
    LEA_CAASPP_COORDINATOR = "LEA_CAASPP_COORDINATOR", "LEA CAASPP Coordinator"
    LEA_ELPAC_COORDINATOR = "LEA_ELPAC_COORDINATOR", "LEA ELPAC Coordinator"
    SITE_CAASPP_COORDINATOR = "SITE_CAASPP_COORDINATOR", "Site CAASPP Coordinator"
    SITE_ELPAC_COORDINATOR = "SITE_ELPAC_COORDINATOR", "Site ELPAC Coordinator"
    TEST_ADMINISTRATOR = "TEST_ADMINISTRATOR", "Test Administrator / Test Examiner"
    CDE_REVIEWER = "CDE_REVIEWER", "CDE Reviewer"
    CDE_ADMINISTRATOR = "CDE_ADMINISTRATOR", "CDE Administrator"
    CALTAC_AGENT = "CALTAC_AGENT", "CalTAC Agent"


# Which kind of organization each role is granted on (U-2): site roles on schools, LEA roles
# on LEAs, CDE roles on the state, CalTAC on CalTAC.
ROLE_ORGANIZATION_KIND: dict[str, str] = {
    Role.LEA_CAASPP_COORDINATOR: OrganizationKind.LEA,
    Role.LEA_ELPAC_COORDINATOR: OrganizationKind.LEA,
    Role.SITE_CAASPP_COORDINATOR: OrganizationKind.SCHOOL,
    Role.SITE_ELPAC_COORDINATOR: OrganizationKind.SCHOOL,
    Role.TEST_ADMINISTRATOR: OrganizationKind.SCHOOL,
    Role.CDE_REVIEWER: OrganizationKind.STATE,
    Role.CDE_ADMINISTRATOR: OrganizationKind.STATE,
    Role.CALTAC_AGENT: OrganizationKind.CALTAC,
}

# The program is part of a coordinator role.
ROLE_PROGRAM: dict[str, str] = {
    Role.LEA_CAASPP_COORDINATOR: Program.CAASPP,
    Role.LEA_ELPAC_COORDINATOR: Program.ELPAC,
    Role.SITE_CAASPP_COORDINATOR: Program.CAASPP,
    Role.SITE_ELPAC_COORDINATOR: Program.ELPAC,
}

LEA_COORDINATOR_ROLES = frozenset({Role.LEA_CAASPP_COORDINATOR, Role.LEA_ELPAC_COORDINATOR})
SITE_COORDINATOR_ROLES = frozenset({Role.SITE_CAASPP_COORDINATOR, Role.SITE_ELPAC_COORDINATOR})
COORDINATOR_ROLES = LEA_COORDINATOR_ROLES | SITE_COORDINATOR_ROLES
STATE_ROLES = frozenset({Role.CDE_REVIEWER, Role.CDE_ADMINISTRATOR, Role.CALTAC_AGENT})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField("full name", max_length=150)
    phone = models.CharField(
        "phone", max_length=30, blank=True, validators=[validate_us_phone], help_text=PHONE_HELP
    )
    is_active = models.BooleanField("active", default=True)
    is_staff = models.BooleanField("Django admin access", default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # U-5: the Test Security Agreement and the Test Security Affidavit, signed with time.
    agreement_signed_at = models.DateTimeField(null=True, blank=True)
    affidavit_signed_at = models.DateTimeField(null=True, blank=True)
    # A CDE reviewer or CalTAC agent marked away: the assignment task gives them no new appeal
    # and hands back the open appeals they hold (issue 9).
    away_since = models.DateTimeField("away since", null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_away(self) -> bool:
        return self.away_since is not None

    @property
    def has_signed_security_forms(self) -> bool:
        return self.agreement_signed_at is not None and self.affidavit_signed_at is not None


class RoleGrant(models.Model):
    """One role of a user at one organization. A user may hold several grants (U-2)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="grants")
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["role"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="rolegrant_role_valid"),
            models.UniqueConstraint(
                fields=["user", "role", "organization"], name="rolegrant_unique"
            ),
        ]
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.organization.name}"

    def clean(self) -> None:
        super().clean()
        if self.role and self.organization_id:
            validate_role_fits_organization(self.role, self.organization)

    @property
    def program(self) -> str | None:
        return ROLE_PROGRAM.get(self.role)


KIND_WITH_ARTICLE = {
    OrganizationKind.STATE: "the state (CDE)",
    OrganizationKind.CALTAC: "CalTAC",
    OrganizationKind.LEA: "an LEA",
    OrganizationKind.SCHOOL: "a school",
}


def role_misfit(role: str, organization: Organization) -> str | None:
    """Why ``role`` does not belong on ``organization``'s kind (U-2), or None when it does."""
    expected = ROLE_ORGANIZATION_KIND[role]
    if organization.kind == expected:
        return None
    return (
        f"{Role(role).label} is a role for {KIND_WITH_ARTICLE[expected]}, "
        f"not for {KIND_WITH_ARTICLE[organization.kind]}."
    )


def validate_role_fits_organization(role: str, organization: Organization) -> None:
    """Refuse a grant whose role does not belong on that kind of organization (U-2)."""
    misfit = role_misfit(role, organization)
    if misfit:
        raise ValidationError({"organization": misfit})


class AccountEventKind(models.TextChoices):
    USER_CREATED = "USER_CREATED", "Account created"
    USER_UPDATED = "USER_UPDATED", "Account updated"
    USER_DEACTIVATED = "USER_DEACTIVATED", "Account deactivated"
    USER_REACTIVATED = "USER_REACTIVATED", "Account reactivated"
    GRANT_ADDED = "GRANT_ADDED", "Role granted"
    GRANT_REMOVED = "GRANT_REMOVED", "Role removed"
    AGREEMENT_SIGNED = "AGREEMENT_SIGNED", "Test Security Agreement signed"
    AFFIDAVIT_SIGNED = "AFFIDAVIT_SIGNED", "Test Security Affidavit signed"


class AccountEvent(models.Model):
    """The timeline of account changes: who, when, what, on whom."""

    kind = models.CharField(max_length=20, choices=AccountEventKind.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_events")
    # Where the change happened (a grant's organization); None for changes to the person.
    # History is shown only for organizations the viewer can see (U-4).
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AccountEventKind.values), name="accountevent_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_id} at {self.at:%Y-%m-%d %H:%M}"
