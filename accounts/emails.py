"""Emails about accounts, queued through the outbox (notifications app) and written by the
worker from their templates (templates/accounts/email/).

The invitation carries a one-time link to choose a password. That link is a secret, so the
outbox row holds only the account's id: the worker writes the link when it sends, and it never
sits in the database. Both kinds are registered in ``AccountsConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Organization, Role, User
from notifications.models import Notification
from notifications.renderers import EmailKind, NotificationNotNeeded
from notifications.services import notification_queue

INVITATION = "accounts.invitation"
ROLE_ADDED = "accounts.role_added"


def invitation_queue(*, user: User, site_url: str) -> Notification:
    """Queue the email that lets a new account's owner choose their first password.

    ``site_url`` ("https://stairs.example.org") is where the link points; it is not a secret.
    """
    return notification_queue(
        recipient=user.email,
        user_id=user.pk,
        kind=INVITATION,
        payload={"user_id": user.pk, "site_url": site_url},
    )


def invitation_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The invitation's fresh one-time link, written when the worker sends it."""
    user = User.objects.filter(pk=payload["user_id"]).first()
    if user is None or not user.is_active:
        raise NotificationNotNeeded("The account was removed or deactivated before sending.")
    if user.has_usable_password():
        # They chose a password meanwhile ("Forgot your password?"): a link would only reset it.
        raise NotificationNotNeeded("The person has chosen a password already.")
    site = urlsplit(payload["site_url"])
    return {
        "email": user.email,
        "protocol": site.scheme,
        "domain": site.netloc,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def role_notice_queue(
    *, user: User, role: str, organization: Organization, site_url: str
) -> Notification:
    """Tell the owner of an existing account that they were given a role (no secret in it)."""
    return notification_queue(
        recipient=user.email,
        user_id=user.pk,
        kind=ROLE_ADDED,
        payload={"role": role, "organization_id": organization.pk, "site_url": site_url},
    )


def role_added_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    organization = Organization.objects.filter(pk=payload["organization_id"]).first()
    if organization is None:
        raise NotificationNotNeeded("The organization was removed before sending.")
    return {
        "role": Role(payload["role"]).label,
        "organization": organization.name,
        "sign_in_url": f"{payload['site_url']}{reverse('accounts:login')}",
    }


KINDS = (
    EmailKind(INVITATION, "accounts/email/invitation", invitation_context),
    EmailKind(ROLE_ADDED, "accounts/email/role_added", role_added_context),
)
