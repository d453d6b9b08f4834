"""Demo organizations and one user per role. Demo-only passwords: never use them for real."""

from __future__ import annotations

from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, OrganizationKind, Role, RoleGrant, User

DEMO_PASSWORD = "stairs-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    organization_key: str
    signed: bool = True


# (key, kind, name, CDS code, parent key). County code 99 does not exist, so no demo code can
# collide with a real LEA or school.
ORGANIZATIONS = [
    ("cde", OrganizationKind.STATE, "California Department of Education", None, None),
    ("caltac", OrganizationKind.CALTAC, "California Technical Assistance Center", None, None),
    ("lr", OrganizationKind.LEA, "Los Robles Unified", "99000010000000", None),
    ("lr_elem", OrganizationKind.SCHOOL, "Los Robles Elementary", "99000016000001", "lr"),
    ("lr_high", OrganizationKind.SCHOOL, "Los Robles High", "99000016000002", "lr"),
    ("hv", OrganizationKind.LEA, "Harbor View Unified", "99000020000000", None),
    ("hv_elem", OrganizationKind.SCHOOL, "Harbor View Elementary", "99000026000001", "hv"),
    ("hv_high", OrganizationKind.SCHOOL, "Harbor View High", "99000026000002", "hv"),
]

# LEA coordinators start unsigned, so the demo shows the security-forms gate (U-5).
USERS = [
    DemoUser(
        "lea.caaspp@losrobles.example.org",
        "Lena Ortiz",
        Role.LEA_CAASPP_COORDINATOR,
        "lr",
        signed=False,
    ),
    DemoUser(
        "lea.elpac@losrobles.example.org",
        "Marco Reyes",
        Role.LEA_ELPAC_COORDINATOR,
        "lr",
        signed=False,
    ),
    DemoUser(
        "site.caaspp@losrobles.example.org", "Grace Kim", Role.SITE_CAASPP_COORDINATOR, "lr_elem"
    ),
    DemoUser(
        "site.elpac@losrobles.example.org", "Hugo Tran", Role.SITE_ELPAC_COORDINATOR, "lr_high"
    ),
    DemoUser("ta@losrobles.example.org", "Tess Alvarez", Role.TEST_ADMINISTRATOR, "lr_elem"),
    DemoUser(
        "lea.caaspp@harborview.example.org",
        "Owen Park",
        Role.LEA_CAASPP_COORDINATOR,
        "hv",
        signed=False,
    ),
    DemoUser("reviewer@cde.example.org", "Dana Whitfield", Role.CDE_REVIEWER, "cde"),
    DemoUser("admin@cde.example.org", "Ada Moreno", Role.CDE_ADMINISTRATOR, "cde"),
    DemoUser("agent@caltac.example.org", "Carl Nguyen", Role.CALTAC_AGENT, "caltac"),
]


@transaction.atomic
def seed(*, stdout=None) -> dict[str, Organization]:
    """Create the demo organizations and users, or put them back as they were; safe to run
    again (B12: a password, signature, role or lockout changed during a trial is undone)."""
    orgs: dict[str, Organization] = {}
    for key, kind, name, cds, parent_key in ORGANIZATIONS:
        parent = orgs[parent_key] if parent_key else None
        lookup = {"cds_code": cds} if cds else {"kind": kind, "cds_code": None}
        org, _ = Organization.objects.update_or_create(
            **lookup, defaults={"kind": kind, "name": name, "parent": parent}
        )
        orgs[key] = org
    # One hash for every demo account: the password is published anyway, and hashing it nine
    # times would slow every `make run`.
    password_hash = make_password(DEMO_PASSWORD)
    now = timezone.now()
    for demo in USERS:
        _restore_user(demo, orgs[demo.organization_key], password_hash=password_hash, now=now)
    if stdout is not None:
        stdout.write(f"Demo organizations: {len(orgs)}; demo users: {len(USERS)}.")
    return orgs


def _restore_user(demo: DemoUser, organization: Organization, *, password_hash: str, now) -> None:
    """Put one demo account back as the README describes, whatever a trial changed.

    The demo password, the name, no phone, active, the one listed role and nothing else, the
    security forms signed or not as listed (LEA coordinators start unsigned, to show U-5),
    Django admin access for the CDE administrator only, and no sign-in lockout.
    """
    user = User.objects.filter(email=demo.email).first() or User(email=demo.email)
    user.password = password_hash
    user.full_name = demo.full_name
    user.phone = ""
    user.is_active = True
    user.is_staff = user.is_superuser = demo.role == Role.CDE_ADMINISTRATOR
    if demo.signed:
        user.agreement_signed_at = user.agreement_signed_at or now
        user.affidavit_signed_at = user.affidavit_signed_at or now
    else:
        user.agreement_signed_at = user.affidavit_signed_at = None
    user.save()
    user.grants.exclude(role=demo.role, organization=organization).delete()
    RoleGrant.objects.get_or_create(user=user, role=demo.role, organization=organization)
    axes_reset(username=demo.email)


def sign_in_table() -> str:
    width = max(len(u.email) for u in USERS)
    lines = [f"Demo sign-ins (password for all: {DEMO_PASSWORD}; demo only):"]
    for demo in USERS:
        lines.append(f"  {demo.email.ljust(width)}  {Role(demo.role).label}")
    return "\n".join(lines)
