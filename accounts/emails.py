"""Emails about accounts, queued through the outbox (notifications app).

The invitation carries a one-time link to choose a password. That link is a secret, so the
outbox row holds only the account's id: the worker writes the link when it sends
(``render_invitation``, registered in ``AccountsConfig.ready``), and it never sits in the
database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Organization, Role, User
from notifications.models import Notification
from notifications.renderers import NotificationNotNeeded
from notifications.services import notification_queue

INVITATION = "accounts.invitation"


def invitation_queue(*, user: User, site_url: str) -> Notification:
    """Queue the email that lets a new account's owner choose their first password.

    ``site_url`` ("https://stairs.example.org") is where the link points; it is not a secret.
    """
    subject = render_to_string("accounts/email/invitation_subject.txt").strip()
    return notification_queue(
        recipient=user.email,
        subject=subject,
        kind=INVITATION,
        payload={"user_id": user.pk, "site_url": site_url},
    )


def render_invitation(payload: Mapping[str, Any]) -> str:
    """The invitation's body with a fresh one-time link, written when the worker sends it."""
    user = User.objects.filter(pk=payload["user_id"]).first()
    if user is None or not user.is_active:
        raise NotificationNotNeeded("The account was removed or deactivated before sending.")
    if user.has_usable_password():
        # They chose a password meanwhile ("Forgot your password?"): a link would only reset it.
        raise NotificationNotNeeded("The person has chosen a password already.")
    site = urlsplit(payload["site_url"])
    return render_to_string(
        "accounts/email/invitation.txt",
        {
            "email": user.email,
            "protocol": site.scheme,
            "domain": site.netloc,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def role_notice_queue(
    *, user: User, role: str, organization: Organization, site_url: str
) -> Notification:
    """Tell the owner of an existing account that they were given a role (no secret in it)."""
    context = {
        "role": Role(role).label,
        "organization": organization.name,
        "sign_in_url": f"{site_url}{reverse('accounts:login')}",
    }
    return notification_queue(
        recipient=user.email,
        subject=render_to_string("accounts/email/role_added_subject.txt", context).strip(),
        body=render_to_string("accounts/email/role_added.txt", context),
    )
