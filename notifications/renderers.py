"""Kinds of email, written by the worker when it sends (issue 10, item 1).

A service queues a row holding a ``kind`` and a ``payload`` of ids (``services.emails_queue``).
The app that owns the kind registers it here, in its ``AppConfig.ready``, with a function that
turns the payload into a template context, read from the database as it is at sending time.
Each kind has three templates beside each other (``template`` names their common stem):

    <stem>_subject.txt   one line; carries the case number where there is one
    <stem>.txt           the plain-text part
    <stem>.html          the HTML part: a fragment, placed in notifications/email/layout.html

Both parts are wrapped in the shared layout (the sender to allow, N-4; the email settings
link). A secret such as a one-time link is only ever written here, never stored. This keeps the
layers one-way: notifications knows kinds by name, never the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

Context = Callable[[Mapping[str, Any]], dict[str, Any]]


class NotificationNotNeeded(Exception):
    """The email no longer makes sense (its account or case is gone): do not send it."""


@dataclass(frozen=True)
class EmailKind:
    name: str
    template: str
    context: Context
    # Notes and decisions: held for the recipient's daily digest when they chose one.
    digest: bool = False


@dataclass(frozen=True)
class RenderedEmail:
    """One email's subject and its two bodies: a kind's own parts (``parts``), or the whole
    email in the shared layout (``render``)."""

    subject: str
    text: str
    html: str


_kinds: dict[str, EmailKind] = {}


def register_kind(kind: EmailKind) -> None:
    existing = _kinds.get(kind.name)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {kind.name!r} is already registered.")
    _kinds[kind.name] = kind


def is_registered(kind: str) -> bool:
    return kind in _kinds


def kind_named(name: str) -> EmailKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No notification kind {name!r} is registered.") from None


def absolute_url(path: str) -> str:
    """A link for an email: the site's address (SITE_URL) and a local path."""
    return settings.SITE_URL.rstrip("/") + path


def parts(kind: str, payload: Mapping[str, Any]) -> RenderedEmail:
    """The kind's subject and bodies for this payload; raises NotificationNotNeeded."""
    email_kind = kind_named(kind)
    context = {**_common(), **email_kind.context(payload)}
    subject = render_to_string(f"{email_kind.template}_subject.txt", context)
    return RenderedEmail(
        # One line, whatever the template's layout: a header cannot hold a newline.
        subject=" ".join(subject.split())[:200],
        text=render_to_string(f"{email_kind.template}.txt", context).strip(),
        html=render_to_string(f"{email_kind.template}.html", context).strip(),
    )


def wrap(email: RenderedEmail) -> RenderedEmail:
    """The shared layout around the parts: the same frame for every email STAIRS sends."""
    # ``html`` was written by the kind's own template, which escaped what it put in.
    context = {**_common(), "subject": email.subject, "text": email.text, "html": email.html}
    return RenderedEmail(
        subject=email.subject,
        text=render_to_string("notifications/email/layout.txt", context),
        html=render_to_string("notifications/email/layout.html", context),
    )


def render(kind: str, payload: Mapping[str, Any]) -> RenderedEmail:
    return wrap(parts(kind, payload))


def _common() -> dict[str, Any]:
    return {
        "site_url": settings.SITE_URL.rstrip("/"),
        # Only the address: "STAIRS <no-reply@…>" is not what a safe-senders list takes.
        "sender": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        "settings_url": absolute_url(reverse("notifications:email_settings")),
    }
