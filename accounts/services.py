"""Every write on accounts: one function per use case, one transaction, one timeline row."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access, emails
from accounts.models import (
    AccountEvent,
    AccountEventKind,
    Organization,
    Role,
    RoleGrant,
    User,
)
from accounts.phone import normalize_us_phone


def _record(
    kind: str,
    *,
    actor: User | None,
    subject: User,
    detail: str = "",
    organization: Organization | None = None,
) -> None:
    AccountEvent.objects.create(
        kind=kind, actor=actor, subject=subject, detail=detail[:300], organization=organization
    )


def _check_grant_allowed(*, actor: User, role: str, organization: Organization) -> None:
    # The rule itself lives in access.grant_refusal, the same one the forms list pairs from.
    refusal = access.grant_refusal(actor, role, organization)
    if refusal:
        raise ValidationError(refusal)


def _phone(phone: str) -> str:
    """The phone written one way, or the refusal next to the phone field."""
    try:
        return normalize_us_phone(phone) if phone else ""
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None


def _locked_managed_user(*, actor: User, user_id: int) -> User:
    """Lock the account row, then check (after the lock wait) that the actor still manages it.

    The check runs as its own query after the lock is held, so a grant added elsewhere while
    this request waited for the lock is seen.
    """
    locked = User.objects.select_for_update().filter(pk=user_id).first()
    if locked is None or not access.managed_users_for(actor).filter(pk=user_id).exists():
        raise ValidationError("You cannot change this account; ask CDE.")
    return locked


def _refuse_own_roles(*, actor: User, user: User) -> None:
    # Nobody widens or narrows their own access; a colleague or CDE does it (U-3).
    if actor.pk == user.pk:
        raise ValidationError(
            {"role": "You cannot change your own roles; ask another coordinator or CDE."}
        )


@transaction.atomic
def user_create(
    *,
    actor: User,
    email: str,
    full_name: str,
    phone: str,
    role: str,
    organization: Organization,
    site_url: str,
) -> User:
    """Add a person by email with a role at an organization, and tell them (U-3).

    Steps: check the grant is allowed for the actor (U-3); if no account has this email,
    create one without a usable password and queue the invitation, whose one-time link the
    outbox worker writes when it sends; if one exists, grant that account the role and queue a
    notice (or the invitation, if they never chose a password); record it all on the timeline.

    An existing account gets the same answer as a new one, so adding a user never tells an LEA
    coordinator that an email is in use in another LEA or at the state. The name and phone
    typed are used only for a new account: an existing person's details are theirs to keep.
    """
    _check_grant_allowed(actor=actor, role=role, organization=organization)
    phone = _phone(phone)
    email = email.strip().lower()
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=None, full_name=full_name, phone=phone
                )
        except IntegrityError:
            # Created by someone else a moment ago: add the role to that account instead.
            existing = User.objects.select_for_update().get(email__iexact=email)
    if existing is not None:
        return _grant_to_existing_account(
            actor=actor, user=existing, role=role, organization=organization, site_url=site_url
        )
    RoleGrant.objects.create(user=user, role=role, organization=organization, granted_by=actor)
    _record(AccountEventKind.USER_CREATED, actor=actor, subject=user, organization=organization)
    _record_grant(actor=actor, user=user, role=role, organization=organization)
    emails.invitation_queue(user=user, site_url=site_url)
    return user


def _grant_to_existing_account(
    *, actor: User, user: User, role: str, organization: Organization, site_url: str
) -> User:
    _refuse_own_roles(actor=actor, user=user)
    # Holding this very grant means the account is already inside the actor's organizations,
    # so saying so reveals nothing beyond what the actor can see.
    if RoleGrant.objects.filter(user=user, role=role, organization=organization).exists():
        raise ValidationError(
            {"role": "This account already holds that role at that organization."}
        )
    RoleGrant.objects.create(user=user, role=role, organization=organization, granted_by=actor)
    _record_grant(actor=actor, user=user, role=role, organization=organization)
    if user.is_active and user.has_usable_password():
        emails.role_notice_queue(user=user, role=role, organization=organization, site_url=site_url)
    else:
        # No password yet: the invitation. A deactivated account's invitation is queued too,
        # so the answer stays the same, and the worker skips it (visible to CDE in the outbox).
        emails.invitation_queue(user=user, site_url=site_url)
    return user


def _record_grant(*, actor: User, user: User, role: str, organization: Organization) -> None:
    _record(
        AccountEventKind.GRANT_ADDED,
        actor=actor,
        subject=user,
        detail=f"{Role(role).label} at {organization.name}",
        organization=organization,
    )


@transaction.atomic
def user_update(*, actor: User, user: User, full_name: str, phone: str) -> User:
    """Change an account's name and phone (the email is the sign-in and stays)."""
    phone = _phone(phone)
    locked = _locked_managed_user(actor=actor, user_id=user.pk)
    changes = []
    if locked.full_name != full_name:
        changes.append("name")
    if locked.phone != phone:
        changes.append("phone")
    if not changes:
        return locked
    locked.full_name = full_name
    locked.phone = phone
    locked.save(update_fields=["full_name", "phone"])
    _record(AccountEventKind.USER_UPDATED, actor=actor, subject=locked, detail=", ".join(changes))
    return locked


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Deactivate an account: it can no longer sign in; its history stays."""
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account.")
    locked = _locked_managed_user(actor=actor, user_id=user.pk)
    if not locked.is_active:
        return locked
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    _record(AccountEventKind.USER_DEACTIVATED, actor=actor, subject=locked)
    return locked


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    locked = _locked_managed_user(actor=actor, user_id=user.pk)
    if locked.is_active:
        return locked
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    _record(AccountEventKind.USER_REACTIVATED, actor=actor, subject=locked)
    return locked


@transaction.atomic
def grant_add(*, actor: User, user: User, role: str, organization: Organization) -> RoleGrant:
    """Give an account one more role at one organization (U-2, U-3)."""
    _refuse_own_roles(actor=actor, user=user)
    locked = _locked_managed_user(actor=actor, user_id=user.pk)
    _check_grant_allowed(actor=actor, role=role, organization=organization)
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=locked, role=role, organization=organization, granted_by=actor
            )
    except IntegrityError:
        raise ValidationError(
            {"role": "This account already holds that role at that organization."}
        ) from None
    _record_grant(actor=actor, user=locked, role=role, organization=organization)
    return grant


@transaction.atomic
def grant_remove(*, actor: User, grant: RoleGrant) -> None:
    """Remove a role. The last one stays: an account without a role is deactivated instead."""
    _refuse_own_roles(actor=actor, user=grant.user)
    locked = _locked_managed_user(actor=actor, user_id=grant.user_id)
    # Re-read the grant under the lock: another request may have removed it meanwhile.
    current = (
        RoleGrant.objects.select_for_update()
        .select_related("organization")
        .filter(pk=grant.pk, user=locked)
        .first()
    )
    if current is None:
        raise ValidationError("That role was already removed.")
    _check_grant_allowed(actor=actor, role=current.role, organization=current.organization)
    if RoleGrant.objects.filter(user=locked).count() <= 1:
        raise ValidationError(
            "This is the account's only role. Deactivate the account instead of removing it."
        )
    detail = f"{current.get_role_display()} at {current.organization.name}"
    organization = current.organization
    current.delete()
    _record(
        AccountEventKind.GRANT_REMOVED,
        actor=actor,
        subject=locked,
        detail=detail,
        organization=organization,
    )


@transaction.atomic
def security_forms_sign(*, user: User) -> User:
    """U-5: record the signing of the Test Security Agreement and Affidavit, with time."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    fields = []
    if locked.agreement_signed_at is None:
        locked.agreement_signed_at = now
        fields.append("agreement_signed_at")
        _record(AccountEventKind.AGREEMENT_SIGNED, actor=locked, subject=locked)
    if locked.affidavit_signed_at is None:
        locked.affidavit_signed_at = now
        fields.append("affidavit_signed_at")
        _record(AccountEventKind.AFFIDAVIT_SIGNED, actor=locked, subject=locked)
    if fields:
        locked.save(update_fields=fields)
    return locked
